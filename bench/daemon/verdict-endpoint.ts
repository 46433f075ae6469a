/**
 * Benchmark: `GET /v1/deployments/:id/verdict?wait=0` of a decided 12-KHI verification, at 64
 * connections with wrk (one thread), beside a bare `node:http` server answering the same JSON body, in the
 * same run. Targets (issue 3): Vigil ≥ 60% of the bare server's requests/s, Vigil p99 ≤ 10 ms.
 * Every server runs in its own process; wrk shares the machine's cores with them.
 *
 *   node dist/bench/daemon/verdict-endpoint.js [--quick] [--profile]
 *
 * Servers, taking turns in each round:
 * - `vigil`: the daemon as deployed (default log level `info`, stdout to /dev/null), Redis store;
 * - `vigil, log silent`: the same with `logLevel: silent` (what per-request logging costs);
 * - `API on memory store`: `buildApp` over the in-memory store, log silent (what Redis costs);
 * - `minimal Fastify`: one Fastify route sending the same body as a Buffer (Fastify's own floor);
 * - `bare`: `node:http` writing the same body.
 * `--profile` also runs V8's CPU profiler in the `vigil` daemon over one more run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadRuleSetDirectory } from '../../src/config/load-rule-sets.js';
import { startRedis, type RedisServer } from '../../src/stack/redis-server.js';
import { createRedisVerificationStore } from '../../src/store/redis-verification-store.js';
import { capacityRuleSetYaml } from './capacity-rule-set.js';
import { answerWith, forkServer, type ChildServer } from './child-server.js';
import { summariseCpuProfile, type ProfileSummary } from './cpu-profile-summary.js';
import { DECIDED_DEPLOYMENT_ID, storeDecidedVerification } from './decided-verification.js';
import { ensureWrk, runWrk, type WrkResult } from './wrk.js';

export interface VerdictEndpointOptions {
  /** 3 s runs and one round instead of 10 s runs and three rounds. */
  readonly quick: boolean;
  /** Also profile the daemon under load (V8 CPU profiler, as `node --cpu-prof`). */
  readonly profile?: boolean;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

export type ServerName = 'vigil' | 'vigilSilent' | 'apiOnMemoryStore' | 'minimalFastify' | 'bare';

export const SERVER_LABELS: Readonly<Record<ServerName, string>> = {
  vigil: 'Vigil daemon (log level info, Redis store)',
  vigilSilent: 'diagnostic: Vigil daemon, log level silent',
  apiOnMemoryStore: 'diagnostic: Vigil API on the in-memory store, log silent',
  minimalFastify: 'diagnostic: minimal Fastify route, same body, no hooks',
  bare: 'bare `node:http`, same body',
};

export interface VerdictEndpointResult {
  readonly quick: boolean;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly rounds: number;
  readonly bodyBytes: number;
  readonly servers: Readonly<Record<ServerName, ServerFigures>>;
  /** Vigil's requests/s over the bare server's (target ≥ 0.6). */
  readonly ratio: number;
  readonly meetsTargets: { readonly throughput: boolean; readonly p99: boolean };
  readonly loadAverage: string;
  readonly profile?: ProfileSummary;
}

export interface ServerFigures {
  /** Mean over the rounds. */
  readonly requestsPerSecond: number;
  /** Worst p99 over the rounds, in milliseconds. */
  readonly p99Ms: number;
  /** Each round's p99, in milliseconds. */
  readonly p99PerRoundMs: readonly number[];
  readonly p50Ms: number;
  /** CPU the server process used during its runs, as a share of one core. */
  readonly cpuShareOfOneCore: number;
  /** Server CPU time per request, in microseconds: comparable even when cores are contended. */
  readonly cpuMicrosecondsPerRequest: number;
  readonly errors: number;
}

const TOKEN = 'bench-verdict-token-0123456789';
const KEY_PREFIX = 'bench-verdict:';
const CONNECTIONS = 64;
/**
 * One wrk thread: on this 2-core machine wrk then has one core and the single-threaded server the
 * other. With two wrk threads they contend for both cores, and the tail measured is the scheduler's
 * (the bare server's p99 rose by 1–3 ms in trials, and varied twice as much).
 */
const THREADS = 1;
const ORDER: readonly ServerName[] = ['vigil', 'vigilSilent', 'apiOnMemoryStore', 'minimalFastify', 'bare'];

/** Runs the verdict-endpoint benchmark; prints progress with `log`. */
export async function runVerdictEndpoint(options: VerdictEndpointOptions): Promise<VerdictEndpointResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const durationSeconds = options.quick ? 3 : 10;
  const rounds = options.quick ? 1 : 3;
  await ensureWrk();
  const redis = await startRedis();
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-bench-rules-'));
  const started: ChildServer[] = [];
  try {
    await writeFile(join(rulesDir, 'bench-shop.yaml'), capacityRuleSetYaml(30, 10));
    await storeInRedis(redis, rulesDir);
    const daemonEntry = new URL('./daemon-process.js', import.meta.url);
    const settings = (logLevel: string) => ({
      VIGIL_BENCH_SETTINGS: JSON.stringify(daemonSettings(redis, rulesDir, logLevel)),
    });
    const servers = {} as Record<ServerName, ChildServer>;
    servers.vigil = await forkServer(daemonEntry, settings('info'), { stdout: 'ignore' });
    started.push(servers.vigil);
    servers.vigilSilent = await forkServer(daemonEntry, settings('silent'), { stdout: 'ignore' });
    started.push(servers.vigilSilent);
    servers.apiOnMemoryStore = await forkServer(new URL('./api-memory-process.js', import.meta.url), {
      VIGIL_BENCH_RULES_DIR: rulesDir,
      VIGIL_BENCH_TOKEN: TOKEN,
    });
    started.push(servers.apiOnMemoryStore);
    const path = `/v1/deployments/${DECIDED_DEPLOYMENT_ID}/verdict?wait=0`;
    const headers = { authorization: `Bearer ${TOKEN}` };
    const body = await verdictBody(`${servers.vigil.url}${path}`, headers);
    for (const name of ['vigilSilent', 'apiOnMemoryStore'] as const) {
      const other = await verdictBody(`${servers[name].url}${path}`, headers);
      if (other.length !== body.length)
        throw new Error(`${name} answered ${other.length} bytes, the daemon ${body.length}`);
    }
    servers.minimalFastify = await forkServer(new URL('./fastify-process.js', import.meta.url), {
      VIGIL_BENCH_BODY: body,
    });
    started.push(servers.minimalFastify);
    servers.bare = await forkServer(new URL('./bare-server-process.js', import.meta.url), {
      VIGIL_BENCH_BODY: body,
    });
    started.push(servers.bare);
    const loadAverage = await readLoadAverage();
    log(
      `verdict endpoint: body ${Buffer.byteLength(body)} bytes; wrk -c ${CONNECTIONS} -t ${THREADS} -d ${durationSeconds}s, ` +
        `${rounds} round(s), ${cpus().length} cores, load average ${loadAverage}`,
    );

    // Warm-up: JIT, connection pools, Redis.
    for (const name of ORDER)
      await runWrk({
        url: `${servers[name].url}${path}`,
        connections: CONNECTIONS,
        threads: THREADS,
        durationSeconds: 2,
        headers,
      });
    const runs = Object.fromEntries(ORDER.map((name) => [name, [] as Measured[]])) as Record<
      ServerName,
      Measured[]
    >;
    for (let round = 1; round <= rounds; round += 1) {
      for (const name of ORDER) {
        const measured = await measure(
          servers[name],
          `${servers[name].url}${path}`,
          durationSeconds,
          headers,
        );
        runs[name].push(measured);
        log(`  round ${round} ${name}: ${describe(measured)}`);
      }
    }
    const profile =
      options.profile === true
        ? await profileDaemon(servers.vigil, `${servers.vigil.url}${path}`, durationSeconds, headers, log)
        : undefined;
    const figures = Object.fromEntries(ORDER.map((name) => [name, figuresOf(runs[name])])) as Record<
      ServerName,
      ServerFigures
    >;
    const ratio = figures.vigil.requestsPerSecond / figures.bare.requestsPerSecond;
    return {
      quick: options.quick,
      connections: CONNECTIONS,
      durationSeconds,
      rounds,
      bodyBytes: Buffer.byteLength(body),
      servers: figures,
      ratio,
      meetsTargets: { throughput: ratio >= 0.6, p99: figures.vigil.p99Ms <= 10 },
      loadAverage,
      ...(profile !== undefined && { profile }),
    };
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await redis.stop();
    await rm(rulesDir, { recursive: true, force: true });
  }
}

interface Measured {
  readonly wrk: WrkResult;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

async function measure(
  server: ChildServer,
  url: string,
  durationSeconds: number,
  headers: Record<string, string>,
): Promise<Measured> {
  const cpuBefore = await server.cpuSeconds();
  const started = performance.now();
  const wrk = await runWrk({ url, connections: CONNECTIONS, threads: THREADS, durationSeconds, headers });
  const wallSeconds = (performance.now() - started) / 1000;
  return { wrk, cpuSeconds: (await server.cpuSeconds()) - cpuBefore, wallSeconds };
}

function figuresOf(runs: readonly Measured[]): ServerFigures {
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const requests = runs.reduce((sum, r) => sum + r.wrk.requests, 0);
  return {
    requestsPerSecond: mean(runs.map((r) => r.wrk.requestsPerSecond)),
    p99Ms: Math.max(...runs.map((r) => r.wrk.latencyMs['99'] ?? NaN)),
    p99PerRoundMs: runs.map((r) => r.wrk.latencyMs['99'] ?? NaN),
    p50Ms: mean(runs.map((r) => r.wrk.latencyMs['50'] ?? NaN)),
    cpuShareOfOneCore: mean(runs.map((r) => r.cpuSeconds / r.wallSeconds)),
    cpuMicrosecondsPerRequest: (runs.reduce((sum, r) => sum + r.cpuSeconds, 0) / requests) * 1e6,
    errors: runs.reduce((sum, r) => sum + r.wrk.non2xx + r.wrk.socketErrors, 0),
  };
}

function describe({ wrk, cpuSeconds, wallSeconds }: Measured): string {
  return (
    `${wrk.requestsPerSecond.toFixed(0)} req/s, p50 ${fmt(wrk.latencyMs['50'])} ms, p99 ${fmt(wrk.latencyMs['99'])} ms, ` +
    `server CPU ${((cpuSeconds / wallSeconds) * 100).toFixed(0)}% of a core (${((cpuSeconds / wrk.requests) * 1e6).toFixed(0)} µs/request), ` +
    `errors ${wrk.non2xx + wrk.socketErrors}`
  );
}

function fmt(value: number | undefined): string {
  return value === undefined ? '?' : value.toFixed(2);
}

async function verdictBody(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body}`);
  return body;
}

/** One more loaded run of the daemon under V8's CPU profiler (start-up excluded); where its CPU went. */
async function profileDaemon(
  daemon: ChildServer,
  url: string,
  durationSeconds: number,
  headers: Record<string, string>,
  log: (line: string) => void,
): Promise<ProfileSummary> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-profile-'));
  const file = join(dir, 'verdict-endpoint.cpuprofile');
  await daemon.request('profile-start', answerWith('profiling'));
  await runWrk({ url, connections: CONNECTIONS, threads: THREADS, durationSeconds, headers });
  await daemon.request({ profileStop: file }, answerWith('profiled'));
  log(`  profile: ${file}`);
  return summariseCpuProfile(file);
}

function daemonSettings(redis: RedisServer, rulesDir: string, logLevel: string): Record<string, unknown> {
  return {
    host: '127.0.0.1',
    port: 0,
    redisUrl: redis.url,
    // Never queried here: the verdict endpoint reads the store only.
    prometheusUrl: 'http://127.0.0.1:9',
    rulesDir,
    keyPrefix: KEY_PREFIX,
    logLevel,
    tokens: [{ name: 'bench', token: TOKEN, scopes: ['verdicts:read'] }],
  };
}

async function storeInRedis(redis: RedisServer, rulesDir: string): Promise<void> {
  const loaded = (await loadRuleSetDirectory(rulesDir)).get('bench-shop');
  if (loaded === undefined) throw new Error('rule set bench-shop did not load');
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const store = createRedisVerificationStore({ redis: connection, keyPrefix: KEY_PREFIX });
  try {
    await storeDecidedVerification(store, loaded, Date.now());
  } finally {
    await store.close();
    connection.disconnect();
  }
}

async function readLoadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

/** Markdown for docs/benchmarks.md. */
export function renderVerdictEndpoint(result: VerdictEndpointResult): string {
  const row = (name: ServerName) => {
    const f = result.servers[name];
    return `| ${SERVER_LABELS[name]} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50Ms.toFixed(2)} | ${f.p99Ms.toFixed(2)} | ${f.p99PerRoundMs.map((ms) => ms.toFixed(1)).join(' / ')} | ${(f.cpuShareOfOneCore * 100).toFixed(0)}% | ${f.cpuMicrosecondsPerRequest.toFixed(0)} | ${f.errors} |`;
  };
  return [
    `wrk -c ${result.connections} -t ${THREADS} -d ${result.durationSeconds}s --latency, ${result.rounds} round(s) taking turns, ` +
      `body ${result.bodyBytes} bytes, load average ${result.loadAverage}${result.quick ? ' — **quick mode**' : ''}`,
    '',
    '| server | req/s | p50 ms | p99 ms (worst round) | p99 ms by round | server CPU (one core = 100%) | server CPU µs / request | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...ORDER.map(row),
    '',
    `Vigil / bare throughput: **${(result.ratio * 100).toFixed(0)}%** (target ≥ 60%: ${result.meetsTargets.throughput ? 'met' : 'missed'}); ` +
      `Vigil p99 **${result.servers.vigil.p99Ms.toFixed(2)} ms** (target ≤ 10 ms: ${result.meetsTargets.p99 ? 'met' : 'missed'}).`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } },
  });
  const result = await runVerdictEndpoint({ quick: values.quick === true, profile: values.profile === true });
  console.log(renderVerdictEndpoint(result));
  if (result.profile !== undefined) console.log(`\n${result.profile.markdown}`);
}
