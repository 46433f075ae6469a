/**
 * In-memory KhiSeriesSource for component tests: each KHI's values come from a function of time
 * (undefined or null = no value there), or the KHI fails with an error. Records every request.
 */
import {
  checkSeriesRequest,
  seriesGrid,
  type KhiSeriesRequest,
  type KhiSeriesResult,
  type KhiSeriesSource,
} from './khi-series-source.js';

/** What a KHI answers: a value per time (ms), or an error for the whole series. */
export type MemorySeriesAnswer =
  ((tMs: number) => number | null | undefined) | { readonly error: string } | undefined;

/** A KhiSeriesSource answering from `answer` (undefined: no data at all for that KHI). */
export function createMemoryKhiSeriesSource(
  answer: (request: KhiSeriesRequest) => MemorySeriesAnswer,
): KhiSeriesSource & { readonly requests: KhiSeriesRequest[] } {
  const requests: KhiSeriesRequest[] = [];
  return {
    requests,
    series(request): Promise<KhiSeriesResult> {
      requests.push(request);
      const query = `memory:${request.khi.name}{${Object.entries(request.selector)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join(',')}}`;
      const problem = checkSeriesRequest(request);
      if (problem !== undefined) return Promise.resolve({ ok: false, error: problem, query });
      const source = answer(request);
      if (source !== undefined && typeof source !== 'function') {
        return Promise.resolve({ ok: false, error: source.error, query });
      }
      const points = seriesGrid(request.fromMs, request.toMs, request.stepSeconds).map((t) => {
        const value = source?.(t);
        return { t, value: typeof value === 'number' && Number.isFinite(value) ? value : null };
      });
      return Promise.resolve({ ok: true, points, query });
    },
  };
}
