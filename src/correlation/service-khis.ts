/**
 * Which KHIs describe a service over a range: those of the rule sets its recent deployments were
 * verified with, or, when none of them is loaded, every loaded rule set's. Only KHIs with a
 * Prometheus query of their kind count (journey and trace KHIs have no series); a name is taken
 * once, from the first rule set that has it.
 */
import type { KhiRule, RuleSet } from '../analysis/rule-set.js';

export interface ChosenKhis {
  readonly khis: readonly KhiRule[];
  /** The rule sets the KHIs came from, in order. */
  readonly ruleSets: readonly string[];
  /** Whether they came from the service's own deployments (else: every loaded rule set). */
  readonly fromDeployments: boolean;
  /** KHIs left out beyond `maxKhis`. */
  readonly omitted: readonly string[];
}

const QUERY_PARTS = {
  ratio: ['events', 'total'],
  distribution: ['histogram'],
  gauge: ['values'],
} as const;

/** True when the KHI can be drawn as a series: a query for its kind, and no journey or trace. */
export function hasSeriesQuery(khi: KhiRule): boolean {
  if (khi.journey !== undefined || khi.trace !== undefined || khi.query === undefined) return false;
  const query = khi.query;
  return QUERY_PARTS[khi.kind].every((part) => query[part] !== undefined);
}

/**
 * The KHIs to chart for a service. `recentRuleSets`: the rule-set names of its recent deployments,
 * newest first (repeats allowed).
 */
export function chooseServiceKhis(
  ruleSets: ReadonlyMap<string, { readonly ruleSet: RuleSet }>,
  recentRuleSets: readonly string[],
  maxKhis: number,
): ChosenKhis {
  const used = [...new Set(recentRuleSets)].filter((name) => ruleSets.has(name));
  const fromDeployments = used.length > 0;
  const names = fromDeployments ? used : [...ruleSets.keys()].sort();
  const byName = new Map<string, KhiRule>();
  const sources: string[] = [];
  for (const name of names) {
    const ruleSet = ruleSets.get(name)?.ruleSet;
    let contributed = false;
    for (const khi of ruleSet?.khis ?? []) {
      if (!hasSeriesQuery(khi) || byName.has(khi.name)) continue;
      byName.set(khi.name, khi);
      contributed = true;
    }
    if (contributed) sources.push(name);
  }
  const all = [...byName.values()];
  return {
    khis: all.slice(0, maxKhis),
    ruleSets: sources,
    fromDeployments,
    omitted: all.slice(maxKhis).map((khi) => khi.name),
  };
}
