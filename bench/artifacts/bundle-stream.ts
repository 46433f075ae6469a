/**
 * Benchmark (issue 7): streaming a 100 MB evidence bundle as tar.gz.
 *
 * The bundle: 40 screenshot-like files of 2 MB (random bytes, as PNGs and trace zips are already
 * compressed) and 200 JSON answers of ~100 KB (Prometheus-like text), 100 MB in all, in the
 * filesystem artifact store. Three ways to get it, each run `repetitions` times, alternating:
 * - baseline: GNU `tar -czf -` of the same files as plain files (tar + gzip level 6, the same
 *   deflate level as ours), output discarded — what packing the files costs without Vigil;
 * - vigil: `GET /v1/deployments/:id/artifacts/bundle.tar.gz` over loopback HTTP from the real API
 *   (`buildApp`), the body read and discarded;
 * - pull: `vigil artifacts pull` — the same download, extracted, every file hashed and checked
 *   against the manifest and the verdict's hash.
 * The API's peak RSS growth during its downloads is reported too (it streams file by file).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { hashToken } from '../../src/api/authentication.js';
import { buildApp } from '../../src/api/build-app.js';
import { runArtifactsPullCommand } from '../../src/cli/artifacts-command.js';
import { createVigilClient } from '../../src/cli/vigil-client.js';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createMemoryDeliveryLog } from '../../src/delivery/delivery-log.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import { buildManifest } from '../../src/store/artifacts/bundle-manifest.js';
import { createMemoryBundlePins } from '../../src/store/artifacts/bundle-pins.js';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { startProgress } from '../progress.js';

const run = promisify(execFile);
const TOKEN = 'bench-artifacts-token-0123456789';
const ID = 'bench-bundle';
const MB = 1024 * 1024;

export interface BundleStreamResult {
  readonly bundleBytes: number;
  readonly files: number;
  readonly repetitions: number;
  readonly tarSeconds: number;
  readonly vigilSeconds: number;
  readonly pullSeconds: number;
  readonly archiveBytes: number;
  readonly peakRssGrowthBytes: number;
}

function jsonAnswer(index: number, bytes: number): string {
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const row = `{"metric":{"__name__":"http_requests_total","version":"v${index % 3}","pod":"shop-${i % 17}","code":"${i % 50 === 0 ? 500 : 200}"},"value":[1765152000.${i % 1000},"${(i * 7919) % 104729}"]}`;
    rows.push(row);
    size += row.length + 1;
  }
  return `{"status":"success","data":{"resultType":"vector","result":[${rows.join(',')}]}}`;
}

async function seedBundle(artifactsDir: string, plainDir: string): Promise<{ bytes: number; files: number }> {
  const store = createFilesystemArtifactStore(artifactsDir, { maxFileBytes: 8 * MB });
  const put = async (path: string, content: Uint8Array) => {
    await store.put(ID, path, content);
    const file = join(plainDir, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  };
  for (let i = 0; i < 40; i++)
    await put(`journeys/interval-${i}/canary/checkout/screenshot.png`, randomBytes(2 * MB));
  for (let i = 0; i < 200; i++)
    await put(`steps/${String(i + 1).padStart(4, '0')}/answers.json`, Buffer.from(jsonAnswer(i, 100 * 1024)));
  const refs = await store.list(ID);
  return { bytes: refs.reduce((sum, ref) => sum + ref.bytes, 0), files: refs.length };
}

export async function runBundleStream(options: { quick: boolean }): Promise<BundleStreamResult> {
  const repetitions = options.quick ? 2 : 5;
  const root = await mkdtemp(join(tmpdir(), 'vigil-bench-stream-'));
  const artifactsDir = join(root, 'artifacts');
  const plainDir = join(root, 'plain');
  const { bytes: bundleBytes, files } = await seedBundle(artifactsDir, plainDir);
  const artifacts = createFilesystemArtifactStore(artifactsDir);

  // The API as the daemon builds it, over an in-memory verification store holding one sealed verdict.
  const store = createMemoryVerificationStore();
  const scheduler = createMemoryStepScheduler();
  const logger = pino({ level: 'silent' });
  const loaded = parseRuleSetText(
    "name: bench\nanalysis: { interval: 600s, minIntervals: 3, maxIntervals: 10, alpha: 0.05 }\nscoring: { pass: 95, marginal: 75 }\nkhis:\n  - { name: errors, kind: ratio, direction: increase, query: { events: 'x', total: 'y' } }\n",
    'bench.yaml',
  );
  const ingest = createIngest({
    store,
    scheduler,
    ruleSets: new Map([['bench', loaded]]),
    now: Date.now,
    logger,
    queryDelaySeconds: 0,
  });
  await ingest.acceptMarker({
    id: ID,
    service: 'shop',
    environment: 'bench',
    version: 'v2',
    strategy: 'canary',
    ruleSet: 'bench',
    canary: { labels: { version: 'v2' } },
    baseline: { labels: { version: 'v1' } },
  });
  const decidedAt = new Date().toISOString();
  const manifest = buildManifest({
    deploymentId: ID,
    sealedAt: decidedAt,
    verdict: { outcome: 'rollback', decidedAtInterval: 3 },
    complete: true,
    problems: [],
    files: await artifacts.list(ID),
  });
  await artifacts.put(ID, 'manifest.json', manifest.bytes);
  await store.decide(ID, {
    outcome: 'rollback',
    decidedAt,
    decidedAtInterval: 3,
    score: 0,
    khis: [],
    reasons: ['bench'],
    artifacts: {
      manifestSha256: manifest.sha256,
      files: files + 1,
      bytes: bundleBytes,
      complete: true,
      problems: [],
    },
  });
  const app = buildApp({
    store,
    ingest,
    tokens: [{ name: 'bench', scopes: ['admin'], tokenSha256: hashToken(TOKEN) }],
    logger,
    metricsRegistry: new Registry(),
    readiness: () => Promise.resolve({ redis: true, prometheus: true }),
    artifacts: {
      store: artifacts,
      pins: createMemoryBundlePins(),
      deliveryLog: createMemoryDeliveryLog(),
      retention: { retentionDays: { promote: 14, rollback: 90, inconclusive: 90, aborted: 14 } },
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const totals = { tar: 0, vigil: 0, pull: 0, archiveBytes: 0, peakRss: 0 };
  const progress = startProgress('bundle stream', repetitions * 3);
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      let started = performance.now();
      await run('bash', ['-c', `tar -czf - -C ${JSON.stringify(plainDir)} . | wc -c > /dev/null`]);
      totals.tar += (performance.now() - started) / 1000;
      progress.update(rep * 3 + 1);

      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      started = performance.now();
      const response = await axios.get<NodeJS.ReadableStream>(
        `${url}/v1/deployments/${ID}/artifacts/bundle.tar.gz`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
          responseType: 'stream',
        },
      );
      let archiveBytes = 0;
      for await (const chunk of response.data) archiveBytes += (chunk as Buffer).byteLength;
      totals.vigil += (performance.now() - started) / 1000;
      clearInterval(sampler);
      totals.archiveBytes = archiveBytes;
      totals.peakRss = Math.max(totals.peakRss, peak - rssBefore);
      progress.update(rep * 3 + 2);

      const out = join(root, `pulled-${rep}`);
      const lines: string[] = [];
      started = performance.now();
      const code = await runArtifactsPullCommand(
        ID,
        { output: out, force: false },
        createVigilClient(url, TOKEN),
        {
          out: (text) => lines.push(text),
          err: (text) => lines.push(text),
          progress: false,
          now: Date.now,
        },
      );
      totals.pull += (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`bench: vigil artifacts pull exited ${code}:\n${lines.join('\n')}`);
      await rm(out, { recursive: true, force: true });
      progress.update(rep * 3 + 3);
    }
  } finally {
    progress.finish();
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
  return {
    bundleBytes,
    files,
    repetitions,
    tarSeconds: totals.tar / repetitions,
    vigilSeconds: totals.vigil / repetitions,
    pullSeconds: totals.pull / repetitions,
    archiveBytes: totals.archiveBytes,
    peakRssGrowthBytes: totals.peakRss,
  };
}

export function renderBundleStream(result: BundleStreamResult): string {
  const mbPerSecond = (seconds: number) => result.bundleBytes / MB / seconds;
  const row = (name: string, seconds: number) =>
    `| ${name} | ${seconds.toFixed(2)} | ${mbPerSecond(seconds).toFixed(0)} | ${(result.tarSeconds / seconds).toFixed(2)}× |`;
  return [
    `### bundle.tar.gz streaming (${(result.bundleBytes / MB).toFixed(0)} MB bundle, ${result.files} files, mean of ${result.repetitions})`,
    '',
    '| | seconds | MB/s | throughput vs baseline |',
    '|---|---:|---:|---:|',
    row('baseline: `tar -czf -` of the same files', result.tarSeconds),
    row('vigil: GET …/artifacts/bundle.tar.gz over loopback', result.vigilSeconds),
    row('`vigil artifacts pull` (download, extract, verify every hash)', result.pullSeconds),
    '',
    `Archive ${(result.archiveBytes / MB).toFixed(1)} MB; the API's peak RSS growth while streaming: ${(result.peakRssGrowthBytes / MB).toFixed(1)} MB (bench and API share the process).`,
  ].join('\n');
}
