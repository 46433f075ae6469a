/**
 * Human-readable `vigil judge` output: the verdict and why first, then each KHI in a line, then
 * the timeline of scores and each KHI's baseline/canary trend per interval as sparklines.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { ReplayResult } from '../analysis/judge/replay.js';
import { formatPValue, formatValue } from '../analysis/judge/format-numbers.js';
import { sharedRange, sparkline } from './charts.js';

export interface TextStyle {
  readonly color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

function paint(style: TextStyle, code: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text;
}

/** Renders a replayed scenario for a terminal or a CI log. */
export function renderVerdictText(
  scenario: string,
  result: ReplayResult,
  series: ReadonlyMap<string, { baseline: readonly (number | null)[]; canary: readonly (number | null)[] }>,
  style: TextStyle,
): string {
  const colour = result.verdict === 'promote' ? 'green' : result.verdict === 'rollback' ? 'red' : 'yellow';
  const lines = [
    `${paint(style, 'bold', scenario)}: ${paint(style, colour, result.verdict.toUpperCase())} after interval ${result.decidedAtInterval}` +
      `, score ${result.score ?? 'n/a'}`,
    ...result.reasons.map((reason) => `  why: ${reason}`),
    '',
    `  ${pad('KHI', 16)}${pad('result', 13)}${pad('test', 14)}${pad('p', 9)}${pad('seq. adj. p', 12)}effect`,
    ...result.khis.map((khi) => `  ${khiLine(khi, style)}`),
    '',
    `  score by interval  ${scoreTimeline(result.judgements)}`,
    ...[...series].map(([name, { baseline, canary }]) => {
      const range = sharedRange(baseline, canary);
      return `  ${pad(name, 16)}baseline ${sparkline(baseline, range)}  canary ${sparkline(canary, range)}`;
    }),
  ];
  return lines.join('\n');
}

function khiLine(khi: KhiResult, style: TextStyle): string {
  const label = `${khi.classification}${khi.critical ? '*' : ''}`;
  const painted = khi.failed
    ? paint(style, 'red', pad(label, 13))
    : khi.classification === 'pass'
      ? paint(style, 'green', pad(label, 13))
      : paint(style, 'yellow', pad(label, 13));
  const p = khi.pValue !== undefined ? formatPValue(khi.pValue) : '-';
  const adjusted = khi.adjustedPValue !== undefined ? formatPValue(khi.adjustedPValue) : '-';
  return `${pad(khi.name, 16)}${painted}${pad(khi.test, 14)}${pad(p, 9)}${pad(adjusted, 12)}${effectText(khi)}`;
}

function effectText(khi: KhiResult): string {
  const { canary, baseline, ratio } = khi.effect;
  if (canary === undefined || baseline === undefined) return '';
  const ratioText = ratio !== undefined ? ` (×${formatValue(ratio)})` : '';
  return `${formatValue(baseline)} → ${formatValue(canary)}${ratioText}`;
}

function scoreTimeline(judgements: readonly Judgement[]): string {
  return judgements.map((j) => `${j.interval}:${j.score ?? '-'}`).join(' ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}
