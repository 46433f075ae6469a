/**
 * A seeded re-implementation of `java.util.Random` (48-bit LCG, polar Box-Muller `nextGaussian`),
 * the generator behind Kayenta's `RandomUtils` (scala.util.Random). With the same seed it yields
 * the same Gaussian draws as Kayenta, so the noise Kayenta adds to two constant samples can be
 * replayed; analysis code never calls Math.random.
 *
 * Sources: Java SE `java.util.Random` specification (Knuth TAOCP vol. 2 §3.2.1, §3.4.1 Alg. C);
 * spinnaker/spinnaker kayenta/kayenta-judge/.../utils/RandomUtils.scala (commit f8b98eba).
 */

/** A deterministic source of standard normal draws. */
export interface GaussianSource {
  /** Next N(0, 1) draw. */
  nextGaussian(): number;
}

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;
const DOUBLE_UNIT = 2 ** -53;

/** `new java.util.Random(seed)`; `seed` is a Java long (Scala's `Random(seed: Int)` widens it). */
export function createJavaRandom(seed: number | bigint): GaussianSource {
  let state = (BigInt.asIntN(64, BigInt(seed)) ^ MULTIPLIER) & MASK;
  let nextNextGaussian = 0;
  let haveNextNextGaussian = false;

  const next = (bits: number): number => {
    state = (state * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, state >> BigInt(48 - bits)));
  };
  const nextDouble = (): number => (next(26) * 2 ** 27 + next(27)) * DOUBLE_UNIT;

  return {
    nextGaussian(): number {
      if (haveNextNextGaussian) {
        haveNextNextGaussian = false;
        return nextNextGaussian;
      }
      let v1: number;
      let v2: number;
      let s: number;
      do {
        v1 = 2 * nextDouble() - 1;
        v2 = 2 * nextDouble() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s === 0);
      const multiplier = Math.sqrt((-2 * Math.log(s)) / s);
      nextNextGaussian = v2 * multiplier;
      haveNextNextGaussian = true;
      return v1 * multiplier;
    },
  };
}

/** Kayenta's `RandomUtils.normal`: `count` draws of N(mean, stdev²) from `source`. */
export function normalSamples(source: GaussianSource, mean: number, stdev: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(source.nextGaussian() * stdev + mean);
  return out;
}
