/**
 * Charts of the validation report as inline SVG: no script, font or image to fetch, so a report
 * opened from disk years later draws the same. One chart kind — baseline and canary across the
 * analysis intervals, with an optional band per point and a mark at the deciding interval — drawn
 * with presentation attributes so it reads the same without the report's stylesheet. The two
 * groups differ by dash pattern and point shape as well as colour.
 */
import { escapeHtml } from './escape-html.js';

/** One interval of one group. */
export interface ChartPoint {
  /** The interval (1-based). */
  readonly x: number;
  readonly y: number;
  /** A band around `y` (e.g. the interquartile range). */
  readonly low?: number;
  readonly high?: number;
}

/** One group across the intervals: dashed with squares (baseline) or solid with circles (canary). */
export interface ChartLine {
  readonly role: 'baseline' | 'canary';
  /** Legend text, e.g. `baseline v2.4.0`. */
  readonly label: string;
  readonly points: readonly ChartPoint[];
}

/** What one chart shows and how its axes are labelled. */
export interface IntervalChart {
  /** The chart's accessible name. */
  readonly title: string;
  /** A sentence describing what it shows, for screen readers. */
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly formatY: (value: number) => string;
  readonly lines: readonly ChartLine[];
  /** The intervals the x axis spans (at least those of the points). */
  readonly intervals: { readonly first: number; readonly last: number };
  /** A vertical mark, e.g. the interval at which the verdict was decided. */
  readonly mark?: { readonly x: number; readonly label: string };
  /** Start the y axis at zero (rates), rather than near the data (durations). */
  readonly fromZero: boolean;
}

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 30, right: 16, bottom: 44, left: 78 };
const PLOT = {
  left: MARGIN.left,
  right: WIDTH - MARGIN.right,
  top: MARGIN.top,
  bottom: HEIGHT - MARGIN.bottom,
};
const STYLE = {
  baseline: { colour: '#3d5a80', dash: '6 4', marker: 'square' },
  canary: { colour: '#c2410c', dash: '', marker: 'circle' },
} as const;
const AXIS_COLOUR = '#57606a';
const GRID_COLOUR = '#d8dee4';
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** The chart as an `<svg>` element; undefined when no line has a point (nothing to draw). */
export function renderIntervalChart(chart: IntervalChart): string | undefined {
  const points = chart.lines.flatMap((line) => line.points);
  if (points.length === 0) return undefined;
  const first = Math.min(chart.intervals.first, ...points.map((point) => point.x));
  const last = Math.max(chart.intervals.last, ...points.map((point) => point.x));
  const x = (interval: number): number =>
    PLOT.left + ((interval - first + 0.5) / (last - first + 1)) * (PLOT.right - PLOT.left);
  const ticks = yTicks(points, chart.fromZero);
  const low = ticks[0] as number;
  const high = ticks[ticks.length - 1] as number;
  const y = (value: number): number =>
    PLOT.bottom - ((value - low) / (high - low)) * (PLOT.bottom - PLOT.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" class="chart" ${FONT}>`,
    `<title>${escapeHtml(chart.title)}</title>`,
    `<desc>${escapeHtml(chart.description)}</desc>`,
    ...ticks.map(
      (tick) =>
        `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${n(y(tick))}" y2="${n(y(tick))}" stroke="${GRID_COLOUR}"/>` +
        `<text x="${PLOT.left - 6}" y="${n(y(tick) + 4)}" text-anchor="end" fill="${AXIS_COLOUR}">${escapeHtml(chart.formatY(tick))}</text>`,
    ),
    ...xTicks(first, last).map(
      (interval) =>
        `<line x1="${n(x(interval))}" x2="${n(x(interval))}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}" stroke="${AXIS_COLOUR}"/>` +
        `<text x="${n(x(interval))}" y="${PLOT.bottom + 17}" text-anchor="middle" fill="${AXIS_COLOUR}">${interval}</text>`,
    ),
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="${AXIS_COLOUR}"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="${AXIS_COLOUR}"/>`,
    `<text x="${n((PLOT.left + PLOT.right) / 2)}" y="${HEIGHT - 8}" text-anchor="middle" fill="#1f2328">${escapeHtml(chart.xLabel)}</text>`,
    `<text transform="translate(14 ${n((PLOT.top + PLOT.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="#1f2328">${escapeHtml(chart.yLabel)}</text>`,
    ...(chart.mark === undefined ? [] : [markLine(x(chart.mark.x), chart.mark.label)]),
    ...chart.lines.map((line) => bands(line, x, y)),
    ...chart.lines.map((line) => lineAndPoints(line, x, y)),
    legend(chart.lines),
    '</svg>',
  ];
  return parts.join('');
}

function markLine(at: number, label: string): string {
  const nearRight = at > PLOT.left + (PLOT.right - PLOT.left) * 0.7;
  const textX = nearRight ? at - 5 : at + 5;
  return (
    `<line x1="${n(at)}" x2="${n(at)}" y1="${PLOT.top - 4}" y2="${PLOT.bottom}" stroke="#1f2328" stroke-width="1.5" stroke-dasharray="2 3"/>` +
    `<text x="${n(textX)}" y="${PLOT.top + 10}" text-anchor="${nearRight ? 'end' : 'start'}" fill="#1f2328" font-weight="600">${escapeHtml(label)}</text>`
  );
}

function bands(line: ChartLine, x: (v: number) => number, y: (v: number) => number): string {
  const style = STYLE[line.role];
  return runsOf(line.points.filter((point) => point.low !== undefined && point.high !== undefined))
    .map((run) => {
      // A band of one interval is drawn as a short bar, so it is still visible.
      const halfWidth = run.length === 1 ? 6 : 0;
      const upper = run.map(
        (point, index) =>
          `${index === 0 ? 'M' : 'L'}${n(x(point.x) - halfWidth)} ${n(y(point.high as number))}`,
      );
      const lower = [...run]
        .reverse()
        .map((point) => `L${n(x(point.x) + halfWidth)} ${n(y(point.low as number))}`);
      if (halfWidth > 0) {
        const [point] = run as [ChartPoint];
        upper.push(`L${n(x(point.x) + halfWidth)} ${n(y(point.high as number))}`);
        lower.push(`L${n(x(point.x) - halfWidth)} ${n(y(point.low as number))}`);
      }
      return `<path class="band band-${line.role}" d="${upper.join('')}${lower.join('')}Z" fill="${style.colour}" fill-opacity="0.14" stroke="none"/>`;
    })
    .join('');
}

function lineAndPoints(line: ChartLine, x: (v: number) => number, y: (v: number) => number): string {
  const style = STYLE[line.role];
  const paths = runsOf(line.points)
    .filter((run) => run.length > 1)
    .map(
      (run) =>
        `<path class="series series-${line.role}" d="${run.map((point, index) => `${index === 0 ? 'M' : 'L'}${n(x(point.x))} ${n(y(point.y))}`).join('')}" fill="none" stroke="${style.colour}" stroke-width="2.5"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/>`,
    );
  const markers = line.points.map((point) => marker(style, x(point.x), y(point.y), line.role));
  return paths.join('') + markers.join('');
}

function marker(style: (typeof STYLE)[keyof typeof STYLE], cx: number, cy: number, role: string): string {
  return style.marker === 'circle'
    ? `<circle class="point point-${role}" cx="${n(cx)}" cy="${n(cy)}" r="4.5" fill="${style.colour}" stroke="#fff" stroke-width="1"/>`
    : `<rect class="point point-${role}" x="${n(cx - 4)}" y="${n(cy - 4)}" width="8" height="8" fill="${style.colour}" stroke="#fff" stroke-width="1"/>`;
}

function legend(lines: readonly ChartLine[]): string {
  let at = PLOT.left;
  return lines
    .map((line) => {
      const style = STYLE[line.role];
      const entry =
        `<line x1="${at}" x2="${at + 26}" y1="12" y2="12" stroke="${style.colour}" stroke-width="2.5"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/>` +
        marker(style, at + 13, 12, `legend-${line.role}`) +
        `<text x="${at + 32}" y="16" fill="#1f2328">${escapeHtml(line.label)}</text>`;
      at += 44 + Math.min(line.label.length, 40) * 7;
      return entry;
    })
    .join('');
}

/** Consecutive intervals: a line is not drawn across an interval without data. */
function runsOf(points: readonly ChartPoint[]): ChartPoint[][] {
  const runs: ChartPoint[][] = [];
  for (const point of [...points].sort((a, b) => a.x - b.x)) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run !== undefined && previous !== undefined && point.x - previous.x <= 1) run.push(point);
    else runs.push([point]);
  }
  return runs;
}

/** Interval numbers to label: every one up to 12, then about ten. */
function xTicks(first: number, last: number): number[] {
  const step = last - first < 12 ? 1 : Math.ceil((last - first + 1) / 10);
  const ticks: number[] = [];
  for (let interval = first; interval <= last; interval += step) ticks.push(interval);
  return ticks;
}

/** Round tick values (1, 2 or 5 × 10^k apart) covering every point and band. */
export function yTicks(points: readonly ChartPoint[], fromZero: boolean): number[] {
  const values = points.flatMap((point) => [point.y, point.low ?? point.y, point.high ?? point.y]);
  let low = Math.min(...values, ...(fromZero ? [0] : []));
  let high = Math.max(...values);
  if (high === low) {
    // A flat line still gets an axis around it.
    const pad = high === 0 ? 1 : Math.abs(high) * 0.1;
    high += pad;
    if (!fromZero || low !== 0) low -= pad;
  }
  // Headroom above the highest point, so the top mark and its label never sit on a line.
  high += (high - low) * 0.08;
  const rough = (high - low) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude;
  const start = Math.floor(low / step) * step;
  const ticks: number[] = [];
  for (let tick = start; tick < high + step * 0.999; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks.length >= 2 ? ticks : [start, start + step];
}

/** Coordinates to one decimal: smaller HTML, no visible difference. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}
