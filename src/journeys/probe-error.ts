/**
 * The one error probe loading throws. `code` is stable; the message names the probe file and says
 * what is wrong with it, so `vigil probe check` and a journey's `error` reason can show it as is.
 * - `PROBE_NOT_FOUND`: no such file, or no probe of that name in the directory.
 * - `COMPILE_FAILED`: TypeScript reported errors (each listed with its line and column).
 * - `IMPORT_FAILED`: the module threw while being loaded.
 * - `INVALID_PROBE`: it loaded, but its exports do not meet the probe contract.
 * - `COMPILER_UNAVAILABLE`: a `.ts` probe, but the typescript package is not installed (production
 *   images load the built `dist/probes/*.js` instead).
 */
export type ProbeErrorCode =
  'PROBE_NOT_FOUND' | 'COMPILE_FAILED' | 'IMPORT_FAILED' | 'INVALID_PROBE' | 'COMPILER_UNAVAILABLE';

/** A probe that cannot be used, with a stable `code` and a reason a person can act on. */
export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeError';
  }
}
