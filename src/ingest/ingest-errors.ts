/** Why a marker was refused; the API maps each code to a status (api/api-errors.ts). */
export type IngestErrorCode =
  | 'UNKNOWN_RULE_SET'
  | 'UNKNOWN_FLAG_PROVIDER'
  | 'VALIDATION_FAILED'
  | 'PHASE_NOT_FOUND'
  | 'PHASE_ORDER'
  | 'DEPLOYMENT_CONFLICT'
  | 'DEPLOYMENT_NOT_FOUND'
  | 'ALREADY_DECIDED';

export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly details?: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}
