import { afterEach, describe, expect, it } from 'vitest';
import { runStatusCommand, runVerifyCommand, type VerifyOptions } from '../../src/cli/verify-command.js';
import { createVigilClient } from '../../src/cli/vigil-client.js';
import type { Verdict } from '../../src/verification/verification.js';
import { TOKENS, buildTestApp, type TestApp } from '../api/build-test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function listening(): Promise<{ url: string; app: TestApp }> {
  t = await buildTestApp();
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { url, app: t };
}

const options: VerifyOptions = {
  service: 'shop',
  environment: 'production',
  version: 'v2',
  baselineVersion: 'v1',
  ruleSet: 'web-service',
  strategy: 'canary',
  canaryLabel: [],
  baselineLabel: [],
  wait: true,
  timeoutSeconds: 20,
};

function io() {
  const lines: string[] = [];
  return {
    lines,
    io: {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(`ERR ${l}`),
      now: () => Date.now(),
    },
  };
}

function verdict(outcome: Verdict['outcome']): Verdict {
  return {
    outcome,
    decidedAt: new Date().toISOString(),
    decidedAtInterval: 3,
    score: outcome === 'promote' ? 100 : 0,
    khis: [],
    reasons: [`decided ${outcome}`],
  };
}

describe('vigil verify', () => {
  it.each([
    ['promote', 0],
    ['rollback', 3],
    ['inconclusive', 4],
    ['aborted', 4],
  ] as const)('exits by verdict: %s → %i, printing the reasons', async (outcome, code) => {
    const { url, app } = await listening();
    const { lines, io: out } = io();
    const running = runVerifyCommand(
      { ...options, id: `d-${outcome}` },
      createVigilClient(url, TOKENS.admin),
      out,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.store.decide(`d-${outcome}`, verdict(outcome));
    expect(await running).toBe(code);
    expect(lines.join('\n')).toContain(`${outcome.toUpperCase()} after interval 3`);
    expect(lines.join('\n')).toContain(`why: decided ${outcome}`);
    const marker = (await app.store.get(`d-${outcome}`))?.marker;
    expect(marker?.canary.labels).toEqual({ version: 'v2' });
    expect(marker?.baseline.labels).toEqual({ version: 'v1' });
  });

  it('exits 2 when the daemon refuses the marker, with its reasons', async () => {
    const { url } = await listening();
    const { lines, io: out } = io();
    expect(
      await runVerifyCommand({ ...options, ruleSet: 'nope' }, createVigilClient(url, TOKENS.admin), out),
    ).toBe(2);
    expect(lines.join('\n')).toMatch(/422 UNKNOWN_RULE_SET/);
  });

  it('exits 2 on a bad label flag and on a missing token scope', async () => {
    const { url } = await listening();
    const { io: out } = io();
    expect(
      await runVerifyCommand(
        { ...options, canaryLabel: ['novalue'] },
        createVigilClient(url, TOKENS.admin),
        out,
      ),
    ).toBe(2);
    expect(await runVerifyCommand(options, createVigilClient(url, TOKENS.reader), out)).toBe(2);
  });

  it('exits 1 when Vigil cannot be reached', async () => {
    const { lines, io: out } = io();
    expect(await runVerifyCommand(options, createVigilClient('http://127.0.0.1:1', TOKENS.admin), out)).toBe(
      1,
    );
    expect(lines.join('\n')).toMatch(/cannot reach Vigil/);
  });

  it('exits 4 when no verdict arrives before --timeout-seconds', async () => {
    const { url } = await listening();
    const { lines, io: out } = io();
    expect(
      await runVerifyCommand({ ...options, timeoutSeconds: 1 }, createVigilClient(url, TOKENS.admin), out),
    ).toBe(4);
    expect(lines.join('\n')).toMatch(/no verdict within 1s/);
  });

  it('follows an existing deployment with --deployment and prints progress lines without a terminal', async () => {
    const { url, app } = await listening();
    const { io: out } = io();
    await runVerifyCommand(
      { ...options, id: 'followed', wait: false },
      createVigilClient(url, TOKENS.admin),
      out,
    );
    const follower = io();
    const running = runVerifyCommand(
      { ...options, deployment: 'followed' },
      createVigilClient(url, TOKENS.admin),
      follower.io,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.store.decide('followed', verdict('rollback'));
    expect(await running).toBe(3);
    expect(follower.lines[0]).toMatch(/^deployment followed: interval 0\/10, score /);
    expect(follower.lines.join('\n')).toContain('ROLLBACK after interval 3');
  });

  it('vigil status prints the state and exits 2 for an unknown id', async () => {
    const { url } = await listening();
    const { lines, io: out } = io();
    await runVerifyCommand({ ...options, id: 'st', wait: false }, createVigilClient(url, TOKENS.admin), out);
    expect(await runStatusCommand('st', createVigilClient(url, TOKENS.admin), out)).toBe(0);
    expect(lines.join('\n')).toMatch(/deployment st: interval 0\/10, score -, pending/);
    expect(await runStatusCommand('missing', createVigilClient(url, TOKENS.admin), out)).toBe(2);
  });
});
