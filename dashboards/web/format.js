/** Formatting shared by the pages: times, verdict badges, numbers. */
import { h } from './dom.js';

export const STATUSES = ['promote', 'rollback', 'inconclusive', 'aborted', 'analyzing', 'pending'];
/** One colour per state; the badge always shows the word too. */
export const STATUS_COLOURS = {
  promote: '#1a7f37',
  rollback: '#cf222e',
  inconclusive: '#9a6700',
  aborted: '#6e7781',
  analyzing: '#0969da',
  pending: '#8c959f',
};

/** A verdict or state as a coloured badge with its word. */
export function badge(status) {
  return h('span', { className: `badge badge-${status}`, dataset: { status } }, status);
}

/** ISO-8601 or ms → `2026-03-01 12:00:05 UTC`. */
export function formatTime(value) {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function formatNumber(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toPrecision(digits)).toString();
}

/** Named time ranges of the pickers. */
export const RANGES = {
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};

/** `{ from, to }` in ms for a named range ending now. */
export function rangeOf(name) {
  const to = Date.now();
  return { from: to - (RANGES[name] ?? RANGES['7d']), to };
}

/** A `<select>` of choices, `selected` chosen; `''` means any. */
export function select(name, choices, selected, anyLabel) {
  const options = [
    ...(anyLabel === undefined ? [] : [h('option', { value: '' }, anyLabel)]),
    ...choices.map((choice) => h('option', { value: choice, selected: choice === selected }, choice)),
  ];
  return h('select', { name, id: `filter-${name}` }, options);
}
