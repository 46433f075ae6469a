import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import { valuesFromHistogram } from '../../../src/analysis/histogram-values.js';
import { createRandom } from '../../../src/simulation/random.js';
import { sketchToHistogram } from '../../../src/sources/traces/sketch-histogram.js';

function sketchOf(values: readonly number[]): LogCollapsingLowestDenseDDSketch {
  const sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: 0.01, binLimit: 1024 });
  for (const value of values) sketch.accept(value);
  return sketch;
}

describe('sketchToHistogram', () => {
  it('gives one value per span, each quantile within the sketch accuracy of the true one', () => {
    const random = createRandom(7);
    const durations = Array.from({ length: 4000 }, () => Math.exp(3 + random.normal() * 0.8));
    const values = valuesFromHistogram(sketchToHistogram(sketchOf(durations)));
    expect(values).toHaveLength(durations.length);
    const sorted = [...durations].sort((a, b) => a - b);
    const sortedValues = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      const index = Math.floor(q * (sorted.length - 1));
      expect(Math.abs((sortedValues[index] as number) / (sorted[index] as number) - 1)).toBeLessThan(0.021);
    }
  });

  it('keeps zero durations at 0 and spreads no span over gaps between bins', () => {
    const counters = sketchToHistogram(sketchOf([0, 0, 10, 10, 1000]));
    const values = valuesFromHistogram(counters);
    expect(values.slice(0, 2)).toEqual([0, 0]);
    for (const value of values.slice(2, 4)) expect(Math.abs(value / 10 - 1)).toBeLessThan(0.021);
    expect(Math.abs((values[4] as number) / 1000 - 1)).toBeLessThan(0.021);
    expect(counters.counts.at(-1)).toBe(5);
  });

  it('thins to maxValues and is empty for an empty sketch', () => {
    expect(
      valuesFromHistogram(sketchToHistogram(sketchOf(Array.from({ length: 300 }, (_, i) => i + 1)), 100)),
    ).toHaveLength(100);
    expect(valuesFromHistogram(sketchToHistogram(sketchOf([])))).toEqual([]);
  });
});
