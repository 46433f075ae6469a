import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/analysis/observations.js';
import { parseRuleSetText, type LoadedRuleSet } from '../../src/config/load-rule-set.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import { IngestError } from '../../src/ingest/ingest-errors.js';
import { createMemoryMetricSource, type MemoryAnswer } from '../../src/sources/memory-metric-source.js';
import type { ObservationRequest } from '../../src/sources/metric-source.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { runDueSteps, type StepDeps } from '../../src/verification/run-step.js';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { stepFilePath } from '../../src/store/artifacts/bundle-layout.js';
import { checkBundle, sha256Hex } from '../../src/store/artifacts/bundle-manifest.js';
import { canMountSmallDisk, mountSmallDisk } from '../support/small-disk.js';

const RULES = `
name: shop
analysis: { interval: 10s, minIntervals: 3, maxIntervals: 6, alpha: 0.01 }
scoring: { pass: 95, marginal: 75 }
khis:
  - name: errors
    kind: ratio
    direction: increase
    critical: true
    tolerance: { relative: 0.2 }
    minSamples: 500
    query: { events: 'sum(increase(errors{ {{selector}} }[{{interval}}]))', total: 'sum(increase(requests{ {{selector}} }[{{interval}}]))' }
  - name: latency
    kind: distribution
    direction: increase
    critical: true
    tolerance: { relative: 0.05 }
    minSamples: 100
    query: { histogram: 'sum by (le) (increase(latency_bucket{ {{selector}} }[{{interval}}]))' }
`;

const START = Date.parse('2026-11-28T10:00:00Z');
const marker: DeploymentMarker = {
  id: 'deploy-1',
  service: 'shop',
  environment: 'production',
  version: 'v2',
  baselineVersion: 'v1',
  strategy: 'canary',
  ruleSet: 'shop',
  startedAt: new Date(START).toISOString(),
  canary: { labels: { version: 'v2' } },
  baseline: { labels: { version: 'v1' } },
};

function latencies(center: number, n: number, phase: number): number[] {
  return Array.from({ length: n }, (_, i) => center * (0.8 + (0.4 * ((i * 37 + phase) % n)) / n));
}

function healthy(request: ObservationRequest): Observation {
  if (request.khi.kind === 'ratio') return { events: 10, total: 2000 };
  return { values: latencies(0.1, 200, request.group === 'canary' ? 3 : 0) };
}

function setup(answer: (request: ObservationRequest) => MemoryAnswer, extra: Partial<StepDeps> = {}) {
  let now = START;
  const loaded: LoadedRuleSet = parseRuleSetText(RULES, 'shop.yaml');
  const ruleSets = new Map([['shop', loaded]]);
  const store = createMemoryVerificationStore();
  const scheduler = createMemoryStepScheduler();
  const source = createMemoryMetricSource(answer);
  const logger = pino({ level: 'silent' });
  const clock = { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
  const ingest = createIngest({
    store,
    scheduler,
    ruleSets,
    now: clock.now,
    logger,
    queryDelaySeconds: 2,
    ...(extra.artifacts !== undefined && { artifacts: extra.artifacts }),
  });
  const verdicts: string[] = [];
  const step = () =>
    runDueSteps('deploy-1', {
      store,
      source,
      scheduler,
      ruleSets,
      now: clock.now,
      logger,
      tracer: trace.getTracer('test'),
      queryDelaySeconds: 2,
      maxFailedSteps: 2,
      queryConcurrency: 4,
      onVerdict: (verdict) => verdicts.push(verdict.outcome),
      ...extra,
    });
  return { store, scheduler, source, ingest, clock, step, verdicts };
}

describe('ingest', () => {
  it('accepts a marker, schedules its first step after one interval plus the query delay', async () => {
    const { ingest, scheduler, store } = setup(healthy);
    const { created, verification } = await ingest.acceptMarker(marker);
    expect(created).toBe(true);
    expect(verification).toMatchObject({
      id: 'deploy-1',
      status: 'pending',
      intervalsJudged: 0,
      plan: { maxIntervals: 6 },
    });
    expect(scheduler.scheduled.get('deploy-1')).toEqual({ intervalSeconds: 10, firstDueMs: START + 12_000 });
    expect(await store.getJudgeState('deploy-1')).toMatchObject({ intervalsJudged: 0 });
  });

  it('returns the same record for a retried marker, and refuses another body under the same id', async () => {
    const { ingest } = setup(healthy);
    const first = await ingest.acceptMarker(marker);
    const again = await ingest.acceptMarker({ ...marker, canary: { labels: { version: 'v2' } } });
    expect(again.created).toBe(false);
    expect(again.verification.createdAt).toBe(first.verification.createdAt);
    await expect(ingest.acceptMarker({ ...marker, version: 'v3' })).rejects.toMatchObject({
      code: 'DEPLOYMENT_CONFLICT',
    });
  });

  it('refuses an unknown rule set', async () => {
    const { ingest } = setup(healthy);
    await expect(ingest.acceptMarker({ ...marker, ruleSet: 'nope' })).rejects.toBeInstanceOf(IngestError);
  });

  it('aborts an undecided verification once', async () => {
    const { ingest, store, scheduler } = setup(healthy);
    await ingest.acceptMarker(marker);
    expect((await ingest.abort('deploy-1'))?.status).toBe('aborted');
    expect(scheduler.scheduled.has('deploy-1')).toBe(false);
    expect((await store.get('deploy-1'))?.verdict?.reasons).toEqual(['aborted on request']);
    expect(await ingest.abort('unknown')).toBeUndefined();
  });
});

describe('runDueSteps', () => {
  it('does nothing before the first interval is due', async () => {
    const { ingest, step, source } = setup(healthy);
    await ingest.acceptMarker(marker);
    expect(await step()).toBe('not-due');
    expect(source.requests).toHaveLength(0);
  });

  it('queries every KHI for both groups over the interval window and renders their identities', async () => {
    const { ingest, step, source, clock, store } = setup(healthy);
    await ingest.acceptMarker(marker);
    clock.advance(12);
    await step();
    expect(source.requests).toHaveLength(4);
    const canary = source.requests.find((r) => r.group === 'canary' && r.khi.name === 'errors');
    expect(canary?.context).toEqual({
      service: 'shop',
      environment: 'production',
      version: 'v2',
      labels: { version: 'v2' },
    });
    expect(canary?.window).toEqual({ endMs: START + 10_000, intervalSeconds: 10 });
    expect((await store.get('deploy-1'))?.intervalsJudged).toBe(1);
    const evidence = await store.listEvidence('deploy-1');
    expect(evidence[0]).toMatchObject({
      interval: 1,
      observations: { errors: { canary: { events: 10, total: 2000 } } },
    });
  });

  it('catches up every due interval and promotes a healthy release after minIntervals', async () => {
    const { ingest, step, clock, store, verdicts, scheduler } = setup(healthy);
    await ingest.acceptMarker(marker);
    clock.advance(60);
    expect(await step()).toBe('decided');
    const verification = await store.get('deploy-1');
    expect(verification?.status).toBe('promote');
    expect(verification?.verdict).toMatchObject({ outcome: 'promote', decidedAtInterval: 3 });
    expect(verdicts).toEqual(['promote']);
    expect(scheduler.scheduled.has('deploy-1')).toBe(false);
  });

  it('rolls back a faulty release and records the verdict exactly once under concurrent steps', async () => {
    const { ingest, step, clock, store, verdicts } = setup((request) =>
      request.khi.kind === 'ratio' && request.group === 'canary'
        ? { events: 80, total: 2000 }
        : healthy(request),
    );
    await ingest.acceptMarker(marker);
    clock.advance(60);
    const outcomes = await Promise.all([step(), step(), step()]);
    expect(outcomes.every((o) => o === 'decided' || o === 'lost-race')).toBe(true);
    expect(verdicts).toEqual(['rollback']);
    expect(
      (await store.get('deploy-1'))?.verdict?.khis.find((k) => k.name === 'errors')?.classification,
    ).toBe('high');
  });

  it('never promotes while the backend fails, and ends inconclusive after maxFailedSteps', async () => {
    let failing = false;
    const { ingest, step, clock, store } = setup((request) =>
      failing ? { error: 'connect ECONNREFUSED' } : healthy(request),
    );
    await ingest.acceptMarker(marker);
    clock.advance(12);
    await step();
    clock.advance(10);
    await step();
    failing = true;
    clock.advance(10);
    expect(await step()).toBe('not-due');
    const third = await store.get('deploy-1');
    expect(third?.status).toBe('analyzing');
    expect(third?.lastJudgement?.khis.every((k) => k.classification === 'error')).toBe(true);
    clock.advance(10);
    await step();
    const verification = await store.get('deploy-1');
    expect(verification?.status).toBe('inconclusive');
    expect(verification?.verdict?.reasons[0]).toMatch(/every backend query failed in 2 consecutive step/);
  });

  it('treats a KHI whose query fails as error for the step, so stale data cannot promote', async () => {
    let latencyDown = false;
    const { ingest, step, clock, store } = setup((request) =>
      latencyDown && request.khi.name === 'latency' ? { error: 'timeout' } : healthy(request),
    );
    await ingest.acceptMarker(marker);
    clock.advance(22);
    await step();
    latencyDown = true;
    clock.advance(10);
    await step();
    const verification = await store.get('deploy-1');
    expect(verification?.status).toBe('analyzing');
    expect(verification?.lastJudgement?.khis.find((k) => k.name === 'latency')).toMatchObject({
      classification: 'error',
    });
  });
});

describe('the evidence bundle', () => {
  const faulty = (request: ObservationRequest): MemoryAnswer =>
    request.khi.kind === 'ratio' && request.group === 'canary'
      ? { events: 80, total: 2000 }
      : healthy(request);

  it('is written step by step and sealed with the verdict, which records the manifest hash', async () => {
    const artifacts = createMemoryArtifactStore();
    const { ingest, step, clock, store } = setup(faulty, {
      artifacts,
      renderReport: (verification) => Promise.resolve(`<h1>${verification.verdict?.outcome}</h1>`),
    });
    await ingest.acceptMarker(marker);
    clock.advance(60);
    expect(await step()).toBe('decided');
    const verdict = (await store.get('deploy-1'))?.verdict;
    const paths = (await artifacts.list('deploy-1')).map((ref) => ref.path);
    const interval = verdict?.decidedAtInterval ?? 0;
    expect(interval).toBeGreaterThan(0);
    for (let i = 1; i <= interval; i++)
      for (const file of ['queries', 'answers', 'observations', 'judgement'] as const)
        expect(paths).toContain(stepFilePath(i, file));
    expect(paths).toEqual(
      expect.arrayContaining([
        'marker.json',
        'rule-set/source.yaml',
        'rule-set/applied.json',
        'decision-log.json',
        'report.html',
        'manifest.json',
      ]),
    );
    const manifestBytes = await artifacts.read('deploy-1', 'manifest.json');
    expect(verdict?.artifacts).toMatchObject({
      complete: true,
      problems: [],
      manifestSha256: sha256Hex(manifestBytes),
    });
    const hashes = new Map<string, string>();
    for (const ref of await artifacts.list('deploy-1'))
      hashes.set(ref.path, sha256Hex(await artifacts.read('deploy-1', ref.path)));
    expect(
      checkBundle({
        manifestBytes,
        expectedManifestSha256: verdict?.artifacts?.manifestSha256,
        fileHashes: hashes,
      }).mismatches,
    ).toEqual([]);
    expect(Buffer.from(await artifacts.read('deploy-1', 'rule-set/source.yaml')).toString()).toBe(RULES);
    const judgement = JSON.parse(
      Buffer.from(await artifacts.read('deploy-1', stepFilePath(interval, 'judgement'))).toString(),
    ) as { decision: { outcome: string } };
    expect(judgement.decision.outcome).toBe('rollback');
    const log = JSON.parse(Buffer.from(await artifacts.read('deploy-1', 'decision-log.json')).toString()) as {
      steps: unknown[];
      verdict: { outcome: string };
    };
    expect(log.steps).toHaveLength(interval);
    expect(log.verdict.outcome).toBe('rollback');
    expect(Buffer.from(await artifacts.read('deploy-1', 'report.html')).toString()).toBe('<h1>rollback</h1>');
  });

  it('is sealed for an aborted verification too, its steps so far in the decision log', async () => {
    const artifacts = createMemoryArtifactStore();
    const { ingest, step, clock, store } = setup(healthy, { artifacts });
    await ingest.acceptMarker(marker);
    clock.advance(12);
    await step();
    await ingest.abort('deploy-1');
    const verdict = (await store.get('deploy-1'))?.verdict;
    expect(verdict?.outcome).toBe('aborted');
    const manifest = await artifacts.read('deploy-1', 'manifest.json');
    expect(verdict?.artifacts?.manifestSha256).toBe(sha256Hex(manifest));
    const log = JSON.parse(Buffer.from(await artifacts.read('deploy-1', 'decision-log.json')).toString()) as {
      steps: unknown[];
      verdict: { outcome: string };
    };
    expect([log.steps.length, log.verdict.outcome]).toEqual([1, 'aborted']);
  });

  it('keeps the raw answers apart from the resolved queries', async () => {
    const artifacts = createMemoryArtifactStore();
    const { ingest, step, clock } = setup(healthy, { artifacts });
    await ingest.acceptMarker(marker);
    clock.advance(12);
    await step();
    const queries = JSON.parse(
      Buffer.from(await artifacts.read('deploy-1', stepFilePath(1, 'queries'))).toString(),
    ) as { khi: string; records: Record<string, unknown>[] }[];
    const answers = JSON.parse(
      Buffer.from(await artifacts.read('deploy-1', stepFilePath(1, 'answers'))).toString(),
    ) as { khi: string; answers: Record<string, unknown>[] }[];
    expect(queries.map((q) => q.khi).sort()).toEqual(['errors', 'errors', 'latency', 'latency']);
    for (const query of queries)
      for (const record of query.records) expect(record).not.toHaveProperty('response');
    expect(answers.flatMap((a) => a.answers).every((a) => 'response' in a || 'error' in a)).toBe(true);
  });

  it.runIf(canMountSmallDisk)(
    'on a full disk the verification still reaches its verdict, marked incomplete',
    async () => {
      const disk = await mountSmallDisk(64);
      try {
        // The first step fills the disk: later evidence and the manifest cannot be stored.
        const artifacts = createFilesystemArtifactStore(disk.path);
        await artifacts.put('filler', 'ballast.bin', Buffer.alloc(40 * 1024, 1));
        const { ingest, step, clock, store, verdicts } = setup(faulty, { artifacts });
        await ingest.acceptMarker(marker);
        clock.advance(60);
        expect(await step()).toBe('decided');
        expect(verdicts).toEqual(['rollback']);
        const seal = (await store.get('deploy-1'))?.verdict?.artifacts;
        expect(seal?.complete).toBe(false);
        expect(seal?.problems.join('\n')).toMatch(/ENOSPC|no space/i);
        const evidence = await store.listEvidence('deploy-1');
        expect(evidence.some((e) => Array.isArray(e['bundleProblems']))).toBe(true);
      } finally {
        await disk.unmount();
      }
    },
  );
});
