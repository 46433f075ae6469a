/**
 * Invalid arguments to the correlation core (options, windows, deployment facts): a programming or
 * request error naming the field, never evidence. Bad series data is an outcome, not this error.
 */
export class CorrelationInputError extends Error {
  readonly code = 'INVALID_CORRELATION_INPUT';

  constructor(
    /** The offending field, e.g. `window.beforeMs` or `deployments[2].startedAtMs`. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CorrelationInputError';
  }
}
