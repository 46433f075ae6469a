import { describe, expect, it } from 'vitest';
import { loadRuleSetFile } from '../../../src/config/load-rule-set.js';
import { replayIntervals } from '../../../src/analysis/judge/replay.js';

describe('smoke', () => {
  it('runs', async () => {
    const { ruleSet } = await loadRuleSetFile('rules/web-service.yaml');
    const good = Array.from({ length: 10 }, () => ({
      khis: {
        'error-rate': { baseline: { events: 10, total: 2000 }, canary: { events: 11, total: 2000 } },
        latency: { baseline: { values: Array.from({ length: 300 }, (_, i) => 0.1 + (i % 50) / 500) }, canary: { values: Array.from({ length: 300 }, (_, i) => 0.1 + ((i + 7) % 50) / 500) } },
        cpu: { baseline: { values: [0.5, 0.52, 0.49, 0.51] }, canary: { values: [0.5, 0.53, 0.48, 0.5] } },
      },
    }));
    const bad = good.map((g) => ({ khis: { ...g.khis, 'error-rate': { baseline: { events: 10, total: 2000 }, canary: { events: 40, total: 2000 } } } }));
    const r1 = replayIntervals(ruleSet, good);
    const r2 = replayIntervals(ruleSet, bad);
    console.log(JSON.stringify({ ...r1, judgements: undefined }, null, 1));
    console.log(JSON.stringify({ ...r2, judgements: undefined }, null, 1));
    expect(r1.verdict).toBe('promote');
  });
});
