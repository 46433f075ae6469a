/** Loads the SciPy reference fixtures written by test/fixtures/scipy/generate.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface Fixture<C> {
  readonly notes: string;
  readonly samples?: Readonly<Record<string, { readonly x: number[]; readonly y: number[] }>>;
  readonly cases: readonly C[];
}

/** Parses test/fixtures/scipy/<name>.json. */
export function loadFixture<C>(name: string): Fixture<C> {
  const url = new URL(`../../fixtures/scipy/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Fixture<C>;
}

/** The two samples of a named fixture sample. */
export function sampleOf<C>(fixture: Fixture<C>, name: string): { x: number[]; y: number[] } {
  const sample = fixture.samples?.[name];
  if (sample === undefined) throw new Error(`fixture sample ${name} missing`);
  return sample;
}

/** JSON stores infinities and NaN as strings. */
export function num(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Relative closeness with an absolute floor (1e-300 by default, for underflowing p-values). */
export function expectClose(
  actual: number,
  expected: number | string,
  label: string,
  rel = 1e-9,
  abs = 1e-300,
): void {
  const e = num(expected);
  if (Number.isNaN(e)) {
    expect(actual, label).toBeNaN();
    return;
  }
  if (!Number.isFinite(e)) {
    expect(actual, label).toBe(e);
    return;
  }
  const tolerance = Math.max(abs, rel * Math.abs(e));
  if (!(Math.abs(actual - e) <= tolerance)) {
    expect.fail(
      `${label}: expected ${e}, got ${actual} (relative error ${Math.abs(actual - e) / Math.abs(e)})`,
    );
  }
}
