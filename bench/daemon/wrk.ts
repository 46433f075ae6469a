/**
 * Runs `wrk` (https://github.com/wg/wrk) as a child process and parses its report: requests per
 * second, latency percentiles (`--latency`), non-2xx answers and socket errors. A Lua script adds
 * the request headers (wrk's `-H` would work too; the script keeps the token off the command line).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationSeconds: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTP method (GET when absent). */
  readonly method?: string;
  /** Request bodies, read from these files and sent in turn. */
  readonly bodyFiles?: readonly string[];
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly requests: number;
  /** Latency percentile (50, 75, 90, 99) → milliseconds. */
  readonly latencyMs: Readonly<Record<string, number>>;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly output: string;
}

/** Installs wrk with apt-get when it is missing (idempotent); throws when that fails. */
export async function ensureWrk(): Promise<void> {
  const found = await run('sh', ['-c', 'command -v wrk']).then(
    () => true,
    () => false,
  );
  if (found) return;
  await run('sh', ['-c', 'apt-get install -y wrk || (apt-get update && apt-get install -y wrk)'], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Runs one wrk load test against a loopback URL and parses the report. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const { hostname } = new URL(options.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname))
    throw new Error(`runWrk: loopback targets only, got ${options.url}`);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-wrk-'));
  try {
    const script = join(dir, 'headers.lua');
    const lines = Object.entries(options.headers ?? {}).map(
      ([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`,
    );
    if (options.method !== undefined) lines.push(`wrk.method = ${luaString(options.method)}`);
    if (options.bodyFiles !== undefined && options.bodyFiles.length > 0) {
      // Bodies are read once per wrk thread; each request takes the next one.
      lines.push(
        'local bodies = {}',
        `for i, path in ipairs({ ${options.bodyFiles.map(luaString).join(', ')} }) do`,
        '  local file = assert(io.open(path, "rb"))',
        '  bodies[i] = file:read("*a")',
        '  file:close()',
        'end',
        'local next_body = 0',
        'request = function()',
        '  next_body = next_body % #bodies + 1',
        '  return wrk.format(nil, nil, nil, bodies[next_body])',
        'end',
      );
    }
    await writeFile(script, `${lines.join('\n')}\n`);
    const { stdout } = await run(
      'wrk',
      [
        '-c',
        String(options.connections),
        '-t',
        String(options.threads),
        '-d',
        `${options.durationSeconds}s`,
        '--latency',
        '-s',
        script,
        options.url,
      ],
      { timeout: (options.durationSeconds + 30) * 1000 },
    );
    return parseWrkOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parses wrk's text report; throws when the requests/sec line is missing. */
export function parseWrkOutput(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (rps?.[1] === undefined) throw new Error(`wrk report without Requests/sec:\n${output}`);
  const latencyMs: Record<string, number> = {};
  for (const match of output.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$/gm)) {
    const [, percentile, value, unit] = match;
    if (percentile === undefined || value === undefined || unit === undefined) continue;
    latencyMs[percentile] = Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
  }
  const requests = Number(/^\s+(\d+) requests in/m.exec(output)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return { requestsPerSecond: Number(rps[1]), requests, latencyMs, non2xx, socketErrors, output };
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
