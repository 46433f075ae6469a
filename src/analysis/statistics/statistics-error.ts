/** Stable codes for invalid statistics inputs; callers branch on `code`, never on the message. */
export type StatisticsErrorCode =
  'INVALID_SAMPLE' | 'INVALID_COUNT' | 'INVALID_PROBABILITY' | 'INVALID_OPTION' | 'NOT_COMPUTABLE';

/** Thrown by every function in `analysis/statistics` when its input cannot be analysed. */
export class StatisticsError extends Error {
  override readonly name = 'StatisticsError';

  constructor(
    readonly code: StatisticsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
