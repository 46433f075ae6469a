/**
 * The journey runner against real Chromium and the demo shop started in-process. One runner (one
 * browser) is shared by the whole file, as a worker process shares it between journeys.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop, type RunningShop } from '../../examples/demo-shop/shop.js';
import { checkProbeFiles } from '../../src/journeys/load-probe.js';
import type { LoadedProbe, Probe } from '../../src/journeys/probe.js';
import {
  createPlaywrightJourneyRunner,
  type PlaywrightJourneyRunner,
} from '../../src/journeys/playwright-journey-runner.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { zipEntryNames } from '../support/zip-entries.js';

let healthy: RunningShop;
let broken: RunningShop;
let store: ArtifactStore;
let runner: PlaywrightJourneyRunner;
const probes = new Map<string, LoadedProbe>();

beforeAll(async () => {
  [healthy, broken] = await Promise.all([
    startShop({ version: 'v1', track: 'baseline' }),
    startShop({ version: 'v2', track: 'canary', brokenCheckout: true }),
  ]);
  store = createMemoryArtifactStore();
  runner = createPlaywrightJourneyRunner({
    logger: pino({ level: 'silent' }),
    artifactStore: store,
    concurrency: 2,
  });
  const checks = await checkProbeFiles(
    [
      'probes/checkout.ts',
      'probes/login.ts',
      'test/fixtures/probes/hanging.ts',
      'test/fixtures/probes/foreign-host.ts',
    ],
    { reuseCompiled: true },
  );
  for (const check of checks) {
    if (!check.ok) throw check.error;
    probes.set(check.probe.name, check.probe);
  }
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await Promise.all([healthy?.stop(), broken?.stop()]);
});

function probe(name: string): LoadedProbe {
  const found = probes.get(name);
  if (found === undefined) throw new Error(`probe ${name} not loaded`);
  return found;
}

describe('playwright journey runner', () => {
  it('passes the checkout journey on a healthy shop, with each step timed and no evidence kept', async () => {
    const result = await runner.run({
      probe: probe('checkout'),
      baseUrl: healthy.url,
      evidence: { verificationId: 'healthy', pathPrefix: 'journeys/canary/checkout-1', policy: 'failures' },
    });
    expect(result.outcome, result.reason).toBe('pass');
    expect(result.steps.map((step) => [step.name, step.status])).toEqual([
      ['browse products', 'passed'],
      ['add to cart', 'passed'],
      ['check out', 'passed'],
    ]);
    for (const step of result.steps) expect(step.durationMs).toBeGreaterThan(0);
    expect(result.probeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.artifacts).toEqual([]);
    expect(await store.list('healthy')).toEqual([]);
    expect(healthy.counts()['/checkout']).toEqual({ '200': 1 });
  });

  it('passes the login journey: signs in and keeps the session on the next page', async () => {
    const result = await runner.run({ probe: probe('login'), baseUrl: healthy.url });
    expect(result.outcome, result.reason).toBe('pass');
    expect(result.steps.every((step) => step.status === 'passed')).toBe(true);
  });

  it('fails checkout when the button is broken though every response is 200, keeping a screenshot and trace', async () => {
    const result = await runner.run({
      probe: probe('checkout'),
      baseUrl: broken.url,
      evidence: { verificationId: 'broken', pathPrefix: 'journeys/canary/checkout-1' },
    });
    expect(result.outcome).toBe('fail');
    expect(result.failedStep).toBe('check out');
    expect(result.reason).toContain('step "check out" failed: #order-confirmation did not appear');
    expect(result.reason).toContain('ReferenceError: submitOrderWithNewPaymentFlow is not defined');
    expect(result.consoleErrors).toEqual(['ReferenceError: submitOrderWithNewPaymentFlow is not defined']);
    expect(result.steps.map((step) => step.status)).toEqual(['passed', 'passed', 'failed']);
    // The metrics see nothing wrong: no error status, and no order ever posted.
    expect(Object.keys(broken.counts()).sort()).toEqual(['/cart', '/products']);
    expect(result.failedRequests).toEqual([]);

    const stored = await store.list('broken');
    expect(stored.map((ref) => ref.path)).toEqual([
      'journeys/canary/checkout-1/journey.json',
      'journeys/canary/checkout-1/screenshot.png',
      'journeys/canary/checkout-1/trace.zip',
    ]);
    expect(result.artifacts).toHaveLength(3);
    const trace = await store.read('broken', 'journeys/canary/checkout-1/trace.zip');
    const entries = zipEntryNames(trace);
    expect(entries).toEqual(expect.arrayContaining(['trace.trace', 'trace.network']));
    expect(entries.some((name) => name.startsWith('resources/') || name.startsWith('screencast/'))).toBe(
      true,
    );
    const screenshot = await store.read('broken', 'journeys/canary/checkout-1/screenshot.png');
    expect(Buffer.from(screenshot.subarray(0, 8))).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const recorded = JSON.parse(
      Buffer.from(await store.read('broken', 'journeys/canary/checkout-1/journey.json')).toString(),
    ) as { outcome: string; reason: string };
    expect(recorded).toMatchObject({ outcome: 'fail', reason: result.reason });
  });

  it('ends a hanging probe as an error at its timeoutMs, and the browser serves the next journey', async () => {
    const hanging = probe('hanging');
    const started = performance.now();
    const result = await runner.run({
      probe: hanging,
      baseUrl: healthy.url,
      evidence: { verificationId: 'hanging', pathPrefix: 'journeys/hanging' },
    });
    const elapsedMs = performance.now() - started;
    expect(result.outcome).toBe('error');
    expect(result.reason).toBe(
      'did not finish within its timeoutMs of 1500 ms (in step "wait forever"); its page was closed',
    );
    expect(result.steps.map((step) => step.status)).toEqual(['passed', 'timed-out']);
    expect(result.durationMs).toBeGreaterThanOrEqual(1400);
    expect(result.durationMs).toBeLessThan(2500);
    // Evidence (screenshot, trace) and closing the context are bounded too.
    expect(elapsedMs).toBeLessThan(hanging.timeoutMs + 8000);
    expect(result.artifacts.map((ref) => ref.path)).toContain('journeys/hanging/trace.zip');

    const launches = runner.browserLaunches;
    const next = await runner.run({ probe: probe('login'), baseUrl: healthy.url });
    expect(next.outcome, next.reason).toBe('pass');
    expect(runner.browserLaunches).toBe(launches);
  });

  it('blocks a probe that navigates to a foreign host and names the host in an error', async () => {
    const result = await runner.run({ probe: probe('foreign-host'), baseUrl: healthy.url });
    expect(result.outcome).toBe('error');
    expect(result.blockedHosts).toEqual(['admin.internal.example:8080']);
    expect(result.reason).toBe(
      `the journey tried to reach admin.internal.example:8080, outside the allowed hosts (${new URL(healthy.url).host}); those requests were blocked`,
    );
    expect(result.failedRequests).toEqual([
      {
        method: 'GET',
        url: 'http://admin.internal.example:8080/users',
        failure: 'net::ERR_BLOCKED_BY_CLIENT',
      },
    ]);
  });

  it('allows the extra origins it is given (the other group), and catches a redirect to any other host', async () => {
    // Redirects to port 9 on loopback (discard): nothing listens, nothing leaves the machine.
    const redirecting = createServer((_request, response) => {
      response.writeHead(302, { location: 'http://localhost:9/elsewhere' }).end();
    });
    const redirectUrl = await listen(redirecting);
    const visitBothThenRedirect: Probe = {
      name: 'visit-both',
      description: 'Visits the other group, then a page that redirects elsewhere.',
      timeoutMs: 5000,
      steps: ['visit other group', 'follow redirect'],
      run: async ({ page, baseUrl, step }) => {
        await step('visit other group', async () => void (await page.goto(`${broken.url}/products`)));
        // The redirect target refuses the connection; the journey's outcome is the point here.
        await step('follow redirect', async () => void (await page.goto(baseUrl).catch(() => null)));
      },
    };
    try {
      const toHealthyShop = await runner.run({
        probe: {
          ...visitBothThenRedirect,
          run: async (context) => visitBothThenRedirect.run({ ...context, baseUrl: healthy.url }),
        },
        baseUrl: healthy.url,
        allowedOrigins: [broken.url],
      });
      expect(toHealthyShop.outcome, toHealthyShop.reason).toBe('pass');
      expect(toHealthyShop.blockedHosts).toEqual([]);

      const redirected = await runner.run({
        probe: visitBothThenRedirect,
        baseUrl: redirectUrl,
        allowedOrigins: [broken.url],
      });
      expect(redirected.outcome).toBe('error');
      expect(redirected.blockedHosts).toEqual(['localhost:9']);
      expect(redirected.reason).toContain(
        'the journey tried to reach localhost:9, outside the allowed hosts',
      );
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('starts a new browser when the current one is killed', async () => {
    const first = await runner.run({ probe: probe('login'), baseUrl: healthy.url });
    expect(first.outcome, first.reason).toBe('pass');
    const launches = runner.browserLaunches;
    await waitForExit(killBrowserProcesses());
    const next = await runner.run({ probe: probe('login'), baseUrl: healthy.url });
    expect(next.outcome, next.reason).toBe('pass');
    expect(runner.browserLaunches).toBe(launches + 1);
  });

  it('makes a journey whose browser is killed mid-way an error, not a fail', async () => {
    const killed = await runner.run({
      probe: {
        name: 'killed',
        description: 'The browser dies during the step.',
        timeoutMs: 10_000,
        steps: ['open shop'],
        run: async ({ page, baseUrl, step }) => {
          await step('open shop', async () => {
            await page.goto(baseUrl);
            killBrowserProcesses();
            await page.waitForTimeout(5000);
          });
        },
      },
      baseUrl: healthy.url,
    });
    expect(killed.outcome).toBe('error');
    expect(killed.reason).toContain('Chromium disconnected during the journey');
  });

  it('runs at most `concurrency` journeys at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = createServer((request, response) => {
      // Only the journeys' own page counts: Chromium's favicon fetch can outlive its journey.
      if (request.url !== '/slow') return void response.writeHead(404).end();
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(200, { 'content-type': 'text/html' }).end('<p id="done">slow page</p>');
      }, 300);
    });
    const slowUrl = await listen(slow);
    const slowProbe: Probe = {
      name: 'slow',
      description: 'One slow page.',
      timeoutMs: 10_000,
      steps: ['open slow page'],
      run: async ({ page, baseUrl, step }) => {
        await step('open slow page', async () => void (await page.goto(`${baseUrl}/slow`)));
      },
    };
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => runner.run({ probe: slowProbe, baseUrl: slowUrl })),
      );
      expect(results.map((result) => result.outcome)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
      expect(maxInFlight).toBe(2);
    } finally {
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('makes misuse of step() an error: an undeclared step, or a declared step never run', async () => {
    const base = { name: 'misuse', description: 'Misuses steps.', timeoutMs: 5000, steps: ['one', 'two'] };
    const undeclared = await runner.run({
      probe: { ...base, run: async ({ step }) => void (await step('three', () => Promise.resolve())) },
      baseUrl: healthy.url,
    });
    expect(undeclared).toMatchObject({
      outcome: 'error',
      reason: 'the probe misuses step(): step "three" is not declared in steps (one, two)',
    });
    const missing = await runner.run({
      probe: { ...base, run: async ({ step }) => void (await step('one', () => Promise.resolve())) },
      baseUrl: healthy.url,
    });
    expect(missing).toMatchObject({
      outcome: 'error',
      reason: 'the probe finished without running step(s) "two"; every declared step must run',
    });
  });
});

/** SIGKILLs the Chromium processes this test process started (Playwright's child). */
function killBrowserProcesses(): string[] {
  const pids = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((pid) => pid !== '');
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
  return pids;
}

/** Resolves once none of `pids` runs any more (a crash is seen by the next journey). */
async function waitForExit(pids: readonly string[]): Promise<void> {
  const deadline = performance.now() + 5000;
  while (
    pids.some(
      (pid) =>
        existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z',
    )
  ) {
    if (performance.now() > deadline) throw new Error(`processes ${pids.join(', ')} still run after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}
