/**
 * The KhiSeriesSource contract, run against every implementation (memory and Prometheus): points on
 * the step grid, a ratio within [0, 1], null (never 0) where nothing matches, failures as values.
 */
import { describe, expect, it } from 'vitest';
import type { KhiRule } from '../../src/analysis/rule-set.js';
import {
  seriesGrid,
  type KhiSeriesRequest,
  type KhiSeriesSource,
} from '../../src/sources/khi-series-source.js';

export interface KhiSeriesContractFixture {
  readonly source: KhiSeriesSource;
  /** A request over a range where `ratio` has data, with the selector of the service. */
  readonly request: (khi: KhiRule) => KhiSeriesRequest;
  /** A ratio KHI with data in the range, its mean expected within [low, high]. */
  readonly ratio: { readonly khi: KhiRule; readonly low: number; readonly high: number };
  /** A distribution and a gauge KHI with data in the range. */
  readonly others: readonly KhiRule[];
  /** A KHI whose query the backend rejects. */
  readonly failing: KhiRule;
}

export function describeKhiSeriesContract(name: string, fixture: () => KhiSeriesContractFixture): void {
  describe(`KHI series contract (${name})`, () => {
    it('answers one point per step on the step grid, in time order', async () => {
      const f = fixture();
      const request = f.request(f.ratio.khi);
      const result = await f.source.series(request);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.points.map((p) => p.t)).toEqual(
        seriesGrid(request.fromMs, request.toMs, request.stepSeconds),
      );
      expect(result.query).not.toBe('');
    });

    it('gives a ratio KHI as the share of events, within [0, 1]', async () => {
      const f = fixture();
      const result = await f.source.series(f.request(f.ratio.khi));
      if (!result.ok) throw new Error(result.error);
      const values = result.points.flatMap((p) => (p.value === null ? [] : [p.value]));
      expect(values.length).toBeGreaterThan(result.points.length / 2);
      for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of values) expect(value).toBeLessThanOrEqual(1);
      const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
      expect(mean).toBeGreaterThanOrEqual(f.ratio.low);
      expect(mean).toBeLessThanOrEqual(f.ratio.high);
    });

    it('gives distribution and gauge KHIs as finite values', async () => {
      const f = fixture();
      for (const khi of f.others) {
        const result = await f.source.series(f.request(khi));
        if (!result.ok) throw new Error(`${khi.name}: ${result.error}`);
        const values = result.points.flatMap((p) => (p.value === null ? [] : [p.value]));
        expect(values.length, khi.name).toBeGreaterThan(0);
        for (const value of values) expect(Number.isFinite(value)).toBe(true);
      }
    });

    it('answers null, not 0, where the selector matches nothing', async () => {
      const f = fixture();
      const request = { ...f.request(f.ratio.khi), selector: { service: 'no-such-service' } };
      const result = await f.source.series(request);
      if (!result.ok) throw new Error(result.error);
      expect(result.points.length).toBeGreaterThan(0);
      expect(result.points.every((p) => p.value === null)).toBe(true);
    });

    it('returns a rejected query as { ok: false } with the query, never a throw', async () => {
      const f = fixture();
      const result = await f.source.series(f.request(f.failing));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    });

    it('refuses a range of more than 11,000 points', async () => {
      const f = fixture();
      const base = f.request(f.ratio.khi);
      const result = await f.source.series({ ...base, fromMs: base.toMs - 11_001_000, stepSeconds: 1 });
      expect(result).toMatchObject({ ok: false });
      if (!result.ok) expect(result.error).toContain('11000');
    });
  });
}
