import type { ValidationIssue } from '../config/schema-validation.js';

/** A scenario file that cannot be replayed; names the file and every bad path. */
export class ScenarioError extends Error {
  readonly code = 'INVALID_SCENARIO';
  constructor(
    readonly source: string,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid scenario ${source}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      options,
    );
    this.name = 'ScenarioError';
  }
}
