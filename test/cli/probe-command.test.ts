import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop, type RunningShop } from '../../examples/demo-shop/shop.js';
import {
  runProbeCheckCommand,
  runProbeRunCommand,
  type ProbeRunOptions,
} from '../../src/cli/probe-command.js';
import { zipEntryNames } from '../support/zip-entries.js';

let healthy: RunningShop;
let broken: RunningShop;
let scratch: string;

beforeAll(async () => {
  [healthy, broken] = await Promise.all([
    startShop({ version: 'v1', track: 'baseline' }),
    startShop({ version: 'v2', track: 'canary', brokenCheckout: true }),
  ]);
  scratch = await mkdtemp(join(tmpdir(), 'vigil-probe-cli-'));
});

afterAll(async () => {
  await Promise.all([healthy?.stop(), broken?.stop()]);
  await rm(scratch, { recursive: true, force: true });
});

async function probeRun(file: string, options: Partial<ProbeRunOptions> & { url: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runProbeRunCommand(
    file,
    {
      chromium: '/usr/bin/chromium',
      allowOrigin: [],
      format: 'text',
      logger: pino({ level: 'silent' }),
      ...options,
    },
    { out: (t) => out.push(t), err: (t) => err.push(t) },
  );
  return { exitCode, out: out.join('\n'), err: err.join('\n') };
}

async function probeCheck(path: string) {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runProbeCheckCommand(path, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { exitCode, out: out.join('\n'), err: err.join('\n') };
}

describe('vigil probe run', () => {
  it('prints each step with its time and exits 0 when the journey passes', async () => {
    const { exitCode, out, err } = await probeRun('probes/checkout.ts', { url: healthy.url });
    expect(err).toBe('');
    expect(exitCode).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`probe checkout (probes/checkout.ts) against ${healthy.url}`);
    expect(lines[1]).toMatch(/^ {2}ok {3}browse products +\d+ ms$/);
    expect(lines[2]).toMatch(/^ {2}ok {3}add to cart +\d+ ms$/);
    expect(lines[3]).toMatch(/^ {2}ok {3}check out +\d+ ms$/);
    expect(lines[4]).toMatch(/^pass: all 3 step\(s\) passed in \d+ ms$/);
  });

  it('exits 3 when a step fails and writes the trace and screenshot where --trace says', async () => {
    const trace = join(scratch, 'checkout.zip');
    const { exitCode, out } = await probeRun('probes/checkout.ts', { url: broken.url, trace });
    expect(exitCode).toBe(3);
    expect(out).toContain('  FAIL check out');
    expect(out).toContain('fail: step "check out" failed');
    expect(out).toContain(`trace: ${trace} (open with: npx playwright show-trace ${trace})`);
    expect(out).toContain(`screenshot: ${join(scratch, 'checkout.png')}`);
    expect(zipEntryNames(await readFile(trace))).toEqual(
      expect.arrayContaining(['trace.trace', 'trace.network']),
    );
  });

  it('exits 4 when the journey errors (a hanging probe)', async () => {
    const { exitCode, out } = await probeRun('test/fixtures/probes/hanging.ts', {
      url: healthy.url,
      format: 'json',
    });
    expect(exitCode).toBe(4);
    expect(JSON.parse(out)).toMatchObject({ outcome: 'error', probe: 'hanging' });
  });

  it('exits 2 for a probe that does not load or a bad URL, saying why', async () => {
    const thrown = await probeRun('test/fixtures/probes/throws-at-import.ts', { url: healthy.url });
    expect(thrown.exitCode).toBe(2);
    expect(thrown.err).toContain('threw while loading: Error: probe setting SHOP_API_KEY is missing');
    const badUrl = await probeRun('probes/checkout.ts', { url: 'localhost:8080' });
    expect(badUrl).toMatchObject({
      exitCode: 2,
      err: 'vigil probe run: "localhost:8080" is not an http(s) URL',
    });
  });
});

describe('vigil probe check', () => {
  it('accepts the shipped probes', async () => {
    const { exitCode, out, err } = await probeCheck('probes');
    expect(err).toBe('');
    expect(exitCode).toBe(0);
    expect(out.split('\n')).toEqual([
      'ok   probes/checkout.ts: probe checkout, 3 step(s) (browse products, add to cart, check out), timeout 20000 ms',
      'ok   probes/login.ts: probe login, 3 step(s) (open sign-in page, sign in, stay signed in), timeout 15000 ms',
    ]);
  });

  it('lists every probe that does not load and exits 2', async () => {
    const { exitCode, out, err } = await probeCheck('test/fixtures/probes');
    expect(exitCode).toBe(2);
    expect(out).toContain('ok   test/fixtures/probes/hanging.ts');
    expect(err).toContain('test/fixtures/probes/invalid-metadata.ts: not a valid probe:');
    expect(err).toContain('test/fixtures/probes/throws-at-import.ts: threw while loading:');
  });
});
