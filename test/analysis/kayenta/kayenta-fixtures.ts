/** Loads the Kayenta test ports in test/fixtures/kayenta (each file names its Scala source and commit). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Parses test/fixtures/kayenta/<name>.json. */
export function loadKayentaFixture<T>(name: string): T {
  const url = new URL(`../../fixtures/kayenta/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as T;
}

/** A sample given inline or by its name in datasets.json. */
export type SampleRef = string | readonly (number | string)[];

const datasets = loadKayentaFixture<{ datasets: Record<string, number[]> }>('datasets').datasets;

/** JSON has no NaN: "NaN" stands for Double.NaN. */
export function num(value: number | string): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** Resolves a sample reference to numbers. */
export function sample(ref: SampleRef): number[] {
  if (typeof ref === 'string') {
    const values = datasets[ref];
    if (values === undefined) throw new Error(`dataset ${ref} missing from datasets.json`);
    return values;
  }
  return ref.map(num);
}

/** Mean and sample variance, for the statistical checks Kayenta's suites make. */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}
