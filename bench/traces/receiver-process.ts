/**
 * Child-process entry for the OTLP ingest benchmark: the daemon's HTTP API (`buildApp`) with the
 * embedded trace receiver at its default limits, over the in-memory verification store (the
 * receiver never touches the store), flushing its summaries to Redis (`VIGIL_BENCH_REDIS_URL`)
 * every second as the daemon does. Token from `VIGIL_BENCH_TOKEN`; reports `{ url }` over IPC,
 * answers `stats` with the summaries' counters, exits on `stop`.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { hashToken } from '../../src/api/authentication.js';
import { buildApp } from '../../src/api/build-app.js';
import { createRedisTraceSummaries } from '../../src/sources/traces/redis-trace-summaries.js';
import { DEFAULT_TRACE_SUMMARY_LIMITS, TraceSummaries } from '../../src/sources/traces/trace-summaries.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';

const summaries = new TraceSummaries();
const app = buildApp({
  store: createMemoryVerificationStore(),
  ingest: {
    acceptMarker: () => Promise.reject(new Error('not part of this benchmark')),
    abort: () => Promise.reject(new Error('not part of this benchmark')),
    startPhase: () => Promise.reject(new Error('not part of this benchmark')),
  },
  tokens: [
    {
      name: 'bench',
      scopes: ['traces:write'],
      tokenSha256: hashToken(process.env['VIGIL_BENCH_TOKEN'] ?? ''),
    },
  ],
  logger: pino({ level: 'warn' }),
  metricsRegistry: new Registry(),
  readiness: () => Promise.resolve({ redis: true, prometheus: true }),
  traces: { summaries, versionAttribute: 'service.version' },
});
const redis = new Redis(process.env['VIGIL_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const shared = createRedisTraceSummaries({
  redis,
  keyPrefix: 'bench:',
  bucketSeconds: DEFAULT_TRACE_SUMMARY_LIMITS.bucketSeconds,
  retentionSeconds: DEFAULT_TRACE_SUMMARY_LIMITS.retentionSeconds,
  daemonId: 'bench',
});
let flushing = false;
setInterval(() => {
  if (flushing) return;
  flushing = true;
  void shared
    .flush(summaries)
    .catch((error: unknown) => console.error(`flush failed: ${(error as Error).message}`))
    .finally(() => (flushing = false));
}, 1000);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url });
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ stats: summaries.stats() });
  if (message === 'stop') void app.close().then(() => process.exit(0));
});
