/**
 * The report's KHI part: one card per KHI result — failed first, then those that could not be
 * judged, then passes — with the classification in words, the reason, the test's numbers and a
 * chart of baseline against canary interval by interval. Pure.
 */
import { formatPValue } from '../analysis/judge/format-numbers.js';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import { escapeHtml } from './escape-html.js';
import type { KhiSeries } from './interval-series.js';
import { formatInUnit, subjectOf, unitOf, type KhiUnit } from './khi-wording.js';
import { renderIntervalChart, type ChartLine } from './report-charts.js';
import type { ReportInput } from './report-input.js';
import { anchorOf, linkTo } from './report-links.js';

/** KHIs drawn as cards; further ones (passes, since failures sort first) go in a compact table. */
export const MAX_KHI_CARDS = 24;

/** Tests whose confidence interval is on the rate ratio; the others' is on the difference. */
const RATIO_INTERVAL_TESTS: ReadonlySet<string> = new Set(['poisson', 'msprt', 'fisher']);

type CardState = 'failed' | 'pass' | 'unsure';

/** Failed critical, failed, error, no data, inconclusive, pass; stable within each. */
export function orderKhis(khis: readonly KhiResult[]): KhiResult[] {
  const rank = (khi: KhiResult): number => {
    if (khi.failed) return khi.critical ? 0 : 1;
    return { error: 2, nodata: 3, inconclusive: 4, high: 5, low: 5, pass: 6 }[khi.classification];
  };
  return khis
    .map((khi, order) => ({ khi, order }))
    .sort((a, b) => rank(a.khi) - rank(b.khi) || a.order - b.order)
    .map(({ khi }) => khi);
}

/** The KHI section: a one-line count, the cards, and the rest as a table. */
export function renderKhiSection(input: ReportInput): string {
  const ordered = orderKhis(input.khis);
  if (ordered.length === 0)
    return `<section id="khis"><h2>Key health indicators</h2><p class="no-data">No KHI has been judged yet.</p></section>`;
  const probes = [...new Set(input.journeys.map((journey) => journey.probe))];
  const failed = ordered.filter((khi) => khi.failed).length;
  const passed = ordered.filter((khi) => cardState(khi) === 'pass').length;
  const cards = ordered.slice(0, MAX_KHI_CARDS).map((khi) => renderKhiCard(khi, input, probes));
  const rest = ordered.slice(MAX_KHI_CARDS);
  return [
    `<section id="khis"><h2>Key health indicators</h2>`,
    `<p>${ordered.length} KHI result(s): <strong>${failed} failed</strong>, ${passed} passed, ${ordered.length - failed - passed} not (yet) judged either way. Failed ones come first.</p>`,
    ...cards,
    rest.length === 0 ? '' : renderCompactTable(rest, probes),
    `</section>`,
  ].join('');
}

function renderKhiCard(khi: KhiResult, input: ReportInput, probes: readonly string[]): string {
  const unit = unitOf(khi, subjectOf(khi, probes));
  const state = cardState(khi);
  const description = input.ruleSet?.khis.find((rule) => rule.name === khi.name)?.description;
  const chart = renderChart(khi, input, input.series[khi.name], unit);
  const evidence = (khi.evidence ?? []).map(linkTo);
  return [
    `<article class="khi state-${state}" id="${escapeHtml(anchorOf(khi.name))}">`,
    `<h3><span class="badge state-${state}">${escapeHtml(badgeWord(khi))}</span> ${escapeHtml(khi.name)}`,
    khi.critical ? ` <span class="tag">critical</span>` : '',
    `</h3>`,
    description === undefined ? '' : `<p class="muted">${escapeHtml(description)}</p>`,
    `<p class="reason">${escapeHtml(khi.reason)}</p>`,
    `<div class="khi-body"><div class="chart-box">${chart}</div>${renderNumbers(khi, unit)}</div>`,
    evidence.length === 0 ? '' : `<p class="muted">Evidence: ${evidence.join(', ')}</p>`,
    `</article>`,
  ].join('');
}

function cardState(khi: KhiResult): CardState {
  if (khi.failed) return 'failed';
  return khi.classification === 'pass' || khi.classification === 'high' || khi.classification === 'low'
    ? 'pass'
    : 'unsure';
}

/** Words, not colour alone: what a person reads first on the card. */
function badgeWord(khi: KhiResult): string {
  if (khi.failed) return khi.classification === 'low' ? 'FAILED · fell' : 'FAILED · rose';
  switch (khi.classification) {
    case 'pass':
      return 'PASS';
    case 'high':
      return 'PASS · rose (harmless direction)';
    case 'low':
      return 'PASS · fell (harmless direction)';
    case 'nodata':
      return 'NO DATA';
    case 'inconclusive':
      return 'INCONCLUSIVE';
    case 'error':
      return 'ERROR';
  }
}

function renderChart(
  khi: KhiResult,
  input: ReportInput,
  series: KhiSeries | undefined,
  unit: KhiUnit,
): string {
  const name = escapeHtml(khi.name);
  if (series === undefined || series.points.length === 0)
    return `<p class="no-data">No observations of ${name} were recorded in any interval, so there is nothing to chart.</p>`;
  const chartUnit: KhiUnit = series.measure === 'rate' ? 'rate' : unit === 'rate' ? 'plain' : unit;
  const marker = input.verification?.marker;
  const lines: ChartLine[] = (['baseline', 'canary'] as const).map((role) => ({
    role,
    label: [role, role === 'canary' ? marker?.version : marker?.baselineVersion]
      .filter((part) => part !== undefined)
      .join(' '),
    points: series.points.flatMap((point) => {
      const value = point[role];
      if (value === undefined) return [];
      return [{ x: point.interval, y: value.value, ...(value.band !== undefined && value.band) }];
    }),
  }));
  const decided = input.verdict?.decidedAtInterval ?? 0;
  const last = Math.max(input.progress.intervalsJudged, decided, 1);
  const what = series.measure === 'rate' ? 'rate' : 'median (band: 25th–75th percentile)';
  const seconds = input.ruleSet?.intervalSeconds;
  const svg = renderIntervalChart({
    title: `${khi.name}: baseline and canary ${series.measure} per interval`,
    description: `Per-interval ${what} of ${khi.name} for baseline and canary over ${last} interval(s).`,
    xLabel: `analysis interval${seconds === undefined ? '' : ` (${seconds} s each)`}`,
    yLabel: series.measure === 'rate' ? 'rate in the interval' : 'median in the interval',
    formatY: (value) => formatInUnit(value, chartUnit),
    lines: lines.filter((line) => line.points.length > 0),
    intervals: { first: 1, last },
    ...(decided > 0 && { mark: { x: decided, label: `decided (interval ${decided})` } }),
    fromZero: series.measure === 'rate',
  });
  const missing = lines.filter((line) => line.points.length === 0).map((line) => line.role);
  const caption =
    missing.length === 0 ? '' : `<p class="muted">The ${missing.join(' and ')} had no data for ${name}.</p>`;
  return `${svg ?? ''}${caption}`;
}

function renderNumbers(khi: KhiResult, unit: KhiUnit): string {
  const { effect } = khi;
  const value = (number: number | undefined): string =>
    number === undefined ? '—' : escapeHtml(formatInUnit(number, unit));
  const confidence = effect.confidence === undefined ? '' : `${Math.round(effect.confidence * 100)}% `;
  const ratioInterval =
    RATIO_INTERVAL_TESTS.has(khi.test) && effect.lower !== undefined && effect.upper !== undefined
      ? ` <span class="muted">(${confidence}CI ×${ratioText(effect.lower)} – ×${ratioText(effect.upper)})</span>`
      : '';
  const differenceInterval =
    !RATIO_INTERVAL_TESTS.has(khi.test) && effect.lower !== undefined && effect.upper !== undefined
      ? ` <span class="muted">(${confidence}CI ${signed(effect.lower, unit)} – ${signed(effect.upper, unit)})</span>`
      : '';
  const method = effect.differenceMethod === 'hodges-lehmann' ? ' (Hodges-Lehmann shift)' : '';
  const rows: [string, string][] = [
    [
      'Test',
      `${escapeHtml(khi.test)}${khi.method === undefined ? '' : ` <span class="muted">(${escapeHtml(khi.method)})</span>`}`,
    ],
    ['p-value', khi.pValue === undefined ? '—' : formatPValue(khi.pValue)],
    ['adjusted p-value (decides)', khi.adjustedPValue === undefined ? '—' : formatPValue(khi.adjustedPValue)],
    [unit === 'rate' ? 'Baseline rate' : 'Baseline median', value(effect.baseline)],
    [unit === 'rate' ? 'Canary rate' : 'Canary median', value(effect.canary)],
    [
      'Ratio canary / baseline',
      effect.ratio === undefined ? '—' : `×${ratioText(effect.ratio)}${ratioInterval}`,
    ],
    [
      `Difference${escapeHtml(method)}`,
      effect.difference === undefined
        ? '—'
        : `${escapeHtml(signed(effect.difference, unit))}${differenceInterval}`,
    ],
    ['Samples baseline · canary', `${count(effect.baselineSamples)} · ${count(effect.canarySamples)}`],
  ];
  if (khi.kayenta !== undefined) rows.push(['Kayenta label', escapeHtml(khi.kayenta.label)]);
  return `<table class="numbers"><tbody>${rows.map(([label, cell]) => `<tr><th scope="row">${label}</th><td>${cell}</td></tr>`).join('')}</tbody></table>`;
}

function renderCompactTable(khis: readonly KhiResult[], probes: readonly string[]): string {
  const rows = khis.map((khi) => {
    const unit = unitOf(khi, subjectOf(khi, probes));
    const value = (number: number | undefined) =>
      number === undefined ? '—' : escapeHtml(formatInUnit(number, unit));
    return `<tr><td>${escapeHtml(khi.name)}</td><td>${escapeHtml(badgeWord(khi))}</td><td>${value(khi.effect.baseline)}</td><td>${value(khi.effect.canary)}</td><td>${khi.adjustedPValue === undefined ? '—' : formatPValue(khi.adjustedPValue)}</td><td>${escapeHtml(khi.reason)}</td></tr>`;
  });
  return [
    `<h3>${khis.length} more KHI result(s)</h3>`,
    `<table><thead><tr><th>KHI</th><th>Result</th><th>Baseline</th><th>Canary</th><th>adjusted p</th><th>Reason</th></tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}

function ratioText(ratio: number): string {
  return String(Number(ratio.toPrecision(3)));
}

/** A signed change; rates change by percentage points. */
function signed(value: number, unit: KhiUnit): string {
  const text =
    unit === 'rate'
      ? `${Number((Math.abs(value) * 100).toPrecision(3))} pp`
      : formatInUnit(Math.abs(value), unit);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

function count(samples: number | undefined): string {
  return samples === undefined ? '—' : Math.round(samples).toLocaleString('en-US');
}
