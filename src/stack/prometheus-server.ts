/**
 * A real Prometheus for the demo and the integration tests: /usr/bin/prometheus on a free 127.0.0.1 port, a temp
 * config scraping `scrapeTargets` every `scrapeIntervalSeconds`, a temp TSDB directory.
 *
 *   const prometheus = await startPrometheus({ scrapeTargets: ['127.0.0.1:8081'] });
 *   await prometheus.waitForSeries('http_requests_total{track="canary"}');
 *   await prometheus.stop();     // mid-test: Prometheus goes down (data kept)
 *   await prometheus.restart();  // same port, same data
 *   await prometheus.dispose();  // afterAll: stop and remove the temp directory
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitUntilReady } from './wait-until-ready.js';

export const PROMETHEUS_BINARY = process.env['VIGIL_TEST_PROMETHEUS'] ?? '/usr/bin/prometheus';

export interface PrometheusServerOptions {
  /** `host:port` of every target to scrape (job `demo`, path `/metrics`). */
  readonly scrapeTargets: readonly string[];
  readonly scrapeIntervalSeconds?: number;
  /** How long to wait for /-/ready, in milliseconds (default 30 000). */
  readonly startTimeoutMs?: number;
  /** Rule files (paths) evaluated every scrape interval. */
  readonly ruleFiles?: readonly string[];
  /** Where firing alerts go, e.g. `http://127.0.0.1:9093` (an Alertmanager, see alertmanager-server.ts). */
  readonly alertmanagerUrl?: string;
}

export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Kills Prometheus (keeps its data); safe to call twice. */
  stop(): Promise<void>;
  /** Starts Prometheus again on the same port with the same data; waits until ready. */
  restart(): Promise<void>;
  /** Stops Prometheus and removes its temp directory; call in afterAll. */
  dispose(): Promise<void>;
  /** Waits until the instant query `selector` returns at least one series; throws on timeout. */
  waitForSeries(selector: string, timeoutMs?: number): Promise<void>;
  /** Runs an instant query and returns the parsed JSON answer. */
  query(promql: string, timeSeconds?: number): Promise<unknown>;
  /** The last lines Prometheus logged, for failure messages. */
  logTail(): string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts Prometheus and resolves once it answers /-/ready. */
export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const interval = options.scrapeIntervalSeconds ?? 1;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, renderConfig(options, interval));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log: string[] = [];

  const launch = async (): Promise<void> => {
    const process_ = spawn(
      PROMETHEUS_BINARY,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = process_;
    running.add(process_);
    process_.stderr?.setEncoding('utf8');
    process_.stderr?.on('data', (chunk: string) => {
      log = [...log, ...chunk.split('\n').filter((l) => l !== '')].slice(-40);
    });
    process_.once('exit', () => running.delete(process_));
    await waitUntilReady('Prometheus', url, process_, startTimeoutMs, () => log.join('\n'));
  };

  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const query = async (promql: string, timeSeconds?: number): Promise<unknown> => {
    const params = new URLSearchParams({
      query: promql,
      ...(timeSeconds !== undefined && { time: String(timeSeconds) }),
    });
    const response = await fetch(`${url}/api/v1/query?${params.toString()}`);
    return await response.json();
  };

  await launch();
  return {
    url,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    query,
    waitForSeries: async (selector, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = (await query(selector).catch(() => undefined)) as
          { data?: { result?: unknown[] } } | undefined;
        if ((answer?.data?.result?.length ?? 0) > 0) return;
        if (Date.now() > deadline)
          throw new Error(`Prometheus at ${url}: no series for ${selector} after ${timeoutMs} ms`);
        await sleep(200);
      }
    },
    logTail: () => log.join('\n'),
  };
}

function renderConfig(options: PrometheusServerOptions, intervalSeconds: number): string {
  const targets = options.scrapeTargets;
  const alerting =
    options.alertmanagerUrl === undefined
      ? []
      : [
          'alerting:',
          '  alertmanagers:',
          `    - scheme: ${new URL(options.alertmanagerUrl).protocol.replace(':', '')}`,
          '      static_configs:',
          `        - targets: [${JSON.stringify(new URL(options.alertmanagerUrl).host)}]`,
        ];
  const rules =
    options.ruleFiles === undefined || options.ruleFiles.length === 0
      ? []
      : ['rule_files:', ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)];
  return [
    'global:',
    `  scrape_interval: ${intervalSeconds}s`,
    `  scrape_timeout: ${intervalSeconds}s`,
    `  evaluation_interval: ${intervalSeconds}s`,
    ...rules,
    ...alerting,
    'scrape_configs:',
    '  - job_name: demo',
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
