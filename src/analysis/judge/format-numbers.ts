/** Number formatting for reasons: short, and the same everywhere. */

/** A rate as a percentage with sensible precision (0.4823 → "48.2%", 0.000123 → "0.0123%"). */
export function formatRate(rate: number): string {
  const percent = rate * 100;
  if (percent === 0) return '0%';
  return `${percent >= 1 ? percent.toPrecision(3) : percent.toPrecision(2)}%`;
}

/** A measurement with three significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-3
    ? value.toExponential(2)
    : Number(value.toPrecision(3)).toString();
}

/** A p-value: two significant digits, scientific when tiny. */
export function formatPValue(p: number): string {
  if (p >= 0.001) return Number(p.toPrecision(2)).toString();
  return p.toExponential(1);
}

/** A signed relative change: 0.123 → "+12.3%". */
export function formatChange(relative: number): string {
  const text = `${(relative * 100).toPrecision(3)}%`;
  return relative >= 0 ? `+${text}` : text;
}
