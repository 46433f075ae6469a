/**
 * Reads the Prometheus text exposition format just enough for the benchmarks: sample values by
 * metric name and labels, and quantiles from histogram bucket deltas (linear interpolation inside
 * a bucket, as PromQL's histogram_quantile does).
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses every sample line (comments and blank lines skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ''] = pair[2] ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Cumulative bucket counts (`le` → count) of histogram `name`, `after` minus `before`. */
export function bucketDeltas(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
): { le: number; count: number }[] {
  const buckets = (samples: readonly Sample[]) =>
    new Map(samples.filter((s) => s.name === `${name}_bucket`).map((s) => [s.labels['le'] ?? '', s.value]));
  const start = buckets(before);
  return [...buckets(after)]
    .map(([le, count]) => ({
      le: le === '+Inf' ? Infinity : Number(le),
      count: count - (start.get(le) ?? 0),
    }))
    .sort((a, b) => a.le - b.le);
}

/** The q-quantile of cumulative buckets; NaN when empty; the highest finite bound when it falls in +Inf. */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return previousLe;
      return (
        previousLe + ((le - previousLe) * (rank - previousCount)) / Math.max(count - previousCount, 1e-12)
      );
    }
    previousLe = le;
    previousCount = count;
  }
  return previousLe;
}
