/**
 * Trace KHIs are families: the operations a service has, the error signatures a canary shows and
 * the operations only it emits are learnt from its spans, not written in the rule set. The judge
 * replaces each family by its members (`<family>[<member>]`), so the live daemon and `vigil judge`
 * expand the same way: an `errors` or `latency` member, once seen, stays (its state so far); a
 * `new-errors` or `new-operations` member is one only while this interval's observations name it —
 * a signature the baseline has since shown, or an operation it has since served, is not new any
 * more, and the source stops observing it.
 *
 * A family keeps its place in the multiple-comparison family and the score whatever its size:
 * its `alphaWeight` and `weight` are shared equally by its members (weighted Holm over operations
 * inside the rule set's own correction). Until the first member appears, an `errors` or `latency`
 * family stands as one KHI without data, so a service that sends no spans never promotes; a
 * `new-errors` or `new-operations` family without members has nothing to report and is left out.
 */
import type { KhiRule, RuleSet } from '../rule-set.js';

/** The KHI name of `member` of `family`. */
export function familyMemberName(family: string, member: string): string {
  return `${family}[${member}]`;
}

/** True when the rule set has trace families (nothing to expand otherwise). */
export function hasTraceFamilies(ruleSet: RuleSet): boolean {
  return ruleSet.khis.some((khi) => khi.trace !== undefined);
}

/**
 * The rule set with every trace family replaced by its members: among `observed` (this
 * interval's observations) and, for `errors` and `latency` families, `kept` (the state so far).
 */
export function expandTraceFamilies(
  ruleSet: RuleSet,
  observed: Iterable<string>,
  kept: Iterable<string> = [],
): RuleSet {
  if (!hasTraceFamilies(ruleSet)) return ruleSet;
  const lasting = new Set(
    ruleSet.khis
      .filter((khi) => khi.trace?.measure === 'errors' || khi.trace?.measure === 'latency')
      .map((khi) => khi.name),
  );
  const members = new Map<string, Set<string>>();
  const add = (name: string, fromState: boolean): void => {
    // Rule-file names cannot hold '[', so the first one ends the family's name.
    const open = name.indexOf('[');
    if (open <= 0 || !name.endsWith(']')) return;
    const family = name.slice(0, open);
    if (fromState && !lasting.has(family)) return;
    let found = members.get(family);
    if (found === undefined) members.set(family, (found = new Set()));
    found.add(name.slice(open + 1, -1));
  };
  for (const name of observed) add(name, false);
  for (const name of kept) add(name, true);
  const khis = ruleSet.khis.flatMap((rule): KhiRule[] => {
    if (rule.trace === undefined) return [rule];
    const found = [...(members.get(rule.name) ?? [])].sort();
    if (found.length === 0)
      return rule.trace.measure === 'errors' || rule.trace.measure === 'latency' ? [rule] : [];
    return found.map((member) => memberRule(rule, member, found.length));
  });
  return { ...ruleSet, khis };
}

function memberRule(family: KhiRule, member: string, size: number): KhiRule {
  const trace = family.trace!;
  return {
    ...family,
    name: familyMemberName(family.name, member),
    weight: family.weight / size,
    alphaWeight: family.alphaWeight / size,
    // New operations inform; they cannot hold a release alone.
    critical: family.critical && trace.measure !== 'new-operations',
    trace: { ...trace, member },
  };
}

/** The rule that judges KHI `name`: its own, or its family's for a member name. */
export function ruleForKhiName(ruleSet: RuleSet, name: string): KhiRule | undefined {
  const own = ruleSet.khis.find((khi) => khi.name === name);
  if (own !== undefined) return own;
  const open = name.indexOf('[');
  if (open <= 0 || !name.endsWith(']')) return undefined;
  const family = ruleSet.khis.find((khi) => khi.name === name.slice(0, open));
  return family?.trace === undefined ? undefined : memberRule(family, name.slice(open + 1, -1), 1);
}
