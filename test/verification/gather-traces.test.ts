/**
 * Trace KHIs in verification steps: spans of a baseline and a canary release go into the
 * receiver's summaries (real TraceSummaries, DDSketch and all), steps read them through the
 * TraceSource port, and the judge decides on the families' members.
 */
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import { createRandom } from '../../src/simulation/random.js';
import { createMemoryMetricSource } from '../../src/sources/memory-metric-source.js';
import { spanError } from '../../src/sources/traces/error-signature.js';
import { createReceivedTraceSource } from '../../src/sources/traces/received-trace-source.js';
import type { ReceivedSpan } from '../../src/sources/traces/received-span.js';
import { TraceSummaries } from '../../src/sources/traces/trace-summaries.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { createMemoryHealthySignatures, type HealthySignatures } from '../../src/store/healthy-signatures.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import type { TraceEvidence } from '../../src/verification/gather-traces.js';
import { runDueSteps } from '../../src/verification/run-step.js';

const RULES = `
name: shop-traces
analysis: { interval: 60s, minIntervals: 3, maxIntervals: 8, alpha: 0.01 }
scoring: { pass: 90, marginal: 60 }
khis:
  - name: operations
    kind: trace
    direction: increase
    critical: true
`;

const START = Date.parse('2026-11-28T10:00:00Z');
const INTERVAL_MS = 60_000;
const marker: DeploymentMarker = {
  id: 'deploy-1',
  service: 'shop',
  environment: 'production',
  version: 'v2',
  baselineVersion: 'v1',
  strategy: 'canary',
  ruleSet: 'shop-traces',
  startedAt: new Date(START).toISOString(),
  canary: { labels: { version: 'v2' } },
  baseline: { labels: { version: 'v1' } },
};

interface ReleaseTraffic {
  /** Share of checkouts that throw a TypeError the baseline never throws. */
  readonly newExceptionRate?: number;
  /** Operations only this release serves, spans per interval. */
  readonly extraOperations?: Readonly<Record<string, number>>;
  /** Latency factor on GET /products. */
  readonly productsSlowdown?: number;
}

/** One interval of one release's spans: busy, quiet and (optionally) new operations. */
function spansOf(
  version: string,
  from: number,
  random: ReturnType<typeof createRandom>,
  traffic: ReleaseTraffic,
): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  const add = (operation: string, count: number, meanMs: number, fail: () => ReceivedSpan['error']) => {
    for (let i = 0; i < count; i += 1) {
      spans.push({
        service: 'shop',
        version,
        operation,
        kind: 'server',
        startMs: from + random.uniform() * (INTERVAL_MS - 1),
        durationMs: meanMs * (0.5 + random.uniform()),
        error: fail(),
        traceId: (spans.length + 1).toString(16).padStart(32, '0'),
      });
    }
  };
  const usual = () =>
    random.uniform() < 0.01
      ? spanError('Error', `payment declined for order ${Math.floor(random.uniform() * 1e6)}`)
      : undefined;
  add('GET /products', 600, 20 * (traffic.productsSlowdown ?? 1), usual);
  add('POST /checkout', 300, 40, () =>
    random.uniform() < (traffic.newExceptionRate ?? 0)
      ? spanError('TypeError', 'cart.items.map is not a function')
      : usual(),
  );
  add('GET /help', 5, 10, () => undefined);
  for (const [operation, count] of Object.entries(traffic.extraOperations ?? {}))
    add(operation, count, 15, usual);
  return spans;
}

async function verify(
  canary: ReleaseTraffic,
  options: {
    intervals?: number;
    withMarker?: DeploymentMarker;
    tracesOn?: boolean;
    healthy?: HealthySignatures;
    artifacts?: ArtifactStore;
  } = {},
) {
  let now = START;
  const summaries = new TraceSummaries(undefined, () => now);
  const artifacts = options.artifacts ?? createMemoryArtifactStore();
  const ruleSets = new Map([['shop-traces', parseRuleSetText(RULES, 'shop-traces.yaml')]]);
  const store = createMemoryVerificationStore();
  const scheduler = createMemoryStepScheduler();
  const logger = pino({ level: 'silent' });
  const ingest = createIngest({ store, scheduler, ruleSets, now: () => now, logger, queryDelaySeconds: 5 });
  await ingest.acceptMarker(options.withMarker ?? marker);
  const baselineRandom = createRandom(1);
  const canaryRandom = createRandom(2);
  const exemplarOf = (traceId: string) => ({ resourceSpans: [{ traceId }] });
  for (let i = 0; i < (options.intervals ?? 8); i += 1) {
    const from = START + i * INTERVAL_MS;
    now = from + INTERVAL_MS;
    summaries.add(spansOf('v1', from, baselineRandom, {}), exemplarOf);
    summaries.add(spansOf('v2', from, canaryRandom, canary), exemplarOf);
    now += 5_000;
    await runDueSteps('deploy-1', {
      store,
      source: createMemoryMetricSource(() => ({ error: 'no metric KHIs here' })),
      scheduler,
      ruleSets,
      now: () => now,
      logger,
      tracer: trace.getTracer('test'),
      queryDelaySeconds: 5,
      maxFailedSteps: 10,
      queryConcurrency: 2,
      ...(options.tracesOn !== false && {
        traces: {
          source: createReceivedTraceSource(summaries),
          artifacts,
          ...(options.healthy !== undefined && { healthy: options.healthy }),
        },
      }),
    });
    if ((await store.get('deploy-1'))?.verdict) break;
  }
  const verification = await store.get('deploy-1');
  const evidence = await store.listEvidence('deploy-1');
  return { verification, evidence, artifacts };
}

function khi(results: readonly KhiResult[] | undefined, name: string): KhiResult | undefined {
  return results?.find((result) => result.name === name);
}

describe('trace KHIs in verification steps', () => {
  it('promotes a canary whose spans look like the baseline, judging busy operations one by one', async () => {
    const { verification, evidence } = await verify({});
    expect(verification?.verdict?.outcome, verification?.verdict?.reasons.join('\n')).toBe('promote');
    const names = verification?.verdict?.khis.map((result) => result.name).sort();
    expect(names).toEqual([
      'operations.latency[GET /products]',
      'operations.latency[POST /checkout]',
      'operations[GET /products]',
      'operations[POST /checkout]',
    ]);
    const traces = evidence.at(-1)?.['traces'] as TraceEvidence[];
    expect(traces[0]).toMatchObject({
      khi: 'operations',
      service: 'shop',
      versions: { baseline: 'v1', canary: 'v2' },
      operations: { judged: ['GET /products', 'POST /checkout'], quiet: ['GET /help'] },
      newErrorSignatures: [],
      newOperations: [],
    });
  });

  it('rolls back a canary throwing a new exception in one endpoint, with its exemplar stored and linked', async () => {
    const { verification, evidence, artifacts } = await verify({ newExceptionRate: 0.05 });
    expect(verification?.verdict?.outcome).toBe('rollback');
    const member = 'operations.new-errors[TypeError: cart.items.map is not a function]';
    const result = khi(verification?.verdict?.khis, member);
    expect(result).toMatchObject({ failed: true, critical: true });
    expect(verification?.verdict?.reasons.join('\n')).toContain(`critical KHI ${member} failed`);
    const path = result?.evidence?.[0] ?? '';
    expect(path).toMatch(/^traces\/operations\/new-error-[0-9a-f]{16}\.json$/);
    const stored = JSON.parse(new TextDecoder().decode(await artifacts.read('deploy-1', path))) as unknown;
    expect(stored).toEqual({ resourceSpans: [{ traceId: expect.any(String) as string }] });
    const traces = evidence.at(-1)?.['traces'] as TraceEvidence[];
    expect(traces[0]?.newErrorSignatures).toEqual([
      expect.objectContaining({
        signature: 'TypeError: cart.items.map is not a function',
        operations: ['POST /checkout'],
        exemplar: expect.objectContaining({ path }) as object,
      }),
    ]);
    // The known error (same signature in both releases) is not new.
    expect(JSON.stringify(traces[0]?.newErrorSignatures)).not.toContain('payment declined');
  });

  it('rolls back a canary where one operation got slow while the others did not', async () => {
    const { verification } = await verify({ productsSlowdown: 1.6 });
    expect(verification?.verdict?.outcome).not.toBe('promote');
    expect(khi(verification?.verdict?.khis, 'operations.latency[GET /products]')).toMatchObject({
      classification: 'high',
      failed: true,
    });
    expect(khi(verification?.verdict?.khis, 'operations.latency[POST /checkout]')?.failed).toBe(false);
  });

  it('reports operations only the canary emits as new operations, judged against the baseline', async () => {
    const { verification, evidence } = await verify({ extraOperations: { 'GET /v2/recommendations': 100 } });
    const traces = evidence[0]?.['traces'] as TraceEvidence[];
    expect(traces[0]?.newOperations).toEqual([
      { operation: 'GET /v2/recommendations', spans: 100, errors: expect.any(Number) as number },
    ]);
    const member = khi(verification?.verdict?.khis, 'operations.new-operations[GET /v2/recommendations]');
    expect(member).toMatchObject({ critical: false });
  });

  it('never promotes without spans: no baseline version, or no trace source, fails the families', async () => {
    const { baselineVersion: _, ...withoutBaseline } = marker;
    const noBaseline = await verify({}, { intervals: 1, withMarker: withoutBaseline });
    expect(noBaseline.evidence[0]?.['failures']).toMatchObject({
      operations: 'the marker has no baselineVersion: baseline spans cannot be told apart',
    });
    const off = await verify({}, { intervals: 4, tracesOn: false });
    expect(off.verification?.verdict?.outcome).not.toBe('promote');
    expect(off.evidence[0]?.['failures']).toMatchObject({
      operations: 'traces are not enabled on this daemon (traces.receiver is off)',
    });
    expect(
      khi(
        off.evidence[0]?.['judgement'] ? (off.evidence[0]['judgement'] as { khis: KhiResult[] }).khis : [],
        'operations',
      )?.classification,
    ).toBe('error');
  });

  it('does not call new a signature one of the last healthy releases showed, and remembers promoted ones', async () => {
    const healthy = createMemoryHealthySignatures();
    const promoted = await verify({}, { healthy });
    expect(promoted.verification?.verdict?.outcome).toBe('promote');
    expect([...(await healthy.recent('shop', 3))]).toEqual(['Error: payment declined for order <n>']);

    await healthy.remember('shop', 'v1.9', ['TypeError: cart.items.map is not a function']);
    const { verification, evidence } = await verify({ newExceptionRate: 0.05 }, { healthy });
    const traces = evidence.at(-1)?.['traces'] as TraceEvidence[];
    expect(traces[0]?.newErrorSignatures).toEqual([]);
    expect(
      verification?.verdict?.khis.some((result) => result.name.startsWith('operations.new-errors[')),
    ).toBe(false);
    // Older than the rule set's healthyReleases (3 by default): new again.
    for (const version of ['v2.0', 'v2.1', 'v2.2']) await healthy.remember('shop', version, []);
    expect((await verify({ newExceptionRate: 0.05 }, { healthy })).verification?.verdict?.outcome).toBe(
      'rollback',
    );
  });

  it('still rolls back when the exemplar cannot be stored (a full disk), saying why', async () => {
    const full: ArtifactStore = {
      ...createMemoryArtifactStore(),
      put: () => Promise.reject(new Error('ENOSPC: no space left on device')),
    };
    const { verification, evidence } = await verify({ newExceptionRate: 0.05 }, { artifacts: full });
    expect(verification?.verdict?.outcome).toBe('rollback');
    const traces = evidence.at(-1)?.['traces'] as TraceEvidence[];
    expect(traces[0]?.newErrorSignatures[0]).toMatchObject({
      signature: 'TypeError: cart.items.map is not a function',
      exemplarError: 'ENOSPC: no space left on device',
    });
  });
});
