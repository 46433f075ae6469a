import { describe, expect, it } from 'vitest';
import {
  accumulateInterval,
  emptyKhiState,
  observationProblem,
} from '../../../src/analysis/judge/accumulate.js';
import { valuesFromHistogram } from '../../../src/analysis/histogram-values.js';
import { testRuleSet } from './rule-set-fixtures.js';

const latency = testRuleSet().khis.find((k) => k.name === 'latency');
if (latency === undefined) throw new Error('no latency rule');

describe('accumulateInterval for values', () => {
  it('concatenates values and keeps the mean of each interval, nulls left out', () => {
    let state = accumulateInterval(latency, emptyKhiState(), {
      canary: { values: [1, null, 2] },
      baseline: { values: [null, null] },
    });
    state = accumulateInterval(latency, state, { canary: { values: [4] }, baseline: { values: [3, 5] } });
    state = accumulateInterval(latency, state, undefined);
    expect(state.canary.values).toEqual([1, null, 2, 4]);
    expect(state.canary.perInterval).toEqual([1.5, 4, null]);
    expect(state.baseline.perInterval).toEqual([null, 4, null]);
    expect(state.intervalsWithData).toBe(1);
  });

  it('keeps the histogram counters while every interval with values came with them', () => {
    const h1 = { le: [0.1, '+Inf'] as const, counts: [2, 2], maxValues: 100 };
    const h2 = { le: [0.1, '+Inf'] as const, counts: [1, 1], maxValues: 100 };
    let state = accumulateInterval(latency, emptyKhiState(), {
      canary: { values: valuesFromHistogram(h1), histogram: h1 },
      baseline: { values: [] },
    });
    state = accumulateInterval(latency, state, undefined);
    state = accumulateInterval(latency, state, {
      canary: { values: valuesFromHistogram(h2), histogram: h2 },
      baseline: { values: [0.2] },
    });
    expect(state.canary.histograms).toEqual([h1, h2]);
    expect(state.canary.values).toEqual([...valuesFromHistogram(h1), ...valuesFromHistogram(h2)]);
    expect(state.baseline.histograms).toBeUndefined();
    // Values without counters end it: the concatenation could not be made from counters any more.
    state = accumulateInterval(latency, state, { canary: { values: [0.3] }, baseline: { values: [0.3] } });
    expect(state.canary.histograms).toBeUndefined();
  });

  it('names the first value that is neither null nor a finite number', () => {
    expect(observationProblem(latency, { values: [1, null, Number.NaN, Infinity] }, 'canary')).toBe(
      'canary: values[2] is not a finite number (use null for a missing observation)',
    );
    expect(observationProblem(latency, { values: [1, null, 2] }, 'canary')).toBeUndefined();
  });
});
