/** Words for a KHI's move and for time gaps, shared by change-point reasons and blame explanations. */
import { formatValue } from '../judge/format-numbers.js';

/**
 * How a level moved, without the KHI's name: "rose 4.1×" or "rose 35%" when both levels are
 * positive, "fell 62%" likewise, else "rose from −2 to 3"; "did not move" when equal.
 */
export function describeMove(before: number, after: number): string {
  if (after === before) return 'did not move';
  const verb = after > before ? 'rose' : 'fell';
  if (before > 0 && after > 0) {
    const ratio = after / before;
    if (ratio >= 2) return `rose ${formatFactor(ratio)}×`;
    return `${verb} ${formatPercent(Math.abs(ratio - 1))}`;
  }
  return `${verb} from ${formatValue(before)} to ${formatValue(after)}`;
}

/** "0.0099 → 0.0281": the two levels with three significant digits. */
export function describeLevels(before: number, after: number): string {
  return `${formatValue(before)} → ${formatValue(after)}`;
}

/** A gap in milliseconds for people: "40 s", "3 min", "1 h 5 min", "2 d 3 h". */
export function formatGap(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A multiplicative factor ≥ 2: one decimal below 10 (3.0, 4.1), whole above (12, 350), then 2.0e+8. */
function formatFactor(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio < 9.95) return ratio.toFixed(1);
  return ratio < 1e5 ? Math.round(ratio).toString() : ratio.toExponential(1);
}

/** A relative change as a percentage with two significant digits: 0.354 → "35%", 0.0042 → "0.42%". */
function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(2)).toString()}%`;
}
