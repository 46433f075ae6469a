/**
 * `vigil probe run <file> --url <url>`: runs one probe once in Chromium and prints each step's
 * time (for writing and debugging probes). `vigil probe check [path]`: compiles and validates a
 * probe file or every probe of a directory.
 * Exit codes of `probe run`: 0 pass, 3 fail (a step failed), 4 error (timeout, blocked host,
 * browser failure, probe misuse), 2 bad input (the probe does not load, a bad URL or option),
 * 1 internal error. `probe check`: 0 all valid, 2 any invalid.
 */
import { writeFile } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { pino, type Logger } from 'pino';
import { checkProbeFiles, listProbeFiles } from '../journeys/load-probe.js';
import type { JourneyOutcome, JourneyResult } from '../journeys/journey-result.js';
import { ProbeError } from '../journeys/probe-error.js';
import { createPlaywrightJourneyRunner } from '../journeys/playwright-journey-runner.js';
import { createMemoryArtifactStore } from '../store/artifacts/memory-artifact-store.js';
import { EXIT } from './exit-codes.js';

export interface ProbeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface ProbeRunOptions {
  readonly url: string;
  /** Write the Playwright trace here (and the failure screenshot beside it). */
  readonly trace?: string;
  readonly chromium: string;
  /** Origins the browser may reach besides `url`'s. */
  readonly allowOrigin: readonly string[];
  readonly format: 'text' | 'json';
  /** Default: errors to stderr (the outcome itself is printed). */
  readonly logger?: Logger;
}

const EXIT_BY_OUTCOME: Readonly<Record<JourneyOutcome, number>> = {
  pass: EXIT.ok,
  fail: EXIT.journeyFailed,
  error: EXIT.journeyError,
};

/** Runs `vigil probe run`; returns the exit code. */
export async function runProbeRunCommand(
  file: string,
  options: ProbeRunOptions,
  io: ProbeIo,
): Promise<number> {
  const problems = [options.url, ...options.allowOrigin]
    .filter((url) => !/^https?:\/\/[^/]/.test(url) || !URL.canParse(url))
    .map((url) => `${JSON.stringify(url)} is not an http(s) URL`);
  if (options.trace !== undefined && !options.trace.endsWith('.zip'))
    problems.push(`--trace ${JSON.stringify(options.trace)} must name a .zip file`);
  if (problems.length > 0) {
    io.err(`vigil probe run: ${problems.join('; ')}`);
    return EXIT.badInput;
  }
  const [check] = await checkProbeFiles([file], { reuseCompiled: true });
  if (check === undefined || !check.ok) {
    io.err(check?.error.message ?? `${file}: no such probe file`);
    return EXIT.badInput;
  }
  const store = createMemoryArtifactStore();
  const runner = createPlaywrightJourneyRunner({
    logger: options.logger ?? pino({ level: 'error' }, pino.destination(2)),
    executablePath: options.chromium,
    concurrency: 1,
    artifactStore: store,
  });
  let result: JourneyResult;
  try {
    result = await runner.run({
      probe: check.probe,
      baseUrl: options.url,
      allowedOrigins: options.allowOrigin,
      ...(options.trace !== undefined && {
        evidence: { verificationId: 'probe-run', pathPrefix: 'journey', policy: 'always' },
      }),
    });
  } finally {
    await runner.close();
  }
  const written: string[] = [];
  if (options.trace !== undefined) {
    for (const ref of result.artifacts) {
      const target = ref.path.endsWith('/trace.zip')
        ? options.trace
        : ref.path.endsWith('/screenshot.png')
          ? options.trace.replace(/\.zip$/, '.png')
          : undefined;
      if (target === undefined) continue;
      await writeFile(target, await store.read('probe-run', ref.path));
      written.push(target);
    }
  }
  if (options.format === 'json') io.out(JSON.stringify({ ...result, artifacts: written }, null, 2));
  else io.out(renderJourneyText(result, check.probe.file, written));
  return EXIT_BY_OUTCOME[result.outcome];
}

/** The result as a person reads it: one line per step, then the outcome and its reason. */
export function renderJourneyText(result: JourneyResult, file: string, written: readonly string[]): string {
  const width = Math.max(...result.steps.map((step) => step.name.length));
  const lines = [`probe ${result.probe} (${file}) against ${result.baseUrl}`];
  for (const step of result.steps) {
    const mark = { passed: 'ok  ', failed: 'FAIL', skipped: '--  ', 'timed-out': 'TIME' }[step.status];
    const time =
      step.durationMs === undefined
        ? step.status.padStart(9)
        : `${Math.round(step.durationMs)} ms`.padStart(9);
    lines.push(
      `  ${mark} ${step.name.padEnd(width)} ${time}${step.error === undefined ? '' : `  ${step.error}`}`,
    );
  }
  lines.push(`${result.outcome}: ${result.reason}`);
  for (const error of result.consoleErrors.slice(0, 5)) lines.push(`  page: ${error}`);
  for (const request of result.failedRequests.slice(0, 5))
    lines.push(`  request: ${request.method} ${request.url} ${request.failure}`);
  for (const path of written)
    lines.push(
      path.endsWith('.zip')
        ? `trace: ${path} (open with: npx playwright show-trace ${path})`
        : `screenshot: ${path}`,
    );
  return lines.join('\n');
}

/** Runs `vigil probe check`; returns the exit code. */
export async function runProbeCheckCommand(path: string, io: ProbeIo): Promise<number> {
  let files: string[];
  try {
    files = (await stat(path)).isDirectory() ? await listProbeFiles(path) : [path];
  } catch (cause) {
    io.err(`vigil probe check: ${path}: cannot be read: ${(cause as Error).message}`);
    return EXIT.badInput;
  }
  if (files.length === 0) {
    io.err(`vigil probe check: ${path}: no probe files (*.ts, *.js)`);
    return EXIT.badInput;
  }
  let exitCode: number = EXIT.ok;
  const names = new Map<string, string>();
  for (const check of await checkProbeFiles(files)) {
    if (!check.ok) {
      io.err(check.error.message);
      exitCode = EXIT.badInput;
      continue;
    }
    const { probe } = check;
    const duplicate = names.get(probe.name);
    if (duplicate !== undefined) {
      io.err(
        new ProbeError(
          'INVALID_PROBE',
          check.file,
          `${check.file}: probe name ${JSON.stringify(probe.name)} is already used by ${duplicate}`,
        ).message,
      );
      exitCode = EXIT.badInput;
      continue;
    }
    names.set(probe.name, check.file);
    io.out(
      `ok   ${check.file}: probe ${probe.name}, ${probe.steps.length} step(s) (${probe.steps.join(', ')}), timeout ${probe.timeoutMs} ms`,
    );
  }
  return exitCode;
}
