/**
 * Apache Commons Math `Precision.round(x, scale)`: round the decimal representation of x
 * (`Double.toString`) half-up (away from zero) to `scale` places — not binary `toFixed` rounding,
 * so 0.125 → 0.13 and 2.675 → 2.68 as in Kayenta's summary score.
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/.../scorers/WeightedSumScorer.scala (commit
 * f8b98eba), Apache Commons Math 3 `org.apache.commons.math3.util.Precision.round`.
 */

/** x rounded half-up to `scale` decimal places of its shortest decimal form; non-finite x unchanged. */
export function roundHalfUp(x: number, scale: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const [mantissa = '0', exponent] = Math.abs(x).toString().split('e');
  const [intPart = '0', frac = ''] = mantissa.split('.');
  let digits = intPart + frac;
  let point = intPart.length + (exponent === undefined ? 0 : Number(exponent));
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const keep = point + scale;
  if (digits.length <= keep) return x;
  let kept = BigInt(digits.slice(0, keep));
  if ((digits[keep] ?? '0') >= '5') kept += 1n;
  return sign * Number(`${kept.toString()}e-${scale}`);
}
