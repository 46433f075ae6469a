/** Loading probes: compiled with the project's TypeScript, exports checked against the contract. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProbeFiles, loadProbeDirectory, type ProbeCheck } from '../../src/journeys/load-probe.js';
import { ProbeError } from '../../src/journeys/probe-error.js';

let scratch: string;
let checks: Map<string, ProbeCheck>;
const brokenFile = () => join(scratch, 'does-not-compile.ts');

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vigil-probes-'));
  // Probes are ES modules; outside the project their folder says so itself.
  await writeFile(join(scratch, 'package.json'), '{ "type": "module" }\n');
  await writeFile(
    brokenFile(),
    [
      "export const name = 'broken';",
      "export const description = 'Assigns a string to a number.';",
      "export const timeoutMs: number = 'soon';",
      "export const steps = ['one'];",
      'export const run = async () => undefined;',
      '',
    ].join('\n'),
  );
  // One program for every file, as `vigil probe check` does: type-checking takes seconds.
  const files = [
    'probes/checkout.ts',
    'probes/login.ts',
    'test/fixtures/probes/throws-at-import.ts',
    'test/fixtures/probes/invalid-metadata.ts',
    brokenFile(),
    join(scratch, 'missing.ts'),
  ];
  checks = new Map((await checkProbeFiles(files)).map((check) => [check.file, check]));
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function errorOf(file: string): ProbeError {
  const check = checks.get(file);
  if (check === undefined || check.ok) throw new Error(`${file} was expected to fail`);
  expect(check.error).toBeInstanceOf(ProbeError);
  return check.error;
}

describe('loading probes', () => {
  it('loads the shipped probes with their metadata and source hash', () => {
    const checkout = checks.get('probes/checkout.ts');
    expect(checkout?.ok).toBe(true);
    if (!checkout?.ok) return;
    expect(checkout.probe).toMatchObject({
      name: 'checkout',
      steps: ['browse products', 'add to cart', 'check out'],
      file: 'probes/checkout.ts',
    });
    expect(checkout.probe.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof checkout.probe.run).toBe('function');
    expect(checks.get('probes/login.ts')).toMatchObject({ ok: true, probe: { name: 'login' } });
  });

  it('reports a probe that does not compile with the line, column and TypeScript message', () => {
    const error = errorOf(brokenFile());
    expect(error.code).toBe('COMPILE_FAILED');
    expect(error.message).toContain(`${brokenFile()}: does not compile (1 error(s)):`);
    expect(error.message).toContain(
      "line 3, column 14: TS2322: Type 'string' is not assignable to type 'number'.",
    );
  });

  it('reports a probe that throws while loading, with its error', () => {
    const error = errorOf('test/fixtures/probes/throws-at-import.ts');
    expect(error.code).toBe('IMPORT_FAILED');
    expect(error.message).toBe(
      'test/fixtures/probes/throws-at-import.ts: threw while loading: Error: probe setting SHOP_API_KEY is missing',
    );
  });

  it('lists every way a module misses the probe contract', () => {
    const error = errorOf('test/fixtures/probes/invalid-metadata.ts');
    expect(error.code).toBe('INVALID_PROBE');
    expect(error.message).toBe(
      'test/fixtures/probes/invalid-metadata.ts: not a valid probe: name: must match ^[a-z0-9][a-z0-9-]{0,62}$; timeoutMs: must be >= 1000; steps: must have at least 1 item(s); run: must be an exported function ({ page, baseUrl, step }) => Promise<void>',
    );
  });

  it('reports a file that does not exist', () => {
    expect(errorOf(join(scratch, 'missing.ts')).code).toBe('PROBE_NOT_FOUND');
  });

  it('loads a directory of compiled .js probes by name and rejects a duplicate name', async () => {
    const dir = join(scratch, 'dist-probes');
    const module = (name: string) =>
      `export const name = '${name}'; export const description = 'd'; export const timeoutMs = 5000; export const steps = ['s']; export async function run() {}\n`;
    await mkdir(dir);
    await writeFile(join(dir, 'a.js'), module('alpha'));
    await writeFile(join(dir, 'b.js'), module('alpha'));
    await writeFile(join(dir, 'c.js'), module('gamma'));
    await writeFile(join(dir, 'c.js.map'), '{}');
    const catalog = await loadProbeDirectory(dir);
    expect([...catalog.probes.keys()]).toEqual(['alpha', 'gamma']);
    expect(catalog.problems.map((problem) => problem.message)).toEqual([
      `${join(dir, 'b.js')}: probe name "alpha" is already used by ${join(dir, 'a.js')}`,
    ]);
  });
});
