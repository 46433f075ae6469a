/** `vigil rules check [path]`: validate rule sets, listing every problem with its path. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRuleSetFile } from '../config/load-rule-set.js';
import { RuleSetError } from '../config/rule-set-error.js';
import { EXIT } from './exit-codes.js';

const RULE_FILE = /\.(ya?ml|json)$/;

/** Checks one file or every rule file in a directory; exit 2 when any is invalid. */
export async function runRulesCheckCommand(
  path: string,
  io: { out: (t: string) => void; err: (t: string) => void },
): Promise<number> {
  let files: string[];
  try {
    files = (await stat(path)).isDirectory()
      ? (await readdir(path))
          .filter((name) => RULE_FILE.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (cause) {
    io.err(`vigil rules check: ${path}: cannot be read: ${(cause as Error).message}`);
    return EXIT.badInput;
  }
  let exitCode: number = EXIT.ok;
  for (const file of files) {
    try {
      const { ruleSet, sha256 } = await loadRuleSetFile(file);
      io.out(
        `ok   ${file}: rule set ${ruleSet.name}, ${ruleSet.khis.length} KHI(s), sha256 ${sha256.slice(0, 12)}`,
      );
    } catch (cause) {
      if (!(cause instanceof RuleSetError)) throw cause;
      io.err(cause.message);
      exitCode = EXIT.badInput;
    }
  }
  return exitCode;
}
