import type { ValidationIssue } from './schema-validation.js';

/** A rule set that cannot be used; `issues` lists every problem with its path. */
export class RuleSetError extends Error {
  readonly code = 'INVALID_RULE_SET';
  constructor(
    readonly source: string,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid rule set ${source}:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`,
      options,
    );
    this.name = 'RuleSetError';
  }
}
