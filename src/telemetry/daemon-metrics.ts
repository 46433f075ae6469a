/**
 * The daemon's own metrics (prom-client), served at /metrics: verifications by state, verdicts by
 * outcome, step durations, backend errors.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Verdict, Verification, VerificationStatus } from '../verification/verification.js';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly verdicts: Counter<'outcome'>;
  readonly stepDuration: Histogram;
  readonly backendErrors: Counter<'backend' | 'kind'>;
  /** Spans the OTLP receiver got, by outcome: kept, rejected (unusable), dropped (memory bounds). */
  readonly otlpSpans: Counter<'outcome'>;
  /** Webhook delivery attempts by notifier and outcome: delivered, retry, dead. */
  readonly webhookDeliveries: Counter<'notifier' | 'outcome'>;
  /** Verdict recorded → webhook delivered. */
  readonly webhookLatency: Histogram;
  /** Evidence bundles deleted by the retention sweep, by reason: expired, quota. */
  readonly bundlesEvicted: Counter<'reason'>;
  /** Bytes of all evidence bundles at the last sweep, and how far over the quota they stayed. */
  readonly bundleBytes: Gauge<'kind'>;
  /** Verdicts by service, environment and outcome (never by deployment id or version). */
  readonly verdictsByService: Counter<'service' | 'environment' | 'outcome'>;
  /** From the marker's `startedAt` to the verdict, in seconds, by outcome. */
  readonly timeToVerdict: Histogram<'outcome'>;
  /** Verdict scores (0–100; verdicts without a score are not observed), by service and environment. */
  readonly verdictScore: Histogram<'service' | 'environment'>;
  /** KHI results in verdicts, by KHI name, classification and whether it counted against the release. */
  readonly khiResults: Counter<'khi' | 'classification' | 'failed'>;
}

/** Creates the registry; `countByStatus` is read on every scrape. */
export function createDaemonMetrics(
  countByStatus: () => Promise<Readonly<Record<VerificationStatus, number>>>,
): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  new Gauge({
    name: 'vigil_verifications',
    help: 'Verifications by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countByStatus();
      for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
    },
  });
  return {
    registry,
    verdicts: new Counter({
      name: 'vigil_verdicts_total',
      help: 'Verdicts recorded, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'vigil_step_duration_seconds',
      help: 'Time to gather and judge one analysis step.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    backendErrors: new Counter({
      name: 'vigil_backend_errors_total',
      help: 'Failed backend calls, by backend and kind.',
      labelNames: ['backend', 'kind'],
      registers: [registry],
    }),
    otlpSpans: new Counter({
      name: 'vigil_otlp_spans_total',
      help: 'Spans received over OTLP, by outcome: kept, rejected (unusable) or dropped (over the memory bounds).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'vigil_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by notifier and outcome: delivered, retry or dead (given up).',
      labelNames: ['notifier', 'outcome'],
      registers: [registry],
    }),
    webhookLatency: new Histogram({
      name: 'vigil_webhook_delivery_seconds',
      help: 'From the verdict being recorded to its webhook being delivered.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 5, 30, 300],
      registers: [registry],
    }),
    bundlesEvicted: new Counter({
      name: 'vigil_artifact_bundles_evicted_total',
      help: 'Evidence bundles deleted by retention, by reason: expired (past its verdict retention) or quota.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    bundleBytes: new Gauge({
      name: 'vigil_artifact_bundle_bytes',
      help: 'Evidence bundles at the last retention sweep: kind=stored (all bundles), kind=over_quota (what the quota could not free).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    verdictsByService: new Counter({
      name: 'vigil_verdicts_by_service_total',
      help: 'Verdicts recorded, by service, environment and outcome.',
      labelNames: ['service', 'environment', 'outcome'],
      registers: [registry],
    }),
    timeToVerdict: new Histogram({
      name: 'vigil_time_to_verdict_seconds',
      help: "From the deployment marker's startedAt to the verdict, by outcome.",
      labelNames: ['outcome'],
      buckets: [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
      registers: [registry],
    }),
    verdictScore: new Histogram({
      name: 'vigil_verdict_score',
      help: 'Scores (0-100) of the verdicts that have one, by service and environment.',
      labelNames: ['service', 'environment'],
      buckets: [0, 25, 50, 75, 90, 95, 99, 100],
      registers: [registry],
    }),
    khiResults: new Counter({
      name: 'vigil_khi_results_total',
      help: 'KHI results in recorded verdicts, by KHI, classification and failed (true when it counted against the release).',
      labelNames: ['khi', 'classification', 'failed'],
      registers: [registry],
    }),
  };
}

/**
 * Records a decided verdict in the per-service metrics: verdicts by service, time to verdict,
 * score and KHI results (`verdicts` is counted by the caller, as before). Labels are the marker's
 * service and environment and the rule set's KHI names, so their number stays bounded.
 */
export function recordVerdict(metrics: DaemonMetrics, verdict: Verdict, verification: Verification): void {
  const { service, environment, startedAt } = verification.marker;
  const { outcome } = verdict;
  metrics.verdictsByService.inc({ service, environment, outcome });
  const elapsedMs = Date.parse(verdict.decidedAt) - Date.parse(startedAt);
  if (Number.isFinite(elapsedMs)) metrics.timeToVerdict.observe({ outcome }, Math.max(0, elapsedMs) / 1000);
  if (verdict.score !== null && Number.isFinite(verdict.score))
    metrics.verdictScore.observe({ service, environment }, verdict.score);
  for (const khi of verdict.khis) {
    metrics.khiResults.inc({ khi: khi.name, classification: khi.classification, failed: String(khi.failed) });
  }
}
