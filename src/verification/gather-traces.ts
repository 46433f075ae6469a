/**
 * Gather for trace KHIs: read the span summaries of the canary's and the baseline's version for
 * this interval and for the analysis so far, and turn them into Observations for the members of
 * each trace family (analysis/judge/trace-families.ts):
 *
 * - operations with at least `minOperationSpans` spans in both groups so far are members of the
 *   `errors` and `latency` families; quieter ones are listed, not judged (the service-wide metric
 *   KHIs and the new signatures still cover them);
 * - a signature the canary shows and neither the baseline (over the analysis so far) nor one of the
 *   service's last `healthyReleases` promoted releases did is a `new-errors` member: its occurrences out of the canary's spans, against 0 out of the
 *   baseline's;
 * - an operation only the canary emits is a `new-operations` member: its failed spans out of its
 *   spans, against the baseline's failed spans out of all of its spans.
 *
 * An `errors` or `latency` member is observed in an interval only when both groups have spans of
 * its operation in it; new signatures and new operations are observed every interval while new. What the spans say beyond numbers — the new signatures with their exemplar
 * traces, the new operations — is returned as evidence.
 */
import { createHash } from 'node:crypto';
import type { KhiObservations } from '../analysis/observations.js';
import type { KhiRule, RuleSet, TraceMeasure } from '../analysis/rule-set.js';
import { familyMemberName } from '../analysis/judge/trace-families.js';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.js';
import { MAX_SIGNATURES_PER_RELEASE, type HealthySignatures } from '../store/healthy-signatures.js';
import { sketchToHistogram } from '../sources/traces/sketch-histogram.js';
import type { TraceSource } from '../sources/traces/trace-source.js';
import { OTHER_SIGNATURE, type OperationSummary } from '../sources/traces/trace-summaries.js';
import { valuesFromHistogram } from '../analysis/histogram-values.js';
import type { SpanKind } from '../sources/traces/received-span.js';
import type { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { Verification } from './verification.js';

export interface TraceDeps {
  readonly source: TraceSource;
  /** Where exemplar traces of new error signatures are kept with the verification. */
  readonly artifacts?: ArtifactStore;
  /** Signatures of recent healthy releases, which are not new either. */
  readonly healthy?: HealthySignatures;
}

/** An error signature the canary shows and the baseline never did, so far in the analysis. */
export interface NewErrorSignature {
  readonly signature: string;
  readonly type: string;
  readonly message: string;
  /** Occurrences in the canary so far. */
  readonly count: number;
  readonly operations: readonly string[];
  /** The stored exemplar trace (OTLP/JSON), when one was kept. */
  readonly exemplar?: ArtifactRef;
  /** Why the exemplar could not be stored (the KHI is judged all the same). */
  readonly exemplarError?: string;
}

/** An operation only the canary emits, so far in the analysis. */
export interface NewOperation {
  readonly operation: string;
  readonly spans: number;
  readonly errors: number;
}

/** What one trace KHI's spans showed up to this interval, for the step's evidence. */
export interface TraceEvidence {
  /** The rule-file KHI (the `errors` family's name). */
  readonly khi: string;
  readonly service: string;
  readonly versions: { readonly baseline: string; readonly canary: string };
  readonly spans: { readonly baseline: number; readonly canary: number };
  /** Operations judged one by one, and those with too few spans so far to be. */
  readonly operations: { readonly judged: readonly string[]; readonly quiet: readonly string[] };
  readonly newErrorSignatures: readonly NewErrorSignature[];
  readonly newOperations: readonly NewOperation[];
  /** Every signature the canary showed so far (at most 500): remembered if it is promoted. */
  readonly canarySignatures: readonly string[];
}

export interface GatheredTraces {
  readonly khis: Record<string, KhiObservations>;
  /** Family name → why it could not be observed this interval. */
  readonly failures: Map<string, string>;
  readonly traces: readonly TraceEvidence[];
  /** Trace families of the rule set. */
  readonly traceKhis: number;
}

/** The trace families of one rule-file KHI share their spans: read once for all of them. */
interface SpanQuery {
  readonly service: string;
  readonly kinds: readonly SpanKind[];
  readonly minOperationSpans: number;
  readonly healthyReleases: number;
  readonly families: KhiRule[];
}

interface Views {
  readonly interval: { readonly baseline: OperationMap; readonly canary: OperationMap };
  readonly sofar: { readonly baseline: OperationMap; readonly canary: OperationMap };
}

type OperationMap = ReadonlyMap<string, OperationSummary>;

/** Reads the spans of every trace KHI of the rule set for interval `interval` (1-based). */
export async function gatherTraces(
  deps: TraceDeps | undefined,
  verification: Verification,
  ruleSet: RuleSet,
  interval: number,
): Promise<GatheredTraces> {
  const families = ruleSet.khis.filter((khi) => khi.trace !== undefined);
  const gathered: GatheredTraces = {
    khis: {},
    failures: new Map(),
    traces: [],
    traceKhis: families.length,
  };
  if (families.length === 0) return gathered;
  const { marker } = verification;
  const fail = (rules: readonly KhiRule[], reason: string): void => {
    for (const rule of rules) gathered.failures.set(rule.name, reason);
  };
  if (deps === undefined) {
    fail(families, 'traces are not enabled on this daemon (traces.receiver is off)');
    return gathered;
  }
  if (marker.baselineVersion === undefined) {
    fail(families, 'the marker has no baselineVersion: baseline spans cannot be told apart');
    return gathered;
  }
  const startedAtMs = Date.parse(marker.startedAt);
  const { intervalSeconds } = ruleSet.analysis;
  const endMs = startedAtMs + interval * intervalSeconds * 1000;
  const windows = {
    interval: { fromMs: endMs - intervalSeconds * 1000, toMs: endMs },
    sofar: { fromMs: startedAtMs, toMs: endMs },
  };
  const versions = { baseline: marker.baselineVersion, canary: marker.version };
  const traces: TraceEvidence[] = [];
  for (const query of spanQueries(families, marker.service)) {
    const read = async (window: keyof typeof windows, group: 'baseline' | 'canary') =>
      new Map(
        (
          await deps.source.operations({
            service: query.service,
            version: versions[group],
            kinds: query.kinds,
            ...windows[window],
          })
        ).map((summary) => [summary.operation, summary] as const),
      );
    let views: Views;
    let healthy: ReadonlySet<string>;
    try {
      const [ib, ic, sb, sc, known] = await Promise.all([
        read('interval', 'baseline'),
        read('interval', 'canary'),
        read('sofar', 'baseline'),
        read('sofar', 'canary'),
        deps.healthy?.recent(query.service, query.healthyReleases) ?? new Set<string>(),
      ]);
      views = { interval: { baseline: ib, canary: ic }, sofar: { baseline: sb, canary: sc } };
      healthy = known;
    } catch (error) {
      fail(query.families, `trace source: ${(error as Error).message}`);
      continue;
    }
    const evidence = await observeQuery(query, views, healthy, gathered.khis, deps, verification.id);
    traces.push({ ...evidence, versions });
  }
  return { ...gathered, traces };
}

function spanQueries(families: readonly KhiRule[], markerService: string): SpanQuery[] {
  const byKey = new Map<string, SpanQuery>();
  for (const family of families) {
    const trace = family.trace as TraceMeasure;
    const service = trace.service ?? markerService;
    const kinds = [...trace.spanKinds].sort() as SpanKind[];
    const key = JSON.stringify([service, kinds, trace.minOperationSpans, trace.healthyReleases]);
    const query = byKey.get(key) ?? {
      service,
      kinds,
      minOperationSpans: trace.minOperationSpans,
      healthyReleases: trace.healthyReleases,
      families: [],
    };
    query.families.push(family);
    byKey.set(key, query);
  }
  return [...byKey.values()];
}

async function observeQuery(
  query: SpanQuery,
  views: Views,
  healthy: ReadonlySet<string>,
  khis: Record<string, KhiObservations>,
  deps: TraceDeps,
  verificationId: string,
): Promise<Omit<TraceEvidence, 'versions'>> {
  const { sofar, interval } = views;
  const judged: string[] = [];
  const quiet: string[] = [];
  const fresh: string[] = [];
  for (const [operation, canary] of sofar.canary) {
    const baseline = sofar.baseline.get(operation);
    if (baseline === undefined) fresh.push(operation);
    else if (Math.min(baseline.requests, canary.requests) >= query.minOperationSpans) judged.push(operation);
    else quiet.push(operation);
  }
  const newSignatures = newErrorSignatures(sofar, healthy);
  const errorsFamily = query.families.find((f) => f.trace?.measure === 'errors');
  for (const family of query.families) {
    const measure = family.trace?.measure;
    if (measure === 'errors' || measure === 'latency') {
      for (const operation of judged) {
        const baseline = interval.baseline.get(operation);
        const canary = interval.canary.get(operation);
        if (baseline === undefined || canary === undefined) continue;
        khis[familyMemberName(family.name, operation)] =
          measure === 'errors'
            ? {
                baseline: { events: baseline.errors, total: baseline.requests },
                canary: { events: canary.errors, total: canary.requests },
              }
            : { baseline: latencyObservation(baseline.latency), canary: latencyObservation(canary.latency) };
      }
    } else if (measure === 'new-errors') {
      // Observed every interval while new, even without spans (a total of 0 adds nothing): a new
      // signature leaves the judgement only when the baseline shows it too.
      const baselineSpans = total(interval.baseline, (s) => s.requests);
      const canarySpans = total(interval.canary, (s) => s.requests);
      for (const signature of newSignatures) {
        khis[familyMemberName(family.name, signature.signature)] = {
          baseline: { events: 0, total: baselineSpans },
          canary: {
            events: total(interval.canary, (s) => signatureCount(s, signature.signature)),
            total: canarySpans,
          },
        };
      }
    } else if (measure === 'new-operations') {
      const baselineSpans = total(interval.baseline, (s) => s.requests);
      const baselineErrors = total(interval.baseline, (s) => s.errors);
      for (const operation of fresh) {
        const canary = interval.canary.get(operation);
        khis[familyMemberName(family.name, operation)] = {
          baseline: { events: baselineErrors, total: baselineSpans },
          canary: { events: canary?.errors ?? 0, total: canary?.requests ?? 0 },
        };
      }
    }
  }
  return {
    khi: errorsFamily?.name ?? baseName(query.families[0] as KhiRule),
    service: query.service,
    spans: {
      baseline: total(sofar.baseline, (s) => s.requests),
      canary: total(sofar.canary, (s) => s.requests),
    },
    operations: { judged: judged.sort(), quiet: quiet.sort() },
    newErrorSignatures: await withExemplars(newSignatures, deps, verificationId, query),
    newOperations: fresh.sort().map((operation) => {
      const summary = sofar.canary.get(operation) as OperationSummary;
      return { operation, spans: summary.requests, errors: summary.errors };
    }),
    canarySignatures: [
      ...new Set(
        [...sofar.canary.values()].flatMap((summary) =>
          summary.signatures.map((s) => s.signature).filter((s) => s !== OTHER_SIGNATURE),
        ),
      ),
    ]
      .sort()
      .slice(0, MAX_SIGNATURES_PER_RELEASE),
  };
}

interface FoundSignature {
  readonly signature: string;
  readonly type: string;
  readonly message: string;
  count: number;
  readonly operations: string[];
  readonly exemplarIds: string[];
}

/**
 * Signatures in the canary so far that neither the baseline nor a recent healthy release showed,
 * most frequent first.
 */
function newErrorSignatures(sofar: Views['sofar'], healthy: ReadonlySet<string>): FoundSignature[] {
  const known = new Set<string>(healthy);
  for (const summary of sofar.baseline.values())
    for (const counted of summary.signatures) known.add(counted.signature);
  const found = new Map<string, FoundSignature>();
  for (const summary of sofar.canary.values()) {
    for (const counted of summary.signatures) {
      // Signatures past a cell's cap are counted together and cannot be told apart.
      if (known.has(counted.signature) || counted.signature === OTHER_SIGNATURE) continue;
      let entry = found.get(counted.signature);
      if (entry === undefined) {
        entry = { ...counted, count: 0, operations: [], exemplarIds: [] };
        found.set(counted.signature, entry);
      }
      entry.count += counted.count;
      entry.operations.push(summary.operation);
      entry.exemplarIds.push(...counted.exemplarIds);
    }
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}

/** Keeps the first exemplar of each new signature with the verification (once: same path, same bytes). */
async function withExemplars(
  signatures: readonly FoundSignature[],
  deps: TraceDeps,
  verificationId: string,
  query: SpanQuery,
): Promise<NewErrorSignature[]> {
  return Promise.all(
    signatures.map(async ({ exemplarIds, operations, ...signature }) => {
      const described = { ...signature, operations: [...new Set(operations)].sort() };
      const id = exemplarIds[0];
      const artifacts = deps.artifacts;
      if (artifacts === undefined || id === undefined) return described;
      // Evidence is best effort: a full disk or a lost exemplar must not stop the verdict.
      try {
        const trace = await deps.source.exemplar(id);
        if (trace === undefined) return described;
        const name = createHash('sha256').update(signature.signature).digest('hex').slice(0, 16);
        const path = `traces/${baseName(query.families[0] as KhiRule)}/new-error-${name}.json`;
        const exemplar = await artifacts.put(
          verificationId,
          path,
          new TextEncoder().encode(JSON.stringify(trace, null, 2)),
        );
        return { ...described, exemplar };
      } catch (error) {
        return { ...described, exemplarError: (error as Error).message };
      }
    }),
  );
}

/** The rule-file KHI a family came from (`checkout.latency` → `checkout`). */
function baseName(family: KhiRule): string {
  const suffix = {
    errors: '',
    latency: '.latency',
    'new-errors': '.new-errors',
    'new-operations': '.new-operations',
  }[family.trace?.measure ?? 'errors'];
  return suffix === '' ? family.name : family.name.slice(0, -suffix.length);
}

function latencyObservation(sketch: LogCollapsingLowestDenseDDSketch) {
  const histogram = sketchToHistogram(sketch);
  return { values: valuesFromHistogram(histogram), histogram };
}

function total(summaries: OperationMap, of: (summary: OperationSummary) => number): number {
  let sum = 0;
  for (const summary of summaries.values()) sum += of(summary);
  return sum;
}

function signatureCount(summary: OperationSummary, signature: string): number {
  return summary.signatures.find((s) => s.signature === signature)?.count ?? 0;
}
