/** Invalid options or inputs for a sequential test; a programming or rule error, never evidence. */
export class SequentialOptionsError extends Error {
  readonly code = 'INVALID_SEQUENTIAL_OPTIONS';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SequentialOptionsError';
  }
}
