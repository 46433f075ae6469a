/**
 * Child-process entry, a diagnostic for the verdict-endpoint benchmark: the daemon's HTTP API
 * (`buildApp`) over the in-memory store instead of Redis, with the same decided verification.
 * Beside the full daemon it tells the Redis round trip apart from the HTTP stack. Rules from
 * `VIGIL_BENCH_RULES_DIR`, token from `VIGIL_BENCH_TOKEN`; reports `{ url }` over IPC and exits
 * on the message `stop`.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/api/build-app.js';
import { hashToken } from '../../src/api/authentication.js';
import { loadRuleSetDirectory } from '../../src/config/load-rule-sets.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { storeDecidedVerification } from './decided-verification.js';

const ruleSets = await loadRuleSetDirectory(process.env['VIGIL_BENCH_RULES_DIR'] ?? 'rules');
const loaded = [...ruleSets.values()][0];
if (loaded === undefined) throw new Error('no rule set loaded');
const store = createMemoryVerificationStore();
await storeDecidedVerification(store, loaded, Date.now());
const app = buildApp({
  store,
  ingest: {
    acceptMarker: () => Promise.reject(new Error('not part of this benchmark')),
    abort: () => Promise.reject(new Error('not part of this benchmark')),
    startPhase: () => Promise.reject(new Error('not part of this benchmark')),
  },
  tokens: [
    {
      name: 'bench',
      scopes: ['verdicts:read'],
      tokenSha256: hashToken(process.env['VIGIL_BENCH_TOKEN'] ?? ''),
    },
  ],
  logger: pino({ level: process.env['VIGIL_BENCH_LOG_LEVEL'] ?? 'silent' }),
  metricsRegistry: new Registry(),
  readiness: () => Promise.resolve({ redis: true, prometheus: true }),
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url });
process.on('message', (message) => {
  if (message === 'stop') void app.close().then(() => process.exit(0));
});
