/** The runner's pure parts: allowed hosts, the concurrency limit, the step recorder, summaries. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { allowedHostsFor, blockedHostOf, hostOf } from '../../src/journeys/allowed-hosts.js';
import { createConcurrencyLimit } from '../../src/journeys/concurrency-limit.js';
import type { JourneyResult } from '../../src/journeys/journey-result.js';
import { summarizeJourneys } from '../../src/journeys/journey-summary.js';
import { createMemoryJourneyRunner } from '../../src/journeys/memory-journey-runner.js';
import { createPlaywrightJourneyRunner } from '../../src/journeys/playwright-journey-runner.js';
import { createStepRecorder } from '../../src/journeys/step-recorder.js';

describe('allowed hosts', () => {
  const allowed = allowedHostsFor(['http://127.0.0.1:8081', 'https://shop.example/app']);

  it.each([
    ['http://127.0.0.1:8081/cart', undefined],
    ['ws://127.0.0.1:8081/live', undefined],
    ['https://shop.example:443/x', undefined],
    ['data:text/html,hi', undefined],
    ['about:blank', undefined],
    ['http://127.0.0.1:8082/', '127.0.0.1:8082'],
    ['http://shop.example/', 'shop.example:80'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254:80'],
    ['file:///etc/passwd', 'file:'],
  ])('%s → blocked %s', (url, blocked) => {
    expect(blockedHostOf(url, allowed)).toBe(blocked);
  });

  it('fills in default ports and rejects non-http origins', () => {
    expect(hostOf('https://a.example')).toBe('a.example:443');
    expect(hostOf('ftp://a.example')).toBeUndefined();
    expect(() => allowedHostsFor(['ftp://a.example'])).toThrow(
      'allowed origin "ftp://a.example" is not an http(s) URL',
    );
  });
});

describe('concurrency limit', () => {
  it('runs at most the limit at once and the rest in arrival order', async () => {
    const limit = createConcurrencyLimit(2);
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((index) =>
      limit.run(async () => {
        started.push(index);
        await new Promise<void>((resolve) => releases.push(resolve));
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limit.active, limit.waiting]).toEqual([2, 2]);
    releases[0]?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toEqual([0, 1, 2]);
    releases[1]?.();
    releases[2]?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    releases[3]?.();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect([limit.active, limit.waiting]).toEqual([0, 0]);
  });

  it('frees the slot of a task that throws', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('rejects a limit below one', () => {
    expect(() => createConcurrencyLimit(0)).toThrow('concurrency limit must be an integer >= 1, got 0');
  });
});

describe('step recorder', () => {
  it('times each step, records the first failure and skips the rest', async () => {
    let now = 0;
    const failures: string[] = [];
    const recorder = createStepRecorder(['a', 'b', 'c'], {
      clock: () => now,
      onFirstFailure: (step) => Promise.resolve(void failures.push(step)),
    });
    expect(await recorder.step('a', () => Promise.resolve(((now += 12.345), 'value')))).toBe('value');
    await expect(
      recorder.step('b', () => {
        now += 3;
        return Promise.reject(new Error('no button\n  call log'));
      }),
    ).rejects.toThrow('no button');
    expect(recorder.results()).toEqual([
      { name: 'a', status: 'passed', durationMs: 12.3 },
      { name: 'b', status: 'failed', durationMs: 3, error: 'no button' },
      { name: 'c', status: 'skipped' },
    ]);
    expect(recorder.firstFailure?.step).toBe('b');
    expect(failures).toEqual(['b']);
  });

  it('marks the step still running as timed out and reports misuse', async () => {
    const recorder = createStepRecorder(['a'], { clock: () => 0 });
    void recorder.step('a', () => new Promise(() => undefined));
    expect(recorder.running).toBe('a');
    expect(recorder.results()).toEqual([{ name: 'a', status: 'timed-out' }]);
    await expect(recorder.step('a', () => Promise.resolve())).rejects.toThrow('step "a" ran more than once');
    await expect(recorder.step('z', () => Promise.resolve())).rejects.toThrow();
    expect(recorder.misuse).toBe('step "a" ran more than once');
  });
});

describe('summarizeJourneys', () => {
  it('counts outcomes and keeps step durations of passes and fails, not of errors', async () => {
    const runner = createMemoryJourneyRunner((request) =>
      request.baseUrl.endsWith('fail')
        ? {
            outcome: 'fail',
            steps: [
              { name: 'a', status: 'passed', durationMs: 30 },
              { name: 'b', status: 'failed', durationMs: 5 },
            ],
          }
        : request.baseUrl.endsWith('error')
          ? {
              outcome: 'error',
              steps: [
                { name: 'a', status: 'passed', durationMs: 999 },
                { name: 'b', status: 'skipped' },
              ],
            }
          : {
              durationMs: 50,
              steps: [
                { name: 'a', status: 'passed', durationMs: 10 },
                { name: 'b', status: 'passed', durationMs: 20 },
              ],
            },
    );
    const probe = {
      name: 'p',
      description: 'd',
      timeoutMs: 1000,
      steps: ['a', 'b'],
      run: () => Promise.resolve(),
    };
    const results: JourneyResult[] = [];
    for (const baseUrl of ['http://x/pass', 'http://x/fail', 'http://x/error', 'http://x/pass'])
      results.push(await runner.run({ probe, baseUrl }));
    expect(runner.requests).toHaveLength(4);
    expect(summarizeJourneys(results)).toEqual({
      runs: 4,
      passed: 2,
      failed: 1,
      errors: 1,
      stepDurationsMs: { a: [10, 30, 10], b: [20, 20] },
      passingDurationsMs: [50, 50],
    });
  });
});

describe('playwright runner options and requests', () => {
  it('rejects bad options, naming each, before starting anything', () => {
    expect(() =>
      createPlaywrightJourneyRunner({
        logger: pino({ level: 'silent' }),
        concurrency: 0,
        passingEvidenceRate: 2,
      }),
    ).toThrow('invalid journey runner options: concurrency: must be >= 1; passingEvidenceRate: must be <= 1');
  });

  it('rejects a request whose base URL is not http(s) or whose evidence path could escape', async () => {
    const runner = createPlaywrightJourneyRunner({ logger: pino({ level: 'silent' }) });
    const probe = {
      name: 'p',
      description: 'd',
      timeoutMs: 1000,
      steps: ['a'],
      run: () => Promise.resolve(),
    };
    await expect(runner.run({ probe, baseUrl: 'file:///etc' })).rejects.toThrow(
      'journey request: baseUrl "file:///etc" must be http or https',
    );
    await expect(
      runner.run({ probe, baseUrl: 'http://x', evidence: { verificationId: 'v', pathPrefix: '../up' } }),
    ).rejects.toMatchObject({ code: 'INVALID_PATH' });
    expect(runner.browserLaunches).toBe(0);
    await runner.close();
  });
});
