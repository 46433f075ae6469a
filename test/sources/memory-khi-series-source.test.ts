/** The KHI series contract against the in-memory source. */
import type { KhiRule } from '../../src/analysis/rule-set.js';
import { createMemoryKhiSeriesSource } from '../../src/sources/memory-khi-series-source.js';
import { webServiceKhis } from './prometheus/fake-prometheus-http.js';
import { describeKhiSeriesContract } from './khi-series-source-contract.js';

const khis = await webServiceKhis();
const failing: KhiRule = { ...khis.cpu, name: 'broken', query: { values: 'sum(rate(' } };
const TO = Date.parse('2026-11-28T10:00:00.000Z');

describeKhiSeriesContract('memory', () => ({
  source: createMemoryKhiSeriesSource((request) => {
    if (request.selector['service'] !== 'demo-shop') return undefined;
    if (request.khi.name === 'broken') return { error: 'bad_data: parse error' };
    if (request.khi.kind === 'ratio') return (t) => (t % 7_000 === 0 ? null : 0.2);
    return (t) => 0.05 + (t % 3_000) / 1e6;
  }),
  request: (khi) => ({
    khi,
    service: 'demo-shop',
    selector: { service: 'demo-shop' },
    fromMs: TO - 60_000,
    toMs: TO,
    stepSeconds: 1,
  }),
  ratio: { khi: khis['error-rate'], low: 0.19, high: 0.21 },
  others: [khis.latency, khis.cpu],
  failing,
}));
