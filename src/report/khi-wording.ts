/**
 * A KHI result in plain words: what it measures, in which unit, and how much it changed. A verdict
 * carries KHI results, not the rules behind them, so kind and unit are read from what a result does
 * carry: its test (the ratio tests compare rates 0..1), the names trace families give their members
 * (`<family>.latency[<operation>]`, see analysis/judge/trace-families.ts), the evidence paths of
 * journey runs (`journeys/interval-<n>/<group>/<probe>[-<run>]/...`) with the `.duration` suffix of
 * journey durations, and unit words in the name (`-ms`, `seconds`). When none tells the unit, the
 * numbers are shown as they are: a wrong unit would mislead more than none.
 */
import type { KhiResult } from '../analysis/judge/khi-result.js';

/** What a KHI result measures, recognised from its name, test and evidence. */
export type KhiSubject =
  | { readonly kind: 'metric'; readonly label: string }
  | { readonly kind: 'trace-errors'; readonly operation: string }
  | { readonly kind: 'trace-latency'; readonly operation: string }
  | { readonly kind: 'new-error'; readonly signature: string }
  | { readonly kind: 'new-operation'; readonly operation: string }
  | { readonly kind: 'journey'; readonly probe: string; readonly measure: 'success' | 'duration' };

/** `rate`: a share 0..1, shown as a percentage. */
export type KhiUnit = 'rate' | 'seconds' | 'milliseconds' | 'plain';

/** Tests that compare counts (events out of totals): their baseline and canary are rates. */
const RATE_TESTS: ReadonlySet<string> = new Set(['poisson', 'msprt', 'fisher']);
const JOURNEY_EVIDENCE = /^journeys\/interval-\d+\/(?:canary|baseline)\/([^/]+)\//;
const DURATION_SUFFIX = '.duration';
const MILLISECOND_WORDS: ReadonlySet<string> = new Set(['ms', 'millis', 'milliseconds']);
const SECOND_WORDS: ReadonlySet<string> = new Set(['s', 'sec', 'secs', 'seconds']);
const UNIT_WORDS: ReadonlySet<string> = new Set([...MILLISECOND_WORDS, ...SECOND_WORDS]);

/**
 * What `result` measures. `probes` are the journey probes known to have run (from the journey
 * evidence): a KHI named like one of them, or pointing at its runs' artifacts, is that journey.
 */
export function subjectOf(result: KhiResult, probes: readonly string[] = []): KhiSubject {
  const open = result.name.indexOf('[');
  if (open > 0 && result.name.endsWith(']')) {
    // Rule-file names cannot hold '[', so the first one ends the family's name.
    const family = result.name.slice(0, open);
    const member = result.name.slice(open + 1, -1);
    if (family.endsWith('.new-errors')) return { kind: 'new-error', signature: member };
    if (family.endsWith('.new-operations')) return { kind: 'new-operation', operation: member };
    if (family.endsWith('.latency')) return { kind: 'trace-latency', operation: member };
    return { kind: 'trace-errors', operation: member };
  }
  const isDuration = result.name.endsWith(DURATION_SUFFIX);
  const probe =
    journeyProbeFromEvidence(result.evidence ?? [], probes) ??
    probes.find((name) => name === result.name || `${name}${DURATION_SUFFIX}` === result.name);
  if (probe !== undefined) return { kind: 'journey', probe, measure: isDuration ? 'duration' : 'success' };
  return { kind: 'metric', label: labelOf(result.name) };
}

/** `latency-seconds` → "latency": the unit shows in the numbers, once. */
function labelOf(name: string): string {
  const words = name.split(/[-_.\s]+/).filter((word) => word !== '');
  const meaningful = words.filter((word) => !UNIT_WORDS.has(word.toLowerCase()));
  return (meaningful.length > 0 ? meaningful : words).join(' ');
}

function journeyProbeFromEvidence(paths: readonly string[], probes: readonly string[]): string | undefined {
  for (const path of paths) {
    const folder = JOURNEY_EVIDENCE.exec(path)?.[1];
    if (folder === undefined) continue;
    // Several runs store under `<probe>-<run>`; a known probe name settles the ambiguity.
    const known = probes.find(
      (probe) => folder === probe || new RegExp(`^${escapeRegExp(probe)}-\\d+$`).test(folder),
    );
    return known ?? folder.replace(/-\d+$/, '');
  }
  return undefined;
}

/** The unit of `result`'s baseline and canary values. */
export function unitOf(result: KhiResult, subject: KhiSubject): KhiUnit {
  if (RATE_TESTS.has(result.test)) return 'rate';
  if (subject.kind === 'trace-latency') return 'milliseconds';
  if (subject.kind === 'journey') return subject.measure === 'duration' ? 'seconds' : 'rate';
  const words = result.name.toLowerCase().split(/[^a-z0-9]+/);
  if (words.some((word) => MILLISECOND_WORDS.has(word))) return 'milliseconds';
  if (words.some((word) => SECOND_WORDS.has(word))) return 'seconds';
  return 'plain';
}

/** Rates compare shares; other values are the medians the judge compares. */
export function isMedian(unit: KhiUnit): boolean {
  return unit !== 'rate';
}

/** `value` in `unit` for a person: 0.004 rate → "0.4%", 0.12 s → "120 ms", 1500 ms → "1.5 s". */
export function formatInUnit(value: number, unit: KhiUnit): string {
  switch (unit) {
    case 'rate':
      return `${significant(value * 100)}%`;
    case 'seconds':
      return Math.abs(value) < 1 ? `${significant(value * 1000)} ms` : `${significant(value)} s`;
    case 'milliseconds':
      return Math.abs(value) >= 1000 ? `${significant(value / 1000)} s` : `${significant(value)} ms`;
    case 'plain':
      return String(significant(value));
  }
}

/** How much the canary differs from the baseline, or undefined when the effect lacks the numbers. */
export function describeChange(result: KhiResult, unit: KhiUnit): string | undefined {
  const { baseline, canary } = result.effect;
  if (baseline === undefined || canary === undefined) return undefined;
  const from = `from ${formatInUnit(baseline, unit)} to ${formatInUnit(canary, unit)}`;
  const ratio = ratioOf(result);
  if (ratio === undefined || !Number.isFinite(ratio) || ratio <= 0) return from;
  // A multiple reads better than "+1175%" once the value has (at least) doubled.
  if (ratio >= 2) return `${from} (×${significant(ratio)})`;
  const percent = significant((ratio - 1) * 100);
  return `${from} (${percent >= 0 ? '+' : '−'}${Math.abs(percent)}%)`;
}

/**
 * Canary over baseline: the judge's own ratio when it is one (Kayenta's `ratio` is its deviation
 * measure instead), else computed; undefined when the baseline is 0.
 */
function ratioOf(result: KhiResult): number | undefined {
  const { baseline, canary, ratio } = result.effect;
  if (ratio !== undefined && result.test !== 'kayenta') return ratio;
  return baseline !== undefined && canary !== undefined && baseline !== 0 ? canary / baseline : undefined;
}

/** Three significant digits, without trailing zeros or exponent for everyday magnitudes. */
function significant(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(3));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
