/**
 * Composition root: settings → adapters (Redis store, Prometheus source, BullMQ) → use cases
 * (ingest, verification steps) → HTTP API and step workers. The only place that picks adapters.
 * Graceful stop: stop taking HTTP requests, let the step in flight finish (or hand it back to
 * the queue), then close connections.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { trace, type Tracer } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createRedisDeliveryLog } from './delivery/delivery-log.js';
import { createRedisOutbox } from './delivery/redis-outbox.js';
import { startWebhookDeliverer } from './delivery/webhook-deliverer.js';
import { buildApp } from './api/build-app.js';
import type { ApiToken } from './api/api-deps.js';
import { loadRuleSetDirectory } from './config/load-rule-sets.js';
import type { Settings } from './config/settings-schema.js';
import { createIngest } from './ingest/accept-marker.js';
import { createBullmqStepScheduler } from './queue/bullmq-step-scheduler.js';
import { STEP_QUEUE_NAME, type StepJob } from './queue/step-job.js';
import { startStepWorker } from './queue/step-worker.js';
import { createPrometheusSource } from './sources/prometheus/prometheus-source.js';
import { createPrometheusKhiSeries } from './sources/prometheus/prometheus-khi-series.js';
import { createServiceCorrelation } from './correlation/correlate-service.js';
import { createAlertReceiver } from './correlation/receive-alerts.js';
import { createRedisAlertStore } from './store/redis-alert-store.js';
import { createRedisVerificationStore } from './store/redis-verification-store.js';
import { createDaemonMetrics, recordVerdict } from './telemetry/daemon-metrics.js';
import { createJaegerTraceSource } from './sources/traces/jaeger/jaeger-trace-source.js';
import { createRedisTraceSummaries } from './sources/traces/redis-trace-summaries.js';
import { createTempoTraceSource } from './sources/traces/tempo/tempo-trace-source.js';
import type { TraceSource } from './sources/traces/trace-source.js';
import { DEFAULT_TRACE_SUMMARY_LIMITS, TraceSummaries } from './sources/traces/trace-summaries.js';
import { createFilesystemArtifactStore } from './store/artifacts/filesystem-artifact-store.js';
import { loadIncidentTemplates } from './delivery/load-incident-templates.js';
import { createBundleReportRenderer } from './report/bundle-report.js';
import { createRedisBundlePins } from './store/artifacts/redis-bundle-pins.js';
import { sweepBundles } from './store/artifacts/retention-sweeper.js';
import { createRedisHealthySignatures } from './store/redis-healthy-signatures.js';
import { startTracing } from './telemetry/tracing.js';
import { runDueSteps } from './verification/run-step.js';

export interface Daemon {
  readonly app: FastifyInstance;
  /** Where the API listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly logger: Logger;
  /** Stops taking work, lets the step in flight finish, closes everything. Idempotent. */
  close(): Promise<void>;
}

export interface DaemonOptions {
  /** Read for the OpenTelemetry variables only (default: process.env). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** A tracer to use instead of starting the OpenTelemetry Node SDK (tests). */
  readonly tracer?: Tracer;
}

/** How often a receiver's span summaries are flushed to Redis (steps wait queryDelaySeconds). */
const SUMMARY_FLUSH_MS = 1000;

/** Starts the daemon with validated settings. */
export async function startDaemon(settings: Settings, options: DaemonOptions = {}): Promise<Daemon> {
  const logger = options.logger ?? createLogger(settings);
  const stopTracing = options.tracer
    ? () => Promise.resolve()
    : startTracing(options.environment ?? process.env);
  const tracer = options.tracer ?? trace.getTracer('vigil');
  const ruleSets = await loadRuleSetDirectory(settings.rulesDir);
  checkTraceBuckets(ruleSets, settings);
  logger.info({ ruleSets: [...ruleSets.keys()], rulesDir: settings.rulesDir }, 'rule sets loaded');

  // Auto-pipelining lets concurrent reads share one write syscall (API reads and step workers).
  const redisOptions = {
    maxRetriesPerRequest: null,
    lazyConnect: false,
    enableAutoPipelining: true,
  } as const;
  const redis = new Redis(settings.redisUrl, redisOptions);
  const subscriber = new Redis(settings.redisUrl, redisOptions);
  const store = createRedisVerificationStore({ redis, subscriber, keyPrefix: settings.keyPrefix });
  const metrics = createDaemonMetrics(() => store.countByStatus());
  const source = createPrometheusSource({
    baseUrl: settings.prometheusUrl,
    timeoutMs: settings.prometheus.timeoutMs,
    retries: settings.prometheus.retries,
    tracer,
    onBackendError: (kind: string) => metrics.backendErrors.inc({ backend: 'prometheus', kind }),
  });
  // Correlation reads whole-service KHI series over a range; alerts are linked to deployments.
  const correlation = createServiceCorrelation({
    history: store,
    series: createPrometheusKhiSeries({
      baseUrl: settings.prometheusUrl,
      timeoutMs: settings.prometheus.timeoutMs,
      retries: settings.prometheus.retries,
      tracer,
      onBackendError: (kind: string) => metrics.backendErrors.inc({ backend: 'prometheus', kind }),
      minWindowSeconds: settings.correlation.windowSeconds,
    }),
    ruleSets,
    services: settings.services,
    stepSeconds: settings.correlation.stepSeconds,
  });
  const alerts = {
    receiver: createAlertReceiver({
      alerts: createRedisAlertStore({ redis, keyPrefix: settings.keyPrefix }),
      history: store,
      services: settings.services,
      serviceLabel: settings.alerts.serviceLabel,
      environmentLabel: settings.alerts.environmentLabel,
    }),
  };
  const bullPrefix = `${settings.keyPrefix}bull`;
  const queue = new Queue<StepJob>(STEP_QUEUE_NAME, { connection: redis, prefix: bullPrefix });
  const scheduler = createBullmqStepScheduler(queue);
  const now = () => Date.now();
  // Verdict webhooks: recorded with the verdict in the outbox, delivered by every daemon's deliverer.
  const notifiers = settings.notifiers;
  const outbox = createRedisOutbox(redis, settings.keyPrefix);
  const deliveryLog = createRedisDeliveryLog(redis, settings.keyPrefix);
  const deliverer = startWebhookDeliverer({
    outbox,
    log: deliveryLog,
    notifiers,
    flagProviders: settings.flagProviders,
    logger,
    onAttempt: (message, outcome, sinceCreatedMs) => {
      metrics.webhookDeliveries.inc({ notifier: message.notifier, outcome });
      if (outcome === 'delivered') metrics.webhookLatency.observe(sinceCreatedMs / 1000);
    },
  });
  const delivery = {
    notifiers,
    outbox,
    flagProviders: settings.flagProviders,
    ...(settings.api.publicBaseUrl !== undefined && { publicBaseUrl: settings.api.publicBaseUrl }),
    onMessagesQueued: () => deliverer.kick(),
  };
  const artifacts = createFilesystemArtifactStore(settings.artifactsDir, {
    maxFileBytes: settings.artifacts.maxFileBytes,
  });
  const bundlePins = createRedisBundlePins(redis, settings.keyPrefix);
  const renderBundleReport = createBundleReportRenderer({ artifacts, services: settings.services, now });
  const ingest = createIngest({
    store,
    scheduler,
    ruleSets,
    now,
    logger,
    queryDelaySeconds: settings.prometheus.queryDelaySeconds,
    ...delivery,
    artifacts,
    renderReport: (verification) => renderBundleReport(verification.id, verification),
    onVerdict: (verdict, verification) => {
      metrics.verdicts.inc({ outcome: verdict.outcome });
      recordVerdict(metrics, verdict, verification);
    },
  });
  // Bad templates stop start-up here, naming the file, rather than at the first rollback.
  const incidentTemplates = await loadIncidentTemplates();
  const workerConnection = new Redis(settings.redisUrl, redisOptions);
  // Playwright and the probe compiler add ~110 MiB to the process: loaded only when needed.
  const needsJourneys = [...ruleSets.values()].some(({ ruleSet }) => ruleSet.khis.some((khi) => khi.journey));
  const journeys = needsJourneys
    ? await (
        await import('./journeys/start-journeys.js')
      ).startJourneys(settings, redisOptions, bullPrefix, logger)
    : undefined;
  // Spans reach whichever daemon the exporter's load balancer picks, and any daemon may judge:
  // each receiver flushes its summaries to Redis every second, and steps read them from there.
  const daemonId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const summaries = settings.traces.receiver
    ? new TraceSummaries(
        {
          bucketSeconds: settings.traces.bucketSeconds,
          retentionSeconds: settings.traces.retentionSeconds,
          maxCells: settings.traces.maxCells,
          maxSignaturesPerCell: DEFAULT_TRACE_SUMMARY_LIMITS.maxSignaturesPerCell,
          maxExemplars: settings.traces.maxExemplars,
        },
        Date.now,
        daemonId,
      )
    : undefined;
  const sharedSummaries = createRedisTraceSummaries({
    redis,
    keyPrefix: settings.keyPrefix,
    bucketSeconds: settings.traces.bucketSeconds,
    retentionSeconds: settings.traces.retentionSeconds,
    daemonId,
  });
  const flushSummaries = async (): Promise<void> => {
    if (summaries === undefined) return;
    await sharedSummaries.flush(summaries).catch((error: unknown) => {
      logger.warn({ err: error }, 'span summaries not flushed to Redis; retrying next second');
    });
  };
  const flushTimer = setInterval(() => void flushSummaries(), SUMMARY_FLUSH_MS);
  flushTimer.unref();
  const retention = {
    retentionDays: settings.artifacts.retentionDays,
    ...(settings.artifacts.quotaBytes !== undefined && { quotaBytes: settings.artifacts.quotaBytes }),
  };
  const sweep = (): Promise<void> =>
    sweepBundles({
      artifacts,
      store,
      pins: bundlePins,
      policy: retention,
      now,
      logger,
      onSwept: (report) => {
        for (const eviction of report.evicted) metrics.bundlesEvicted.inc({ reason: eviction.reason });
        metrics.bundleBytes.set({ kind: 'stored' }, report.bytes);
        metrics.bundleBytes.set({ kind: 'over_quota' }, report.overQuotaBytes);
      },
    }).then(
      () => undefined,
      (error: unknown) => logger.warn({ err: error }, 'retention sweep failed; next one retries'),
    );
  const sweepTimer = setInterval(() => void sweep(), settings.artifacts.sweepIntervalSeconds * 1000);
  sweepTimer.unref();
  const traces = {
    source: traceSource(settings, sharedSummaries.source),
    artifacts,
    healthy: createRedisHealthySignatures(redis, settings.keyPrefix),
  };
  const worker = startStepWorker({
    connection: workerConnection,
    prefix: bullPrefix,
    concurrency: settings.analysis.stepConcurrency,
    logger,
    runDueSteps: (deploymentId) =>
      runDueSteps(deploymentId, {
        store,
        source,
        scheduler,
        ruleSets,
        now,
        logger,
        tracer,
        queryDelaySeconds: settings.prometheus.queryDelaySeconds,
        maxFailedSteps: settings.analysis.maxFailedSteps,
        queryConcurrency: 8,
        ...(journeys !== undefined && { journeys: journeys.dispatch }),
        traces,
        artifacts,
        renderReport: (verification) => renderBundleReport(verification.id, verification),
        incidentTemplates,
        services: settings.services,
        ...delivery,
        onStepJudged: (seconds) => metrics.stepDuration.observe(seconds),
        onVerdict: (verdict, verification) => {
          metrics.verdicts.inc({ outcome: verdict.outcome });
          recordVerdict(metrics, verdict, verification);
        },
      }),
  });
  await resumeActiveVerifications(store, scheduler, ruleSets, settings, logger);

  const app = buildApp({
    store,
    ingest,
    tokens: settings.tokens.map(hashToken),
    logger,
    metricsRegistry: metrics.registry,
    readiness: async () => ({
      redis: await redis.ping().then(
        (answer) => answer === 'PONG',
        () => false,
      ),
      prometheus: await source.isReady(),
    }),
    bodyLimitBytes: settings.api.bodyLimitBytes,
    deliveries: { outbox, log: deliveryLog, onRedelivered: () => deliverer.kick() },
    correlation,
    alerts,
    artifacts: {
      store: artifacts,
      pins: bundlePins,
      deliveryLog,
      retention,
      renderReport: async (id) => renderBundleReport(id, await store.get(id)),
    },
    maxWaitSeconds: settings.api.maxWaitSeconds,
    ...(summaries !== undefined && {
      traces: {
        summaries,
        versionAttribute: settings.traces.versionAttribute,
        bodyLimitBytes: settings.traces.bodyLimitBytes,
        spans: metrics.otlpSpans,
      },
    }),
    ...(settings.api.publicBaseUrl !== undefined && { publicBaseUrl: settings.api.publicBaseUrl }),
  });
  const url = await app.listen({ host: settings.host, port: settings.port });
  logger.info({ url }, 'vigil listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    logger,
    close: () =>
      (closing ??= (async () => {
        logger.info('stopping: no new requests, finishing the step in flight');
        await app.close();
        clearInterval(flushTimer);
        clearInterval(sweepTimer);
        await flushSummaries();
        await worker.close();
        await deliverer.close();
        await journeys?.close();
        await queue.close();
        workerConnection.disconnect();
        subscriber.disconnect();
        await redis.quit().catch(() => undefined);
        await stopTracing();
        logger.info('stopped');
      })()),
  };
}

/**
 * Span summaries are kept in time buckets, and an interval reads the buckets that start inside
 * it: an interval that is not a whole number of buckets would see some buckets twice and miss
 * others. Refused at start rather than judged on skewed data.
 */
function checkTraceBuckets(
  ruleSets: Awaited<ReturnType<typeof loadRuleSetDirectory>>,
  settings: Settings,
): void {
  for (const [name, { ruleSet }] of ruleSets) {
    const { intervalSeconds } = ruleSet.analysis;
    if (ruleSet.khis.some((khi) => khi.trace) && intervalSeconds % settings.traces.bucketSeconds !== 0)
      throw new Error(
        `rule set ${name}: analysis.interval (${intervalSeconds}s) must be a whole number of traces.bucketSeconds (${settings.traces.bucketSeconds}s) for its trace KHIs`,
      );
  }
}

/** Where trace KHIs read spans: a configured Jaeger or Tempo, else every daemon's receiver. */
function traceSource(settings: Settings, received: TraceSource): TraceSource {
  const { backend, versionAttribute } = settings.traces;
  if (backend === undefined) return received;
  const options = {
    baseUrl: backend.url,
    timeoutMs: backend.timeoutMs,
    maxTraces: backend.maxTraces,
    versionAttribute,
  };
  return backend.kind === 'jaeger' ? createJaegerTraceSource(options) : createTempoTraceSource(options);
}

/** A restarted daemon re-ensures the schedule of every verification still in flight. */
async function resumeActiveVerifications(
  store: ReturnType<typeof createRedisVerificationStore>,
  scheduler: ReturnType<typeof createBullmqStepScheduler>,
  ruleSets: Awaited<ReturnType<typeof loadRuleSetDirectory>>,
  settings: Settings,
  logger: Logger,
): Promise<void> {
  const active = await store.listActive();
  for (const id of active) {
    const verification = await store.get(id);
    const loaded = verification && ruleSets.get(verification.marker.ruleSet);
    if (!verification || !loaded) continue;
    const intervalSeconds = loaded.ruleSet.analysis.intervalSeconds;
    const nextDue =
      Date.parse(verification.marker.startedAt) +
      ((verification.intervalsJudged + 1) * intervalSeconds + settings.prometheus.queryDelaySeconds) * 1000;
    await scheduler.schedule(id, intervalSeconds, nextDue);
  }
  if (active.length > 0) logger.info({ count: active.length }, 'resumed verifications in flight');
}

function hashToken(token: Settings['tokens'][number]): ApiToken {
  const tokenSha256 =
    token.tokenSha256 ??
    createHash('sha256')
      .update(token.token ?? '')
      .digest('hex');
  return { name: token.name, scopes: token.scopes, tokenSha256 };
}

/** pino, JSON, with secrets redacted. */
export function createLogger(settings: Pick<Settings, 'logLevel'>): Logger {
  return pino({
    level: settings.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token', 'tokens'],
      censor: '[redacted]',
    },
  });
}
