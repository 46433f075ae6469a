/**
 * Forks a benchmark server (daemon-process.js or bare-server-process.js) and reads its CPU time
 * and memory from /proc/<pid>: what the process itself used, not the load generator beside it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): Promise<number>;
  /** Resident set size now and its peak so far, in bytes. */
  memory(): Promise<{ rssBytes: number; peakRssBytes: number }>;
  /** Sends `message` and resolves with the first answer `isAnswer` accepts (30 s timeout). */
  request(message: unknown, isAnswer: (answer: unknown) => boolean): Promise<unknown>;
  /** Asks the process to stop (SIGKILL after `timeoutMs`); resolves when it exited. */
  stop(timeoutMs?: number): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS_PER_SECOND = 100;

/** Forks `entry` (a URL of a compiled .js file) with extra environment, node flags and where its stdout goes. */
export async function forkServer(
  entry: URL,
  environment: Readonly<Record<string, string>>,
  options: { readonly execArgv?: readonly string[]; readonly stdout?: 'inherit' | 'ignore' } = {},
): Promise<ChildServer> {
  const child = fork(entry, [], {
    env: { ...process.env, ...environment },
    execArgv: [...(options.execArgv ?? [])],
    // 'ignore' is /dev/null: the process still formats and writes every log line, as it would to a log collector.
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForUrl(child, exited);
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    cpuSeconds: async () => {
      // /proc/<pid>/stat: fields after the command name; utime and stime are fields 14 and 15.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
    memory: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssBytes: kib('VmRSS') * 1024, peakRssBytes: kib('VmHWM') * 1024 };
    },
    request: (message, isAnswer) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`benchmark server ${pid} did not answer ${JSON.stringify(message)}`));
        }, 30_000);
        const onMessage = (answer: unknown) => {
          if (!isAnswer(answer)) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(answer);
        };
        child.on('message', onMessage);
        child.send(message as string);
      }),
    stop: async (timeoutMs = 30_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Accepts IPC answers that are objects with `key` (for `ChildServer.request`). */
export function answerWith(key: string): (answer: unknown) => boolean {
  return (answer) => typeof answer === 'object' && answer !== null && key in answer;
}

function waitForUrl(child: ChildProcess, exited: Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `benchmark server ${child.pid ?? '?'} did not report its URL within ${START_TIMEOUT_MS} ms`,
        ),
      );
    }, START_TIMEOUT_MS);
    child.once('message', (message: { url?: string }) => {
      clearTimeout(timer);
      if (typeof message.url === 'string') resolve(message.url);
      else reject(new Error(`benchmark server sent ${JSON.stringify(message)} instead of its URL`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        new Error(
          `benchmark server exited before reporting its URL (code ${child.exitCode ?? child.signalCode ?? '?'})`,
        ),
      );
    });
  });
}
