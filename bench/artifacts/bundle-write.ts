/**
 * Benchmark (issue 7): what writing the evidence bundle adds to an analysis step.
 *
 * Each run verifies one deployment step by step to its last interval (healthy data, a rule set of
 * 4 ratio and 4 distribution KHIs with 400 values per group and interval, Prometheus-like raw answers)
 * through the real step code (`runDueSteps`), with the in-memory verification store and metric
 * source so only the bundle differs: baseline = no artifact store (what a step cost before bundles),
 * vigil = the filesystem artifact store in a temp folder (content-addressed, atomic writes) and the
 * seal at the verdict. Modes alternate run by run so drift hits both alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { ObservationRequest } from '../../src/sources/metric-source.js';
import type { MetricSource } from '../../src/sources/metric-source.js';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { runDueSteps } from '../../src/verification/run-step.js';
import { startProgress } from '../progress.js';

const INTERVALS = 20;
const RULES = `
name: bench
analysis: { interval: 60s, minIntervals: ${INTERVALS}, maxIntervals: ${INTERVALS}, alpha: 0.01 }
scoring: { pass: 95, marginal: 75 }
khis:
${[1, 2, 3, 4]
  .map(
    (i) => `  - name: errors-${i}
    kind: ratio
    direction: increase
    query: { events: 'sum(increase(errors_${i}{ {{selector}} }[{{interval}}]))', total: 'sum(increase(requests{ {{selector}} }[{{interval}}]))' }
  - name: latency-${i}
    kind: distribution
    direction: increase
    query: { histogram: 'sum by (le) (increase(latency_${i}_bucket{ {{selector}} }[{{interval}}]))' }`,
  )
  .join('\n')}
`;

export interface BundleWriteResult {
  readonly runs: number;
  readonly steps: number;
  readonly baselineMsPerStep: number;
  readonly vigilMsPerStep: number;
  readonly bundleBytesPerStep: number;
  readonly filesPerBundle: number;
}

/** A source answering like Prometheus would, raw answer included (it goes into answers.json). */
function benchSource(): MetricSource {
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return {
    isReady: () => Promise.resolve(true),
    observe(request: ObservationRequest) {
      const started = performance.now();
      const values =
        request.khi.kind === 'ratio' ? undefined : Array.from({ length: 400 }, () => 0.05 + random() * 0.2);
      const events = Math.floor(random() * 20);
      const observation = values === undefined ? { events, total: 2000 } : { values };
      const response = {
        status: 'success',
        data: {
          resultType: 'vector',
          result:
            values === undefined
              ? [{ metric: {}, value: [1, String(events)] }]
              : values.map((value, i) => ({ metric: { pod: `p-${i % 8}` }, value: [1, String(value)] })),
        },
      };
      return Promise.resolve({
        ok: true as const,
        observation,
        queries: [
          {
            query: `${request.khi.name}{version="${request.context.version}"}`,
            endpoint: '/api/v1/query',
            params: { time: String(request.window.endMs / 1000) },
            durationMs: performance.now() - started,
            response,
          },
        ],
      });
    },
  };
}

async function verifyOnce(
  artifactsDir: string | undefined,
  index: number,
): Promise<{ ms: number; bytes: number; files: number }> {
  const loaded = parseRuleSetText(RULES, 'bench.yaml');
  const ruleSets = new Map([['bench', loaded]]);
  const store = createMemoryVerificationStore();
  const scheduler = createMemoryStepScheduler();
  const logger = pino({ level: 'silent' });
  const start = Date.parse('2026-12-08T00:00:00Z');
  let now = start;
  const ingest = createIngest({ store, scheduler, ruleSets, now: () => now, logger, queryDelaySeconds: 0 });
  const id = `bench-${index}`;
  await ingest.acceptMarker({
    id,
    service: 'shop',
    environment: 'production',
    version: 'v2',
    baselineVersion: 'v1',
    strategy: 'canary',
    ruleSet: 'bench',
    startedAt: new Date(start).toISOString(),
    canary: { labels: { version: 'v2' } },
    baseline: { labels: { version: 'v1' } },
  });
  const artifacts = artifactsDir === undefined ? undefined : createFilesystemArtifactStore(artifactsDir);
  const source = benchSource();
  let ms = 0;
  for (let interval = 1; interval <= INTERVALS; interval++) {
    now = start + interval * 60_000;
    const started = performance.now();
    await runDueSteps(id, {
      store,
      source,
      scheduler,
      ruleSets,
      now: () => now,
      logger,
      tracer: trace.getTracer('bench'),
      queryDelaySeconds: 0,
      maxFailedSteps: 3,
      queryConcurrency: 8,
      ...(artifacts !== undefined && { artifacts }),
    });
    ms += performance.now() - started;
  }
  const refs = artifacts === undefined ? [] : await artifacts.list(id);
  return { ms, bytes: refs.reduce((sum, ref) => sum + ref.bytes, 0), files: refs.length };
}

export async function runBundleWrite(options: { quick: boolean }): Promise<BundleWriteResult> {
  const runs = options.quick ? 6 : 20;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-bundle-'));
  const progress = startProgress('bundle write', runs * 2);
  const totals = { baseline: 0, vigil: 0, bytes: 0, files: 0 };
  try {
    await verifyOnce(undefined, -1); // warm-up: JIT and module loading out of the figures
    await verifyOnce(dir, -1);
    for (let run = 0; run < runs; run++) {
      totals.baseline += (await verifyOnce(undefined, run)).ms;
      progress.update(run * 2 + 1);
      const written = await verifyOnce(dir, run);
      totals.vigil += written.ms;
      totals.bytes += written.bytes;
      totals.files += written.files;
      progress.update(run * 2 + 2);
    }
  } finally {
    progress.finish();
    await rm(dir, { recursive: true, force: true });
  }
  const steps = runs * INTERVALS;
  return {
    runs,
    steps,
    baselineMsPerStep: totals.baseline / steps,
    vigilMsPerStep: totals.vigil / steps,
    bundleBytesPerStep: totals.bytes / steps,
    filesPerBundle: totals.files / runs,
  };
}

export function renderBundleWrite(result: BundleWriteResult): string {
  const added = result.vigilMsPerStep - result.baselineMsPerStep;
  return [
    `### Bundle write overhead per analysis step (${result.runs} verifications × ${INTERVALS} steps, 8 KHIs)`,
    '',
    '| | ms per step | ratio |',
    '|---|---:|---:|',
    `| baseline: step without a bundle | ${result.baselineMsPerStep.toFixed(2)} | 1.00× |`,
    `| vigil: step writing its bundle files (filesystem store) | ${result.vigilMsPerStep.toFixed(2)} | ${(result.vigilMsPerStep / result.baselineMsPerStep).toFixed(2)}× |`,
    '',
    `Added per step: ${added.toFixed(2)} ms; bundle ${(result.bundleBytesPerStep / 1024).toFixed(0)} KiB per step, ${result.filesPerBundle.toFixed(0)} files per bundle (manifest and decision log included).`,
  ].join('\n');
}
