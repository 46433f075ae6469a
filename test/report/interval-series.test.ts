import { describe, expect, it } from 'vitest';
import {
  quantileOfSorted,
  seriesFromObservations,
  summariseObservation,
} from '../../src/report/interval-series.js';

describe('summariseObservation', () => {
  it('gives a count its rate and its total as samples', () => {
    expect(summariseObservation({ events: 5, total: 200 })).toEqual({ value: 0.025, samples: 200 });
  });

  it('gives values their median and interquartile band, ignoring missing values', () => {
    expect(summariseObservation({ values: [4, null, 1, 3, 2, 5] })).toEqual({
      value: 3,
      band: { low: 2, high: 4 },
      samples: 5,
    });
  });

  it('has nothing to chart without requests or values', () => {
    expect(summariseObservation({ events: 0, total: 0 })).toBeUndefined();
    expect(summariseObservation({ values: [null] })).toBeUndefined();
  });
});

describe('seriesFromObservations', () => {
  it('orders intervals and leaves out those where neither group had data', () => {
    const series = seriesFromObservations([
      { interval: 3, observations: { khis: { errors: { canary: { events: 1, total: 10 } } } } },
      { interval: 1, observations: { khis: { errors: { baseline: { events: 0, total: 0 } } } } },
      {
        interval: 2,
        observations: {
          khis: {
            errors: { baseline: { events: 1, total: 100 }, canary: { events: 2, total: 100 } },
            latency: { canary: { values: [0.1, 0.2, 0.3] } },
          },
        },
      },
    ]);
    expect(series['errors']).toEqual({
      measure: 'rate',
      points: [
        { interval: 2, baseline: { value: 0.01, samples: 100 }, canary: { value: 0.02, samples: 100 } },
        { interval: 3, canary: { value: 0.1, samples: 10 } },
      ],
    });
    expect(series['latency']?.measure).toBe('median');
    expect(series['latency']?.points[0]?.canary?.value).toBeCloseTo(0.2);
  });
});

describe('quantileOfSorted', () => {
  it('interpolates linearly between ranks like NumPy', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileOfSorted([7], 0.9)).toBe(7);
  });
});
