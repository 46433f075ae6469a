import { describe, expect, it } from 'vitest';
import { prepareSample, prepareValues } from '../../../src/analysis/judge/prepare-values.js';
import { testRuleSet } from './rule-set-fixtures.js';

function latencyRule(patch: Record<string, unknown> = {}) {
  const rule = testRuleSet({ khis: { latency: patch } }).khis.find((k) => k.name === 'latency');
  if (rule === undefined) throw new Error('no latency rule');
  return rule;
}

describe('prepareSample', () => {
  const raw = [0.3, null, 0.1, 9, 0.2, 0.25, 0.15];

  it('is prepareValues with the values sorted', () => {
    for (const rule of [latencyRule(), latencyRule({ outliers: { strategy: 'remove', factor: 1.5 } })]) {
      const sample = prepareSample(rule, raw);
      const prepared = prepareValues(rule, raw);
      expect(sample).toMatchObject(prepared);
      expect(Array.from(sample.sorted)).toEqual([...prepared.values].sort((a, b) => a - b));
    }
  });

  it('prepares a group once per rule', () => {
    const rule = latencyRule();
    const again = [...raw];
    expect(prepareSample(rule, raw)).toBe(prepareSample(rule, raw));
    expect(prepareSample(rule, again)).not.toBe(prepareSample(rule, raw));
    const replacing = latencyRule({ nanStrategy: 'replace', nanReplacement: 0.5 });
    expect(prepareSample(replacing, raw).values).toEqual([0.3, 0.5, 0.1, 9, 0.2, 0.25, 0.15]);
    expect(prepareSample(rule, raw).values).toEqual([0.3, 0.1, 9, 0.2, 0.25, 0.15]);
  });
});
