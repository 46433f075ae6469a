/**
 * The journey runner on Playwright and Debian's Chromium: one browser per process, reused; a
 * fresh context per journey (no shared cookies or storage); at most `concurrency` journeys at a
 * time; a hard timeout per journey that closes its context (and with it a hung page); the browser
 * started again when it crashes. What the probe, the page or the browser does wrong becomes the
 * result's `fail` or `error`, never a rejected promise.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright';
import type { Logger } from 'pino';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.js';
import { checkRelativePath, checkVerificationId } from '../store/artifacts/artifact-store.js';
import { allowedHostsFor } from './allowed-hosts.js';
import { guardBrowserTraffic } from './browser-traffic-guard.js';
import { createChromiumLauncher, type ChromiumLauncher } from './chromium-launcher.js';
import { createConcurrencyLimit } from './concurrency-limit.js';
import { storeJourneyEvidence } from './journey-evidence.js';
import { decideJourneyOutcome } from './journey-outcome.js';
import { unrunJourneyResult, type JourneyResult } from './journey-result.js';
import type { JourneyRequest, JourneyRunner } from './journey-runner.js';
import { watchJourney } from './journey-watch.js';
import { checkRunnerSettings } from './playwright-runner-settings.js';
import { createStepRecorder, describeError } from './step-recorder.js';
import { bounded, settleWithin } from './time-limits.js';

export interface PlaywrightJourneyRunnerOptions {
  readonly logger: Logger;
  readonly executablePath?: string;
  readonly concurrency?: number;
  readonly passingEvidenceRate?: number;
  readonly evidenceTimeoutMs?: number;
  readonly launchTimeoutMs?: number;
  /** Where evidence goes; without one no evidence is taken (no tracing, no screenshots). */
  readonly artifactStore?: ArtifactStore;
  /** Uniform in [0, 1), for sampling passing journeys' evidence. */
  readonly random?: () => number;
  /** Wall clock in milliseconds, for `startedAt`. */
  readonly now?: () => number;
}

export interface PlaywrightJourneyRunner extends JourneyRunner {
  /** Chromium processes started so far (1 while the first keeps running). */
  readonly browserLaunches: number;
  /** Journeys running now and waiting for a slot. */
  readonly load: { readonly active: number; readonly waiting: number };
}

/** Creates the runner; Chromium starts with the first journey. Throws TypeError on bad options. */
export function createPlaywrightJourneyRunner(
  options: PlaywrightJourneyRunnerOptions,
): PlaywrightJourneyRunner {
  const settings = checkRunnerSettings({
    executablePath: options.executablePath,
    concurrency: options.concurrency,
    passingEvidenceRate: options.passingEvidenceRate,
    evidenceTimeoutMs: options.evidenceTimeoutMs,
    launchTimeoutMs: options.launchTimeoutMs,
  });
  const logger = options.logger.child({ source: 'journeys' });
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const launcher = createChromiumLauncher({
    executablePath: settings.executablePath,
    launchTimeoutMs: settings.launchTimeoutMs,
    closeTimeoutMs: settings.evidenceTimeoutMs,
    logger,
  });
  const limit = createConcurrencyLimit(settings.concurrency);
  let traceDir: Promise<string> | undefined;
  const journey = { launcher, logger, random, now, settings, store: options.artifactStore };
  return {
    async run(request) {
      const checked = checkRequest(request);
      return limit.run(() =>
        runJourney(checked, {
          ...journey,
          traceDir: () => (traceDir ??= mkdtemp(join(tmpdir(), 'vigil-traces-'))),
        }),
      );
    },
    get browserLaunches() {
      return launcher.launches;
    },
    get load() {
      return { active: limit.active, waiting: limit.waiting };
    },
    async close() {
      await launcher.close();
      if (traceDir !== undefined) await rm(await traceDir, { recursive: true, force: true });
    },
  };
}

interface JourneyDeps {
  readonly launcher: ChromiumLauncher;
  readonly logger: Logger;
  readonly random: () => number;
  readonly now: () => number;
  readonly settings: Readonly<{ passingEvidenceRate: number; evidenceTimeoutMs: number }>;
  readonly store: ArtifactStore | undefined;
  readonly traceDir: () => Promise<string>;
}

async function runJourney(request: CheckedRequest, deps: JourneyDeps): Promise<JourneyResult> {
  const { probe, baseUrl, allowedHosts } = request;
  const log = deps.logger.child({ probe: probe.name, baseUrl });
  const startedAt = new Date(deps.now()).toISOString();
  const evidence = deps.store !== undefined ? request.evidence : undefined;
  const blocked = new Set<string>();
  const base = {
    probe: probe.name,
    ...('sha256' in probe && typeof probe.sha256 === 'string' && { probeSha256: probe.sha256 }),
    baseUrl,
    startedAt,
  };
  let browser: Browser;
  let context: BrowserContext;
  try {
    ({ browser, context } = await openContext(deps.launcher));
  } catch (error) {
    log.error({ err: error }, 'journey could not start chromium');
    return {
      ...unrunJourneyResult(
        probe,
        baseUrl,
        `Chromium could not be started or give a context: ${describeError(error)}`,
        startedAt,
      ),
      ...base,
    };
  }
  // The journey's clock starts with its context: a browser (re)start is not the probe's time.
  const started = performance.now();
  let disconnected = false;
  const onDisconnect = (): void => {
    disconnected = true;
  };
  browser.on('disconnected', onDisconnect);
  let traceFile: string | undefined;
  try {
    // Playwright's own waits end well before the journey's timeout, so a page that never shows
    // what a step waits for fails that step (the application's fault) instead of timing out.
    const actionTimeoutMs = Math.max(500, Math.floor(probe.timeoutMs / 2));
    context.setDefaultTimeout(actionTimeoutMs);
    context.setDefaultNavigationTimeout(actionTimeoutMs);
    await guardBrowserTraffic(context, allowedHosts, (host) => blocked.add(host));
    const watch = watchJourney(context);
    if (evidence !== undefined) await context.tracing.start({ screenshots: true, snapshots: true });
    const page = await context.newPage();
    let screenshot: Uint8Array | undefined;
    const takeScreenshot = async (): Promise<void> => {
      screenshot ??= await bounded(page.screenshot(), deps.settings.evidenceTimeoutMs);
    };
    const recorder = createStepRecorder(probe.steps, {
      clock: () => performance.now(),
      ...(evidence !== undefined && { onFirstFailure: takeScreenshot }),
    });
    const settlement = await settleWithin(
      () => probe.run({ page, baseUrl, step: recorder.step }),
      probe.timeoutMs - (performance.now() - started),
    );
    const durationMs = Math.round(performance.now() - started);
    const steps = recorder.results();
    const verdict = decideJourneyOutcome({
      settlement,
      timeoutMs: probe.timeoutMs,
      steps,
      runningStep: recorder.running,
      firstFailure: recorder.firstFailure,
      stepMisuse: recorder.misuse,
      blockedHosts: [...blocked],
      allowedHosts: [...allowedHosts],
      browserDisconnected: disconnected || !browser.isConnected(),
      consoleErrors: watch.consoleErrors,
      durationMs,
    });
    const result = {
      ...base,
      ...verdict,
      durationMs,
      steps,
      consoleErrors: [...watch.consoleErrors],
      failedRequests: [...watch.failedRequests],
      blockedHosts: [...blocked],
    };
    let artifacts: ArtifactRef[] = [];
    if (evidence !== undefined && deps.store !== undefined && browser.isConnected()) {
      const keep =
        verdict.outcome !== 'pass' ||
        evidence.policy === 'always' ||
        (evidence.policy !== 'failures' && deps.random() < deps.settings.passingEvidenceRate);
      if (keep) {
        if (verdict.outcome !== 'pass') await takeScreenshot();
        traceFile = join(await deps.traceDir(), `${randomUUID()}.zip`);
        const traced = await bounded(
          context.tracing.stop({ path: traceFile }).then(() => true),
          deps.settings.evidenceTimeoutMs,
        );
        artifacts = await storeJourneyEvidence(deps.store, evidence.verificationId, evidence.pathPrefix, {
          ...(traced !== undefined && { traceFile }),
          ...(screenshot !== undefined && { screenshot }),
          result,
        });
      } else await bounded(context.tracing.stop(), deps.settings.evidenceTimeoutMs);
    }
    const logLevel = verdict.outcome === 'error' ? 'warn' : 'info';
    log[logLevel](
      { outcome: verdict.outcome, reason: verdict.reason, durationMs, artifacts: artifacts.length },
      'journey finished',
    );
    return { ...result, artifacts };
  } catch (error) {
    // Only the browser or the artifact store get here: the probe's own errors are settled above.
    const reason = disconnected
      ? 'Chromium disconnected during the journey (crashed or was killed); a new one is started for the next journey'
      : `the journey's browser or evidence failed: ${describeError(error)}`;
    log.warn({ err: error }, 'journey failed in the runner');
    return {
      ...unrunJourneyResult(probe, baseUrl, reason, startedAt),
      ...base,
      durationMs: Math.round(performance.now() - started),
      blockedHosts: [...blocked],
    };
  } finally {
    browser.off('disconnected', onDisconnect);
    if (browser.isConnected()) {
      const closed = await bounded(
        context.close().then(() => true),
        deps.settings.evidenceTimeoutMs,
      );
      // A context that will not close means a wedged browser: start a fresh one next time.
      if (closed === undefined) {
        log.warn('journey context did not close in time; discarding the browser');
        await deps.launcher.discard(browser);
      }
    }
    if (traceFile !== undefined) await rm(traceFile, { force: true });
  }
}

/**
 * A fresh context in the shared browser. A browser that died since its last journey may not have
 * said so yet: then the context cannot be made, and a new browser is started once.
 */
async function openContext(
  launcher: ChromiumLauncher,
): Promise<{ browser: Browser; context: BrowserContext }> {
  for (let attempt = 1; ; attempt += 1) {
    const browser = await launcher.acquire();
    try {
      return {
        browser,
        context: await browser.newContext({ serviceWorkers: 'block', acceptDownloads: false }),
      };
    } catch (error) {
      if (attempt >= 2) throw error;
      await launcher.discard(browser);
    }
  }
}

interface CheckedRequest extends JourneyRequest {
  readonly allowedHosts: ReadonlySet<string>;
}

function checkRequest(request: JourneyRequest): CheckedRequest {
  let url: URL;
  try {
    url = new URL(request.baseUrl);
  } catch (cause) {
    throw new TypeError(`journey request: baseUrl ${JSON.stringify(request.baseUrl)} is not a URL`, {
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`journey request: baseUrl ${JSON.stringify(request.baseUrl)} must be http or https`);
  if (request.evidence !== undefined) {
    checkVerificationId(request.evidence.verificationId);
    checkRelativePath(request.evidence.pathPrefix);
  }
  return {
    ...request,
    baseUrl: request.baseUrl.replace(/\/+$/, ''),
    allowedHosts: allowedHostsFor([request.baseUrl, ...(request.allowedOrigins ?? [])]),
  };
}
