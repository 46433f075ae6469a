/**
 * The MetricSource contract, run against the in-memory source and every real adapter: what the
 * verification step relies on whatever the backend.
 */
import { describe, expect, it } from 'vitest';
import type { MetricSource, ObservationRequest } from '../../src/sources/metric-source.js';

export interface MetricSourceContractSetup {
  /** A source that has data for `withData` and none for `withoutData`. */
  readonly healthy: () => Promise<MetricSource> | MetricSource;
  /** A source whose backend is failing or unreachable. */
  readonly failing: () => Promise<MetricSource> | MetricSource;
  readonly withData: () => ObservationRequest;
  readonly withoutData: () => ObservationRequest;
}

/** Declares the contract tests for one MetricSource implementation. */
export function describeMetricSourceContract(name: string, setup: MetricSourceContractSetup): void {
  describe(`MetricSource contract: ${name}`, () => {
    it('returns an observation with the queries it made', async () => {
      const result = await (await setup.healthy()).observe(setup.withData());
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.observation).toBeDefined();
      expect(result.queries.length).toBeGreaterThan(0);
    });

    it('returns an undefined observation when there is no data', async () => {
      const result = await (await setup.healthy()).observe(setup.withoutData());
      expect(result).toMatchObject({ ok: true, observation: undefined });
    });

    it('returns ok:false with a reason, never throws, when the backend fails', async () => {
      const result = await (await setup.failing()).observe(setup.withData());
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).not.toBe('');
    });

    it('answers isReady with a boolean', async () => {
      expect(await (await setup.healthy()).isReady()).toBe(true);
      expect(typeof (await (await setup.failing()).isReady())).toBe('boolean');
    });
  });
}
