/**
 * Benchmark: many concurrent verifications of a 12-KHI rule set against a real Prometheus that
 * scrapes two demo shops under load. Measures the daemon process's CPU share of one core and its
 * RSS over a steady window of whole intervals, beside the same process idle (before any marker)
 * in the same run. Targets (issue 3): 500 verifications at a 30 s interval, CPU < 50% of one
 * core, RSS < 300 MB.
 *
 *   node dist/bench/daemon/capacity.js [--quick]
 *
 * Full: 500 verifications, 30 s interval, 3 measured intervals. Quick: 100 verifications, 10 s
 * interval, 2 measured intervals (a smoke run; its figures do not answer the target).
 * The daemon runs in its own process (figures from /proc/<pid>); Redis, Prometheus, the shops and
 * their load generator run beside it on the same cores.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { sendLoad } from '../../examples/demo-shop/send-load.js';
import { startShop, type RunningShop } from '../../examples/demo-shop/shop.js';
import { startPrometheus, type PrometheusServer } from '../../src/stack/prometheus-server.js';
import { startRedis, type RedisServer } from '../../src/stack/redis-server.js';
import { capacityRuleSetYaml, KHI_COUNT, QUERIES_PER_STEP } from './capacity-rule-set.js';
import { answerWith, forkServer, type ChildServer } from './child-server.js';
import { summariseCpuProfile, type ProfileSummary } from './cpu-profile-summary.js';
import { bucketDeltas, histogramQuantile, parseExposition, sumOf, type Sample } from './prometheus-text.js';

export interface CapacityOptions {
  /** 100 verifications at a 10 s interval, 2 measured intervals, instead of 500 at 30 s, 3 intervals. */
  readonly quick: boolean;
  /** Overrides for exploration. */
  readonly verifications?: number;
  readonly intervalSeconds?: number;
  readonly measuredIntervals?: number;
  /** The daemon's `analysis.stepConcurrency` (default: the daemon's default, 16). */
  readonly stepConcurrency?: number;
  /** Also run V8's CPU profiler over the measured window and summarise it (adds a little CPU). */
  readonly profile?: boolean;
  readonly log?: (line: string) => void;
}

export interface ProcessFigures {
  readonly windowSeconds: number;
  /** CPU seconds per wall second: 1 = one core busy. */
  readonly cpuShareOfOneCore: number;
  /** Median of 1 s RSS samples over the window, bytes. */
  readonly steadyRssBytes: number;
  /** Highest 1 s RSS sample over the window, bytes. */
  readonly windowPeakRssBytes: number;
}

export interface CapacityResult {
  readonly quick: boolean;
  readonly verifications: number;
  readonly khis: number;
  readonly intervalSeconds: number;
  readonly measuredIntervals: number;
  readonly idle: ProcessFigures;
  readonly loaded: ProcessFigures;
  /** VmHWM at the end: peak RSS over the whole run, start-up and marker posting included (target < 300 MB, 10^6 bytes). */
  readonly peakRssBytes: number;
  readonly postSeconds: number;
  readonly steps: number;
  /** Steps the schedule asks for in the window: verifications × window / interval. */
  readonly expectedSteps: number;
  /** Daemon CPU seconds in the window per step judged (idle cost included), in milliseconds. */
  readonly cpuMsPerStep: number;
  /** CPU share the daemon would need to judge every scheduled step at that cost per step. */
  readonly projectedCpuShareOfOneCore: number;
  readonly stepP50Seconds: number;
  readonly stepP99Seconds: number;
  readonly stepMeanSeconds: number;
  readonly backendQueries: number;
  readonly backendErrors: number;
  readonly states: Readonly<Record<string, number>>;
  /** Size of the stored judge states at the end (read and rewritten by every step), bytes. */
  readonly judgeStateBytes: { readonly mean: number; readonly max: number };
  /** CPU share of one core over the window of the processes beside the daemon. */
  readonly neighbours: { readonly prometheus: number; readonly redis: number; readonly shopsAndLoad: number };
  readonly stepConcurrency: number | 'default';
  readonly loadAverage: { readonly before: string; readonly after: string };
  readonly meetsTargets: { readonly cpu: boolean; readonly rss: boolean };
  readonly profile?: ProfileSummary;
}

const TOKEN = 'bench-capacity-token-0123456789';
const KEY_PREFIX = 'bench-capacity:';
const SHOP_RPS = 40;
const QUERY_DELAY_SECONDS = 2;
const POST_CONCURRENCY = 8;

/** Runs the capacity benchmark; prints progress with `log`. */
export async function runCapacity(options: CapacityOptions): Promise<CapacityResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const verifications = options.verifications ?? (options.quick ? 100 : 500);
  const intervalSeconds = options.intervalSeconds ?? (options.quick ? 10 : 30);
  const measuredIntervals = options.measuredIntervals ?? (options.quick ? 2 : 3);
  const idleSeconds = options.quick ? 10 : 30;
  const scrapeIntervalSeconds = options.quick ? 2 : 5;
  // Long enough that nothing is decided by running out of intervals inside the window.
  const maxIntervals = measuredIntervals + 4;

  const load = new AbortController();
  let loadDone: Promise<unknown> = Promise.resolve();
  let redis: RedisServer | undefined;
  let prometheus: PrometheusServer | undefined;
  let daemon: ChildServer | undefined;
  const shops: RunningShop[] = [];
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-bench-rules-'));
  try {
    redis = await startRedis();
    shops.push(await startShop({ version: 'v1', track: 'baseline', errorRate: 0.01 }));
    shops.push(await startShop({ version: 'v2', track: 'canary', errorRate: 0.01 }));
    prometheus = await startPrometheus({
      scrapeTargets: shops.map((s) => `127.0.0.1:${s.port}`),
      scrapeIntervalSeconds,
    });
    const loadSeconds = idleSeconds + intervalSeconds * (measuredIntervals + 2) + 600;
    loadDone = sendLoad({
      targets: shops.map((s) => s.url),
      rps: SHOP_RPS,
      seconds: loadSeconds,
      signal: load.signal,
    });
    await prometheus.waitForSeries('http_requests_total{version="v2"}', 30_000);
    await writeFile(join(rulesDir, 'bench-shop.yaml'), capacityRuleSetYaml(intervalSeconds, maxIntervals));
    daemon = await forkServer(
      new URL('./daemon-process.js', import.meta.url),
      {
        VIGIL_BENCH_SETTINGS: JSON.stringify({
          host: '127.0.0.1',
          port: 0,
          redisUrl: redis.url,
          prometheusUrl: prometheus.url,
          rulesDir,
          keyPrefix: KEY_PREFIX,
          // The default level, as deployed: one line per step and verdict, formatted and written to /dev/null.
          logLevel: 'info',
          tokens: [{ name: 'bench', token: TOKEN, scopes: ['admin'] }],
          prometheus: { queryDelaySeconds: QUERY_DELAY_SECONDS, retries: 1, timeoutMs: 10_000 },
          ...(options.stepConcurrency !== undefined && {
            analysis: { stepConcurrency: options.stepConcurrency },
          }),
        }),
      },
      { stdout: 'ignore' },
    );
    const loadBefore = await loadAverage();
    log(
      `capacity${options.quick ? ' (quick)' : ''}: ${verifications} verifications × ${KHI_COUNT} KHIs, interval ${intervalSeconds} s, ` +
        `${measuredIntervals} measured intervals; ${cpus().length} cores; load average ${loadBefore}`,
    );

    const idle = await observeWindow(daemon, idleSeconds);
    log(
      `  idle ${idleSeconds} s: CPU ${pct(idle.cpuShareOfOneCore)} of a core, RSS ${mib(idle.steadyRssBytes)}`,
    );

    const postStarted = performance.now();
    await postMarkers(daemon.url, verifications, intervalSeconds);
    const postSeconds = (performance.now() - postStarted) / 1000;
    log(`  posted ${verifications} markers in ${postSeconds.toFixed(1)} s`);

    // Markers start staggered over the last interval, so steps are already due at a steady rate.
    await sleep(QUERY_DELAY_SECONDS * 1000);
    const daemonBefore = await scrape(`${daemon.url}/metrics`, TOKEN);
    const prometheusBefore = await scrape(`${prometheus.url}/metrics`);
    const neighbourPids = {
      prometheus: await pidWithArgument(`--web.listen-address=127.0.0.1:${new URL(prometheus.url).port}`),
      redis: await pidWithArgument(String(redis.port), 'redis-server'),
      shopsAndLoad: process.pid,
    };
    const neighboursBefore = await cpuOfEach(neighbourPids);
    const neighboursStarted = performance.now();
    const windowSeconds = intervalSeconds * measuredIntervals;
    // Kept after the run (printed below) for a closer look, e.g. in Chrome DevTools.
    const profileFile = join(await mkdtemp(join(tmpdir(), 'vigil-bench-profile-')), 'capacity.cpuprofile');
    if (options.profile === true) await daemon.request('profile-start', answerWith('profiling'));
    const loaded = await observeWindow(daemon, windowSeconds, (elapsed, figures) =>
      log(
        `  ${elapsed} s: CPU so far ${pct(figures.cpuShareOfOneCore)} of a core, RSS ${mib(figures.rssBytes)}`,
      ),
    );
    const daemonAfter = await scrape(`${daemon.url}/metrics`, TOKEN);
    if (options.profile === true) await daemon.request({ profileStop: profileFile }, answerWith('profiled'));
    const profile = options.profile === true ? await summariseCpuProfile(profileFile) : undefined;
    if (profile !== undefined) log(`  profile: ${profileFile}`);
    const prometheusAfter = await scrape(`${prometheus.url}/metrics`);
    const neighboursAfter = await cpuOfEach(neighbourPids);
    const neighboursSeconds = (performance.now() - neighboursStarted) / 1000;
    const neighbourShare = (key: keyof typeof neighbourPids) =>
      (neighboursAfter[key] - neighboursBefore[key]) / neighboursSeconds;
    const { peakRssBytes } = await daemon.memory();
    const loadAfter = await loadAverage();
    const judgeStateBytes = await judgeStateSizes(redis.url, verifications);

    const buckets = bucketDeltas(daemonBefore, daemonAfter, 'vigil_step_duration_seconds');
    const steps = delta(daemonBefore, daemonAfter, 'vigil_step_duration_seconds_count');
    const queries = (['/api/v1/query', '/api/v1/query_range'] as const).reduce(
      (sum, handler) =>
        sum + delta(prometheusBefore, prometheusAfter, 'prometheus_http_requests_total', { handler }),
      0,
    );
    const states = Object.fromEntries(
      daemonAfter
        .filter((s) => s.name === 'vigil_verifications')
        .map((s) => [s.labels['state'] ?? '?', s.value]),
    );
    const result: CapacityResult = {
      quick: options.quick,
      verifications,
      khis: KHI_COUNT,
      intervalSeconds,
      measuredIntervals,
      idle,
      loaded,
      peakRssBytes,
      postSeconds,
      steps,
      expectedSteps: Math.round((verifications * windowSeconds) / intervalSeconds),
      cpuMsPerStep: ((loaded.cpuShareOfOneCore * loaded.windowSeconds) / Math.max(steps, 1)) * 1000,
      projectedCpuShareOfOneCore:
        (loaded.cpuShareOfOneCore * verifications * windowSeconds) / intervalSeconds / Math.max(steps, 1),
      stepP50Seconds: histogramQuantile(0.5, buckets),
      stepP99Seconds: histogramQuantile(0.99, buckets),
      stepMeanSeconds:
        delta(daemonBefore, daemonAfter, 'vigil_step_duration_seconds_sum') / Math.max(steps, 1),
      backendQueries: queries,
      backendErrors: delta(daemonBefore, daemonAfter, 'vigil_backend_errors_total'),
      states,
      judgeStateBytes,
      neighbours: {
        prometheus: neighbourShare('prometheus'),
        redis: neighbourShare('redis'),
        shopsAndLoad: neighbourShare('shopsAndLoad'),
      },
      stepConcurrency: options.stepConcurrency ?? 'default',
      loadAverage: { before: loadBefore, after: loadAfter },
      meetsTargets: { cpu: loaded.cpuShareOfOneCore < 0.5, rss: peakRssBytes < 300e6 },
      ...(profile !== undefined && { profile }),
    };
    log(
      `  steps ${steps} of ${result.expectedSteps} scheduled, ${queries} Prometheus queries (${QUERIES_PER_STEP} per step expected)`,
    );
    return result;
  } finally {
    load.abort();
    await daemon?.stop();
    await loadDone;
    await prometheus?.dispose();
    await Promise.all(shops.map((s) => s.stop()));
    await redis?.stop();
    await rm(rulesDir, { recursive: true, force: true });
  }
}

/** Samples the process every second for `seconds`; CPU share over the whole window. */
async function observeWindow(
  server: ChildServer,
  seconds: number,
  progress?: (elapsedSeconds: number, figures: { cpuShareOfOneCore: number; rssBytes: number }) => void,
): Promise<ProcessFigures> {
  const cpuStart = await server.cpuSeconds();
  const started = performance.now();
  const rss: number[] = [];
  for (let second = 1; second <= seconds; second += 1) {
    await sleep(Math.max(0, started + second * 1000 - performance.now()));
    const { rssBytes } = await server.memory();
    rss.push(rssBytes);
    if (progress !== undefined && second % 10 === 0) {
      const cpu = (await server.cpuSeconds()) - cpuStart;
      progress(second, { cpuShareOfOneCore: cpu / ((performance.now() - started) / 1000), rssBytes });
    }
  }
  const cpuSeconds = (await server.cpuSeconds()) - cpuStart;
  const windowSeconds = (performance.now() - started) / 1000;
  const sorted = [...rss].sort((a, b) => a - b);
  return {
    windowSeconds,
    cpuShareOfOneCore: cpuSeconds / windowSeconds,
    steadyRssBytes: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    windowPeakRssBytes: sorted.at(-1) ?? NaN,
  };
}

/** Posts `count` markers, `startedAt` spread evenly over the last interval so steps are staggered. */
async function postMarkers(url: string, count: number, intervalSeconds: number): Promise<void> {
  const now = Date.now();
  let next = 0;
  const post = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const startedAt = new Date(
        now - Math.floor(((i + 0.5) / count) * intervalSeconds * 1000),
      ).toISOString();
      const response = await fetch(`${url}/v1/deployments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `capacity-${i}`,
          service: 'demo-shop',
          environment: 'bench',
          version: 'v2',
          baselineVersion: 'v1',
          strategy: 'canary',
          ruleSet: 'bench-shop',
          startedAt,
          canary: { labels: { version: 'v2' } },
          baseline: { labels: { version: 'v1' } },
        }),
      });
      if (response.status !== 201)
        throw new Error(`POST /v1/deployments answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: POST_CONCURRENCY }, post));
}

/** Mean and largest length of the verifications' judge-state values in Redis. */
async function judgeStateSizes(redisUrl: string, count: number): Promise<{ mean: number; max: number }> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const pipeline = connection.pipeline();
    for (let i = 0; i < count; i += 1) pipeline.strlen(`${KEY_PREFIX}judge-state:capacity-${i}`);
    const lengths = ((await pipeline.exec()) ?? []).map(([, length]) => Number(length));
    return {
      mean: lengths.reduce((sum, n) => sum + n, 0) / Math.max(lengths.length, 1),
      max: Math.max(0, ...lengths),
    };
  } finally {
    connection.disconnect();
  }
}

/** The pid of a process we started whose command line has `argument` (and `command`); 0 when none. */
async function pidWithArgument(argument: string, command = ''): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = await readFile(`/proc/${entry}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      () => [],
    );
    if (args.some((a) => a === argument || a.endsWith(`:${argument}`)) && args.join(' ').includes(command))
      return Number(entry);
  }
  return 0;
}

/** CPU seconds (user + system) of each pid; NaN for a pid that cannot be read. */
async function cpuOfEach<K extends string>(pids: Readonly<Record<K, number>>): Promise<Record<K, number>> {
  const entries = await Promise.all(
    Object.entries<number>(pids).map(async ([key, pid]) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [key, (Number(fields[11]) + Number(fields[12])) / 100] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<K, number>;
}

async function scrape(url: string, token?: string): Promise<Sample[]> {
  const response = await fetch(
    url,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return parseExposition(await response.text());
}

function delta(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return sumOf(after, name, labels) - sumOf(before, name, labels);
}

async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** Markdown for docs/benchmarks.md. */
export function renderCapacity(result: CapacityResult): string {
  const ms = (seconds: number) => (Number.isNaN(seconds) ? 'n/a' : `${(seconds * 1000).toFixed(0)} ms`);
  return [
    `${result.verifications} verifications × ${result.khis} KHIs, interval ${result.intervalSeconds} s, ` +
      `${result.measuredIntervals} intervals measured (${result.loaded.windowSeconds.toFixed(0)} s)${result.quick ? ' — **quick mode, not the target configuration**' : ''}`,
    '',
    '| daemon process | CPU (one core = 100%) | RSS steady (median) | RSS peak in window |',
    '| --- | ---: | ---: | ---: |',
    `| idle, no verifications (${result.idle.windowSeconds.toFixed(0)} s) | ${pct(result.idle.cpuShareOfOneCore)} | ${mib(result.idle.steadyRssBytes)} | ${mib(result.idle.windowPeakRssBytes)} |`,
    `| ${result.verifications} verifications | ${pct(result.loaded.cpuShareOfOneCore)} | ${mib(result.loaded.steadyRssBytes)} | ${mib(result.loaded.windowPeakRssBytes)} |`,
    '',
    `Peak RSS over the whole run (VmHWM, start-up and posting included): ${mib(result.peakRssBytes)} = ` +
      `${(result.peakRssBytes / 1e6).toFixed(0)} MB. Targets: CPU < 50% (${result.meetsTargets.cpu ? 'met' : 'missed'}), ` +
      `RSS < 300 MB = 286 MiB (${result.meetsTargets.rss ? 'met' : 'missed'}).`,
    '',
    `Steps judged in the window: ${result.steps} of ${result.expectedSteps} scheduled; daemon CPU ${result.cpuMsPerStep.toFixed(1)} ms per step, ` +
      `so ${pct(result.projectedCpuShareOfOneCore)} of a core to judge every scheduled step. Step duration p50 ${ms(result.stepP50Seconds)}, ` +
      `p99 ${ms(result.stepP99Seconds)} (interpolated in vigil_step_duration_seconds buckets), mean ${ms(result.stepMeanSeconds)}. ` +
      `Prometheus queries: ${result.backendQueries} (${(result.backendQueries / Math.max(result.steps, 1)).toFixed(1)} per step; ${QUERIES_PER_STEP} expected), ` +
      `backend errors ${result.backendErrors}. Verifications by state at the end: ${Object.entries(
        result.states,
      )
        .filter(([, n]) => n > 0)
        .map(([state, n]) => `${state} ${n}`)
        .join(
          ', ',
        )}. Beside it in the window (one core = 100%): Prometheus ${pct(result.neighbours.prometheus)}, ` +
      `Redis ${pct(result.neighbours.redis)}, demo shops + load generator ${pct(result.neighbours.shopsAndLoad)}. ` +
      `Judge state per verification at the end: mean ${kib(result.judgeStateBytes.mean)}, largest ${kib(result.judgeStateBytes.max)}. ` +
      `Step concurrency: ${result.stepConcurrency}. Markers posted in ${result.postSeconds.toFixed(1)} s. Load average before/after: ${result.loadAverage.before} / ${result.loadAverage.after}.`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      verifications: { type: 'string' },
      interval: { type: 'string' },
      intervals: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'step-concurrency': { type: 'string' },
    },
  });
  const result = await runCapacity({
    quick: values.quick === true,
    profile: values.profile === true,
    ...(values['step-concurrency'] !== undefined && { stepConcurrency: Number(values['step-concurrency']) }),
    ...(values.verifications !== undefined && { verifications: Number(values.verifications) }),
    ...(values.interval !== undefined && { intervalSeconds: Number(values.interval) }),
    ...(values.intervals !== undefined && { measuredIntervals: Number(values.intervals) }),
  });
  console.log(renderCapacity(result));
  if (result.profile !== undefined) console.log(`\n${result.profile.markdown}`);
}
