import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRuleSetFile, type LoadedRuleSet } from './load-rule-set.js';
import { RuleSetError } from './rule-set-error.js';

const RULE_FILE = /\.(ya?ml|json)$/;

/** Loads every rule set in `dir` by name; any invalid file or duplicate name stops start-up. */
export async function loadRuleSetDirectory(dir: string): Promise<ReadonlyMap<string, LoadedRuleSet>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => RULE_FILE.test(name)).sort();
  } catch (cause) {
    throw new RuleSetError(
      dir,
      [{ path: '(directory)', message: `cannot be read: ${(cause as Error).message}` }],
      { cause },
    );
  }
  const byName = new Map<string, LoadedRuleSet>();
  for (const name of names) {
    const loaded = await loadRuleSetFile(join(dir, name));
    const existing = byName.get(loaded.ruleSet.name);
    if (existing) {
      throw new RuleSetError(loaded.source, [
        { path: 'name', message: `"${loaded.ruleSet.name}" is also defined in ${existing.source}` },
      ]);
    }
    byName.set(loaded.ruleSet.name, loaded);
  }
  return byName;
}
