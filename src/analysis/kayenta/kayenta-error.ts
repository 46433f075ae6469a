/**
 * Errors raised inside the Kayenta-compatible judge. `classifyKayentaMetric` turns them into an
 * `Error` classification with a reason (as NetflixACAJudge does), so other metrics are still judged.
 */

/** Stable codes; callers branch on `code`, never on the message. */
export type KayentaErrorCode = 'INVALID_CONFIG' | 'INVALID_INPUT' | 'NOT_COMPUTABLE';

/** Thrown by the Kayenta port when its input cannot be analysed. */
export class KayentaError extends Error {
  override readonly name = 'KayentaError';

  constructor(
    readonly code: KayentaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
