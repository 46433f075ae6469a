/**
 * The daemon's own metrics (prom-client), served at /metrics: verifications by state, verdicts by
 * outcome, step durations, backend errors.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { VerificationStatus } from '../verification/verification.js';

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
  };
}
