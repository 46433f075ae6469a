/**
 * A real Alertmanager for the integration tests: Debian's /usr/bin/prometheus-alertmanager on a
 * free 127.0.0.1 port, clustering off, a temp config with one webhook receiver (Vigil's
 * `POST /v1/alerts`, bearer token, send_resolved) and fast grouping, a temp storage directory.
 *
 *   const alertmanager = await startAlertmanager({ webhookUrl: `${vigil}/v1/alerts`, bearerToken });
 *   await startPrometheus({ scrapeTargets, ruleFiles, alertmanagerUrl: alertmanager.url });
 *   await alertmanager.dispose();   // afterAll: stop and remove the temp directory
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitUntilReady } from './wait-until-ready.js';

export const ALERTMANAGER_BINARY =
  process.env['VIGIL_TEST_ALERTMANAGER'] ?? '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerServerOptions {
  /** Where the webhook receiver posts, e.g. `http://127.0.0.1:8080/v1/alerts`. */
  readonly webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` (http_config.authorization). */
  readonly bearerToken?: string;
  /** Labels alerts are grouped by (default alertname and service). */
  readonly groupBy?: readonly string[];
  /** group_wait and group_interval, in seconds (default 1). */
  readonly groupSeconds?: number;
  /** How long to wait for /-/ready, in milliseconds (default 30 000). */
  readonly startTimeoutMs?: number;
}

export interface AlertmanagerServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The alerts Alertmanager holds (`/api/v2/alerts`), parsed. */
  alerts(): Promise<unknown>;
  /** Stops Alertmanager and removes its temp directory; safe to call twice. */
  dispose(): Promise<void>;
  /** The last lines Alertmanager logged, for failure messages. */
  logTail(): string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts Alertmanager and resolves once it answers /-/ready. */
export async function startAlertmanager(options: AlertmanagerServerOptions): Promise<AlertmanagerServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  // The file holds the token: readable by this user only.
  await writeFile(configFile, renderConfig(options), { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log: string[] = [];
  const child = spawn(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty: no gossip cluster (no second port, no peers to wait for).
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log = [...log, ...chunk.split('\n').filter((l) => l !== '')].slice(-40);
  });
  child.once('exit', () => running.delete(child));

  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady('Alertmanager', url, child, options.startTimeoutMs ?? 30_000, () => log.join('\n'));
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    url,
    alerts: async () => (await fetch(`${url}/api/v2/alerts`)).json(),
    dispose,
    logTail: () => log.join('\n'),
  };
}

function renderConfig(options: AlertmanagerServerOptions): string {
  const seconds = options.groupSeconds ?? 1;
  const groupBy = options.groupBy ?? ['alertname', 'service'];
  return [
    'route:',
    '  receiver: vigil',
    `  group_by: [${groupBy.map((l) => JSON.stringify(l)).join(', ')}]`,
    `  group_wait: ${seconds}s`,
    `  group_interval: ${seconds}s`,
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: vigil',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(options.webhookUrl)}`,
    '        send_resolved: true',
    ...(options.bearerToken === undefined
      ? []
      : [
          '        http_config:',
          '          authorization:',
          '            type: Bearer',
          `            credentials: ${JSON.stringify(options.bearerToken)}`,
        ]),
    '',
  ].join('\n');
}
