/**
 * The daemon's journey runtime, started when a loaded rule set has journey KHIs (src/main.ts
 * imports this module only then: Playwright and the probe compiler are large).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings-schema.js';
import { createQueuedJourneyDispatch, startJourneyWorker } from '../queue/journey-queue.js';
import { createFilesystemArtifactStore } from '../store/artifacts/filesystem-artifact-store.js';
import type { JourneyDispatch } from '../verification/gather-journeys.js';
import { loadProbeDirectory } from './load-probe.js';
import { createLocalJourneyDispatch } from './local-journey-dispatch.js';
import { createPlaywrightJourneyRunner } from './playwright-journey-runner.js';

/**
 * Journeys, when a loaded rule set has journey KHIs: probes loaded (and type-checked) once, one
 * lazily started Chromium per daemon, runs shared with other daemons through the journey queue.
 */
export async function startJourneys(
  settings: Settings,
  redisOptions: RedisOptions,
  prefix: string,
  logger: Logger,
): Promise<{ dispatch: JourneyDispatch; close: () => Promise<void> }> {
  const options = settings.journeys;
  const catalog = await loadProbeDirectory(options.probesDir, { reuseCompiled: true });
  for (const problem of catalog.problems) logger.error({ err: problem }, 'probe cannot be used');
  logger.info({ probes: [...catalog.probes.keys()], probesDir: options.probesDir }, 'probes loaded');
  const runner = createPlaywrightJourneyRunner({
    logger,
    executablePath: options.chromiumPath,
    concurrency: options.concurrency,
    passingEvidenceRate: options.passingEvidenceRate,
    artifactStore: createFilesystemArtifactStore(settings.artifactsDir, {
      maxFileBytes: settings.artifacts.maxFileBytes,
    }),
  });
  const connection = new Redis(settings.redisUrl, redisOptions);
  const worker = startJourneyWorker({
    connection,
    prefix,
    concurrency: options.concurrency,
    logger,
    local: createLocalJourneyDispatch(runner, () => catalog),
  });
  const dispatchConnection = new Redis(settings.redisUrl, redisOptions);
  const dispatch = createQueuedJourneyDispatch({
    connection: dispatchConnection,
    prefix,
    runTimeoutMs: options.runTimeoutMs,
  });
  return {
    dispatch,
    close: async () => {
      await worker.close();
      await dispatch.close();
      await runner.close();
      connection.disconnect();
      dispatchConnection.disconnect();
    },
  };
}
