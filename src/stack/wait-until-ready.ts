/** Waits for a Prometheus-family server's `/-/ready`, failing fast if its process exits. */
import type { ChildProcess } from 'node:child_process';

/** Resolves once `${url}/-/ready` answers 2xx; kills the child and throws after `timeoutMs`. */
export async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logTail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before ready:\n${logTail()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} at ${url} not ready after ${timeoutMs} ms:\n${logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
