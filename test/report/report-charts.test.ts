import { describe, expect, it } from 'vitest';
import { renderIntervalChart, yTicks, type IntervalChart } from '../../src/report/report-charts.js';

const chart = (overrides: Partial<IntervalChart> = {}): IntervalChart => ({
  title: 'error-rate per interval',
  description: 'rates',
  xLabel: 'analysis interval',
  yLabel: 'rate in the interval',
  formatY: (value) => `${value * 100}%`,
  lines: [
    { role: 'baseline', label: 'baseline v1', points: [1, 2, 3].map((x) => ({ x, y: 0.004 })) },
    { role: 'canary', label: 'canary v2', points: [1, 2, 3].map((x) => ({ x, y: 0.004 * x })) },
  ],
  intervals: { first: 1, last: 3 },
  fromZero: true,
  ...overrides,
});

describe('renderIntervalChart', () => {
  it('draws both groups as lines with points, labelled axes, a legend and the decision mark', () => {
    const svg = renderIntervalChart(chart({ mark: { x: 3, label: 'decided (interval 3)' } })) ?? '';
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path class="series series-(baseline|canary)"/g)).toHaveLength(2);
    expect(svg.match(/class="point point-canary"/g)).toHaveLength(3);
    expect(svg).toContain('>analysis interval</text>');
    expect(svg).toContain('>rate in the interval</text>');
    expect(svg).toContain('>baseline v1</text>');
    expect(svg).toContain('>canary v2</text>');
    expect(svg).toContain('>decided (interval 3)</text>');
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('breaks the line over an interval without data and still marks a lone point', () => {
    const svg =
      renderIntervalChart(
        chart({ lines: [{ role: 'canary', label: 'canary', points: [1, 2, 4].map((x) => ({ x, y: x })) }] }),
      ) ?? '';
    expect(svg.match(/<path class="series series-canary" d="M[^"]*"/g)).toHaveLength(1);
    expect(svg.match(/class="point point-canary"/g)).toHaveLength(3);
  });

  it('draws bands for values and nothing at all without points', () => {
    const banded = chart({
      fromZero: false,
      lines: [{ role: 'baseline', label: 'baseline', points: [{ x: 1, y: 0.12, low: 0.1, high: 0.15 }] }],
    });
    expect(renderIntervalChart(banded)).toContain('class="band band-baseline"');
    expect(renderIntervalChart(chart({ lines: [] }))).toBeUndefined();
  });

  it('escapes labels', () => {
    const svg = renderIntervalChart(chart({ title: '<script>x</script>', yLabel: 'a & b' })) ?? '';
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('a &amp; b');
  });
});

describe('yTicks', () => {
  it('gives round steps from zero for rates, covering the data with headroom', () => {
    expect(
      yTicks(
        [
          { x: 1, y: 0.0117 },
          { x: 1, y: 0.0043 },
        ],
        true,
      ),
    ).toEqual([0, 0.005, 0.01, 0.015]);
  });

  it('stays near the data for values, bands included', () => {
    const ticks = yTicks([{ x: 1, y: 0.12, low: 0.1, high: 0.15 }], false);
    expect(ticks[0]).toBeLessThanOrEqual(0.1);
    expect(ticks[0]).toBeGreaterThan(0);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(0.15);
  });

  it('gives a flat line an axis around it', () => {
    expect(yTicks([{ x: 1, y: 0 }], true).length).toBeGreaterThanOrEqual(2);
    const ticks = yTicks([{ x: 1, y: 5 }], false);
    expect(ticks[0]).toBeLessThan(5);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(5);
  });
});
