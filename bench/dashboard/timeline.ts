/**
 * The timeline endpoint on the real Redis store: 10,000 verifications started over 30 days
 * (85% decided), then `GET /v1/timeline` for the whole month (counts per day, first page of 200)
 * timed server-side over repeated calls, against two baselines measured in the same run: paging
 * `GET /v1/deployments` through the same 10,000 (what the dashboard would do without the
 * timeline index), and the bare ZREVRANGEBYSCORE the endpoint starts with.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { hashToken } from '../../src/api/authentication.js';
import { buildApp } from '../../src/api/build-app.js';
import { initialJudgeState } from '../../src/analysis/judge/judge-interval.js';
import { compileRuleSet } from '../../src/config/compile-rule-set.js';
import { startRedis } from '../../src/stack/redis-server.js';
import { createRedisVerificationStore } from '../../src/store/redis-verification-store.js';
import type { Verdict, VerdictOutcome, Verification } from '../../src/verification/verification.js';

const DEPLOYMENTS = 10_000;
const DAYS = 30;
const TOKEN = 'bench-timeline-token-0123456789';
const SERVICES = ['checkout', 'cart', 'search', 'payments', 'catalog', 'accounts', 'shipping', 'reviews'];
const OUTCOMES: readonly VerdictOutcome[] = [
  'promote',
  'promote',
  'promote',
  'promote',
  'rollback',
  'inconclusive',
];

/** Milliseconds, over repeated calls. */
export interface Timing {
  readonly name: string;
  readonly runs: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface TimelineBenchmarkResult {
  readonly deployments: number;
  readonly days: number;
  readonly seedSeconds: number;
  readonly timeline: Timing;
  readonly timelineFiltered: Timing;
  /** From the Server-Timing header of the unfiltered calls: medians, ms. */
  readonly storeMs: number;
  readonly aggregateMs: number;
  readonly responseBytes: number;
  readonly deploymentsPaged: Timing;
  readonly rawRange: Timing;
}

const ruleSet = compileRuleSet(
  {
    name: 'bench',
    analysis: { interval: '60s', minIntervals: 2, maxIntervals: 5, alpha: 0.01 },
    scoring: { pass: 95, marginal: 75 },
    khis: [{ name: 'error-rate', kind: 'ratio', direction: 'increase', critical: true }],
  },
  'timeline.ts',
);

function verification(index: number, startMs: number, spanMs: number): Verification {
  const id = `dep-${String(index).padStart(5, '0')}`;
  const service = SERVICES[index % SERVICES.length]!;
  const createdAt = new Date(startMs + Math.floor((index / DEPLOYMENTS) * spanMs)).toISOString();
  return {
    id,
    marker: {
      id,
      service,
      environment: index % 3 === 0 ? 'staging' : 'production',
      version: `v1.${index}`,
      baselineVersion: `v1.${index - 1}`,
      strategy: 'canary',
      ruleSet: 'bench',
      startedAt: createdAt,
      canary: { labels: { version: `v1.${index}` } },
      baseline: { labels: { version: `v1.${index - 1}` } },
    },
    markerSha256: 'a'.repeat(64),
    ruleSetSha256: 'b'.repeat(64),
    status: 'pending',
    createdAt,
    updatedAt: createdAt,
    intervalsJudged: 0,
    failedSteps: 0,
    lastJudgement: null,
    verdict: null,
  };
}

function verdict(outcome: VerdictOutcome, decidedAt: string): Verdict {
  return {
    outcome,
    decidedAt,
    decidedAtInterval: 3,
    score: outcome === 'promote' ? 100 : 40,
    khis: [],
    reasons: [
      outcome === 'promote' ? 'score 100 >= pass (95) after 3 interval(s)' : 'critical KHI error-rate failed',
    ],
  };
}

function timing(name: string, samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]!;
  return { name, runs: samples.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Seeds Redis and measures; `quick` repeats fewer times (the data set is the same size). */
export async function runTimelineBenchmark(options: { quick: boolean }): Promise<TimelineBenchmarkResult> {
  const server = await startRedis();
  const redis = new Redis(server.url);
  const store = createRedisVerificationStore({ redis, keyPrefix: 'bench-timeline:' });
  const app = buildApp({
    store,
    ingest: {
      acceptMarker: () => Promise.reject(new Error('read only')),
      abort: () => Promise.resolve(undefined),
      startPhase: () => Promise.reject(new Error('read only')),
    },
    tokens: [{ name: 'bench', scopes: ['verdicts:read'], tokenSha256: hashToken(TOKEN) }],
    logger: pino({ level: 'silent' }),
    metricsRegistry: new Registry(),
    readiness: () => Promise.resolve({ redis: true, prometheus: true }),
    dashboard: { enabled: false },
  });
  try {
    await app.ready();
    const toMs = Date.now();
    const spanMs = DAYS * 86_400_000;
    const fromMs = toMs - spanMs;
    const seedStarted = performance.now();
    for (let start = 0; start < DEPLOYMENTS; start += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, DEPLOYMENTS - start) }, async (_, offset) => {
          const index = start + offset;
          const created = verification(index, fromMs + 1000, spanMs - 2000);
          await store.create(created, initialJudgeState(ruleSet));
          if (index % 20 < 17) {
            const decidedAt = new Date(Date.parse(created.createdAt) + 600_000).toISOString();
            await store.decide(created.id, verdict(OUTCOMES[index % OUTCOMES.length]!, decidedAt));
          }
        }),
      );
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const headers = { authorization: `Bearer ${TOKEN}` };
    const range = `from=${fromMs}&to=${toMs}`;

    const timed = async (url: string) => {
      const started = performance.now();
      const response = await app.inject({ url, headers });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return { elapsed, response };
    };
    const runs = options.quick ? 15 : 50;
    await timed(`/v1/timeline?${range}`); // warm-up (and the one-time backfill check)
    const timelineSamples: number[] = [];
    const storeSamples: number[] = [];
    const aggregateSamples: number[] = [];
    let responseBytes = 0;
    for (let run = 0; run < runs; run += 1) {
      const { elapsed, response } = await timed(`/v1/timeline?${range}`);
      timelineSamples.push(elapsed);
      responseBytes = response.rawPayload.byteLength;
      const header = String(response.headers['server-timing']);
      storeSamples.push(Number(/store;dur=([\d.]+)/.exec(header)?.[1]));
      aggregateSamples.push(Number(/aggregate;dur=([\d.]+)/.exec(header)?.[1]));
      const total = response.json<{ total: number }>().total;
      if (total !== DEPLOYMENTS) throw new Error(`timeline counted ${total} of ${DEPLOYMENTS}`);
    }
    const filteredSamples: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      filteredSamples.push(
        (await timed(`/v1/timeline?${range}&service=checkout&environment=production&verdict=rollback`))
          .elapsed,
      );
    }
    const pagedSamples: number[] = [];
    const passes = options.quick ? 3 : 8;
    const since = new Date(fromMs).toISOString();
    for (let pass = 0; pass < passes; pass += 1) {
      const started = performance.now();
      let cursor: string | null = null;
      let listed = 0;
      do {
        const query: string = `since=${since}&limit=500${cursor === null ? '' : `&cursor=${cursor}`}`;
        const { response } = await timed(`/v1/deployments?${query}`);
        const page = response.json<{ items: unknown[]; nextCursor: string | null }>();
        listed += page.items.length;
        cursor = page.nextCursor;
      } while (cursor !== null);
      pagedSamples.push(performance.now() - started);
      if (listed !== DEPLOYMENTS) throw new Error(`paging listed ${listed} of ${DEPLOYMENTS}`);
    }
    const rawSamples: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      await redis.zrevrangebyscore('bench-timeline:index:timeline', toMs, fromMs);
      rawSamples.push(performance.now() - started);
    }
    return {
      deployments: DEPLOYMENTS,
      days: DAYS,
      seedSeconds,
      timeline: timing(
        'GET /v1/timeline, 30 days, no filter (counts per day + first 200 items)',
        timelineSamples,
      ),
      timelineFiltered: timing('GET /v1/timeline, 30 days, service + environment + verdict', filteredSamples),
      storeMs: median(storeSamples),
      aggregateMs: median(aggregateSamples),
      responseBytes,
      deploymentsPaged: timing(
        'baseline: GET /v1/deployments paged (limit 500) through all 10,000',
        pagedSamples,
      ),
      rawRange: timing('baseline: bare ZREVRANGEBYSCORE of the 10,000 entries (ioredis)', rawSamples),
    };
  } finally {
    await app.close();
    await store.close();
    redis.disconnect();
    await server.stop();
  }
}

/** The result as a markdown section. */
export function renderTimelineBenchmark(result: TimelineBenchmarkResult): string {
  const row = (one: Timing) =>
    `| ${one.name} | ${one.runs} | ${one.p50.toFixed(1)} | ${one.p95.toFixed(1)} | ${one.max.toFixed(1)} | ` +
    `${(one.p50 / result.timeline.p50).toFixed(2)}× |`;
  return [
    '### Dashboard timeline (`GET /v1/timeline`, real Redis)',
    '',
    `${result.deployments.toLocaleString('en')} verifications over ${result.days} days (85% decided), seeded in ` +
      `${result.seedSeconds.toFixed(1)} s. Server time through \`app.inject\` (no socket), in ms; ` +
      'the target is ≤ 300 ms.',
    '',
    '| operation | runs | p50 | p95 | max | p50 vs timeline |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row(result.timeline),
    row(result.timelineFiltered),
    row(result.deploymentsPaged),
    row(result.rawRange),
    '',
    `Inside the unfiltered timeline call (Server-Timing medians): store ${result.storeMs.toFixed(1)} ms, ` +
      `aggregation ${result.aggregateMs.toFixed(1)} ms; the answer is ${(result.responseBytes / 1024).toFixed(0)} KiB.`,
  ].join('\n');
}
