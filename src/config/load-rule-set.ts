import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { RuleSet } from '../analysis/rule-set.js';
import { compileRuleSet } from './compile-rule-set.js';
import { RuleSetError } from './rule-set-error.js';

/** A compiled rule set with where it came from and the SHA-256 of its text. */
export interface LoadedRuleSet {
  readonly ruleSet: RuleSet;
  readonly source: string;
  /** The file's text as loaded: kept in each verification's evidence bundle. */
  readonly text: string;
  readonly sha256: string;
}

/** Parses YAML (or JSON, a subset) rule-set text; throws RuleSetError naming the line on bad syntax. */
export function parseRuleSetText(text: string, source: string): LoadedRuleSet {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new RuleSetError(
      source,
      document.errors.map((error) => ({
        path: error.linePos?.[0]
          ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}`
          : '(syntax)',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  const ruleSet = compileRuleSet(document.toJS(), source);
  return { ruleSet, source, text, sha256: createHash('sha256').update(text).digest('hex') };
}

/** Reads and compiles a rule-set file. */
export async function loadRuleSetFile(path: string): Promise<LoadedRuleSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RuleSetError(
      path,
      [{ path: '(file)', message: `cannot be read: ${(cause as Error).message}` }],
      { cause },
    );
  }
  return parseRuleSetText(text, path);
}
