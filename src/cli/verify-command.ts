/**
 * `vigil verify`: post a deployment marker (or follow an existing deployment) and wait for the
 * verdict, showing progress per interval — a bar on a terminal, plain lines in CI logs. Exit codes:
 * 0 promote, 3 rollback, 4 inconclusive (also aborted, or no verdict before --timeout-seconds),
 * 2 bad input (including refused markers and auth), 1 error (e.g. Vigil unreachable).
 */
import { ClientError, type DeploymentAnswer, type VerdictAnswer, type VigilClient } from './vigil-client.js';
import { EXIT } from './exit-codes.js';

export interface VerifyOptions {
  readonly deployment?: string;
  readonly id?: string;
  readonly service?: string;
  readonly environment: string;
  readonly version?: string;
  readonly baselineVersion?: string;
  readonly ruleSet?: string;
  readonly strategy: string;
  readonly canaryLabel: readonly string[];
  readonly baselineLabel: readonly string[];
  readonly canaryUrl?: string;
  readonly baselineUrl?: string;
  readonly commit?: string;
  readonly wait: boolean;
  readonly timeoutSeconds: number;
}

export interface VerifyIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Redraws one status line (terminal) — undefined in CI logs. */
  readonly redraw?: (text: string) => void;
  readonly now: () => number;
}

/** Runs `vigil verify`; returns the exit code. */
export async function runVerifyCommand(
  options: VerifyOptions,
  client: VigilClient,
  io: VerifyIo,
): Promise<number> {
  try {
    let id = options.deployment;
    if (id === undefined) {
      const marker = buildMarker(options);
      if ('error' in marker) {
        io.err(`vigil verify: ${marker.error}`);
        return EXIT.badInput;
      }
      const posted = await client.postMarker(marker.value);
      id = posted.id;
      io.out(
        `deployment ${id}: ${posted.created ? 'marker accepted' : 'marker already known (idempotent retry)'}`,
      );
      if (!options.wait) return EXIT.ok;
    }
    return await follow(id, options.timeoutSeconds, client, io);
  } catch (error) {
    if (error instanceof ClientError) {
      io.err(`vigil verify: ${error.message}`);
      return error.status !== undefined && error.status >= 400 && error.status < 500
        ? EXIT.badInput
        : EXIT.internalError;
    }
    throw error;
  }
}

async function follow(
  id: string,
  timeoutSeconds: number,
  client: VigilClient,
  io: VerifyIo,
): Promise<number> {
  const deadline = io.now() + timeoutSeconds * 1000;
  let shownInterval = -1;
  for (;;) {
    const remaining = Math.ceil((deadline - io.now()) / 1000);
    if (remaining <= 0) {
      io.out(`deployment ${id}: no verdict within ${timeoutSeconds}s; treat as inconclusive`);
      return EXIT.inconclusive;
    }
    const verdict = await client.waitForVerdict(id, Math.min(10, remaining));
    const deployment = await client.getDeployment(id);
    const interval = deployment.intervalsJudged ?? 0;
    if (interval !== shownInterval) {
      shownInterval = interval;
      showProgress(id, deployment, verdict, io);
    }
    if (!['pending', 'analyzing'].includes(verdict.status)) {
      io.redraw?.('');
      printVerdict(id, verdict, io);
      return exitCodeOf(verdict.status);
    }
  }
}

function showProgress(id: string, deployment: DeploymentAnswer, verdict: VerdictAnswer, io: VerifyIo): void {
  const done = deployment.intervalsJudged ?? 0;
  const total = deployment.plan?.maxIntervals;
  const score = verdict.score === null ? '-' : String(verdict.score);
  if (io.redraw !== undefined && total !== undefined) {
    const width = 20;
    const filled = Math.round((Math.min(done, total) / total) * width);
    io.redraw(
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] interval ${done}/${total} · score ${score} · ${verdict.status}`,
    );
    return;
  }
  io.out(
    `deployment ${id}: interval ${done}${total !== undefined ? `/${total}` : ''}, score ${score}, ${verdict.status}${verdict.reasons[0] ? ` — ${verdict.reasons[0]}` : ''}`,
  );
}

function printVerdict(id: string, verdict: VerdictAnswer, io: VerifyIo): void {
  io.out(
    `deployment ${id}: ${verdict.status.toUpperCase()} after interval ${verdict.decidedAtInterval ?? '-'}, score ${verdict.score ?? 'n/a'}`,
  );
  for (const reason of verdict.reasons) io.out(`  why: ${reason}`);
  for (const khi of verdict.khis)
    io.out(
      `  ${khi.name.padEnd(16)} ${`${khi.classification}${khi.critical ? '*' : ''}`.padEnd(14)} ${khi.reason}`,
    );
}

function exitCodeOf(status: string): number {
  if (status === 'promote') return EXIT.promote;
  if (status === 'rollback') return EXIT.rollback;
  return EXIT.inconclusive;
}

function buildMarker(options: VerifyOptions): { value: Record<string, unknown> } | { error: string } {
  const missing = (['service', 'version', 'ruleSet'] as const).filter((key) => options[key] === undefined);
  if (missing.length > 0) {
    return {
      error: `missing ${missing.map((k) => `--${k === 'ruleSet' ? 'rule-set' : k}`).join(', ')} (or use --deployment ID to follow one)`,
    };
  }
  const canary = parseLabels(options.canaryLabel, '--canary-label');
  const baseline = parseLabels(options.baselineLabel, '--baseline-label');
  if ('error' in canary) return canary;
  if ('error' in baseline) return baseline;
  const canaryLabels =
    Object.keys(canary.labels).length > 0 ? canary.labels : { version: options.version as string };
  let baselineLabels = baseline.labels;
  if (Object.keys(baselineLabels).length === 0) {
    if (options.baselineVersion === undefined)
      return { error: 'give --baseline-label k=v or --baseline-version' };
    baselineLabels = { version: options.baselineVersion };
  }
  return {
    value: {
      ...(options.id !== undefined && { id: options.id }),
      service: options.service,
      environment: options.environment,
      version: options.version,
      ...(options.baselineVersion !== undefined && { baselineVersion: options.baselineVersion }),
      strategy: options.strategy,
      ruleSet: options.ruleSet,
      canary: { labels: canaryLabels, ...(options.canaryUrl !== undefined && { url: options.canaryUrl }) },
      baseline: {
        labels: baselineLabels,
        ...(options.baselineUrl !== undefined && { url: options.baselineUrl }),
      },
      ...(options.commit !== undefined && { commit: options.commit }),
    },
  };
}

function parseLabels(
  pairs: readonly string[],
  flag: string,
): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) return { error: `${flag} ${pair}: expected name=value` };
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { labels };
}

/** Prints the current state of a deployment (`vigil status ID`). */
export async function runStatusCommand(id: string, client: VigilClient, io: VerifyIo): Promise<number> {
  try {
    const deployment = await client.getDeployment(id);
    const verdict = await client.waitForVerdict(id, 0);
    showProgress(id, deployment, verdict, { ...io, redraw: undefined });
    if (!['pending', 'analyzing'].includes(verdict.status)) printVerdict(id, verdict, io);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ClientError) {
      io.err(`vigil status: ${error.message}`);
      return error.status !== undefined && error.status < 500 ? EXIT.badInput : EXIT.internalError;
    }
    throw error;
  }
}
