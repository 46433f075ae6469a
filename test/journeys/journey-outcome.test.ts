import { describe, expect, it } from 'vitest';
import { decideJourneyOutcome, type JourneyFacts } from '../../src/journeys/journey-outcome.js';

const passing: JourneyFacts = {
  settlement: { kind: 'resolved' },
  timeoutMs: 10_000,
  steps: [
    { name: 'browse', status: 'passed', durationMs: 120 },
    { name: 'buy', status: 'passed', durationMs: 80 },
  ],
  runningStep: undefined,
  firstFailure: undefined,
  stepMisuse: undefined,
  blockedHosts: [],
  allowedHosts: ['shop:8080'],
  browserDisconnected: false,
  consoleErrors: [],
  durationMs: 212.4,
};

describe('decideJourneyOutcome', () => {
  it.each<[string, Partial<JourneyFacts>, string, string]>([
    ['every step passed', {}, 'pass', 'all 2 step(s) passed in 212 ms'],
    [
      'a step failed',
      {
        firstFailure: { step: 'buy', error: new Error('button missing\ncall log...') },
        settlement: { kind: 'threw', error: new Error('x') },
      },
      'fail',
      'step "buy" failed: button missing',
    ],
    [
      'a step failed and the page reported errors',
      {
        firstFailure: { step: 'buy', error: new Error('no confirmation') },
        consoleErrors: ['ReferenceError: pay is not defined'],
      },
      'fail',
      'step "buy" failed: no confirmation; the page reported: ReferenceError: pay is not defined',
    ],
    [
      'the journey timed out in a step',
      { settlement: { kind: 'timed-out' }, runningStep: 'buy' },
      'error',
      'did not finish within its timeoutMs of 10000 ms (in step "buy"); its page was closed',
    ],
    [
      'a blocked host, even if the steps passed',
      { blockedHosts: ['evil:80'] },
      'error',
      'the journey tried to reach evil:80, outside the allowed hosts (shop:8080); those requests were blocked',
    ],
    [
      'a blocked host outranks the step failure it caused',
      {
        blockedHosts: ['evil:80'],
        firstFailure: { step: 'buy', error: new Error('net::ERR_BLOCKED_BY_CLIENT') },
      },
      'error',
      'the journey tried to reach evil:80, outside the allowed hosts (shop:8080); those requests were blocked',
    ],
    [
      'the browser went away',
      { browserDisconnected: true, firstFailure: { step: 'buy', error: new Error('Target closed') } },
      'error',
      'Chromium disconnected during the journey (crashed or was killed); a new one is started for the next journey',
    ],
    [
      'the probe threw outside any step',
      { settlement: { kind: 'threw', error: new TypeError('page.gotoo is not a function') } },
      'error',
      'the probe threw outside a step: page.gotoo is not a function',
    ],
    [
      'a declared step never ran',
      {
        steps: [
          { name: 'browse', status: 'passed', durationMs: 1 },
          { name: 'buy', status: 'skipped' },
        ],
      },
      'error',
      'the probe finished without running step(s) "buy"; every declared step must run',
    ],
  ])('%s', (_case, facts, outcome, reason) => {
    expect(decideJourneyOutcome({ ...passing, ...facts })).toMatchObject({ outcome, reason });
  });

  it('names the failed step of a fail', () => {
    expect(decideJourneyOutcome({ ...passing, firstFailure: { step: 'buy', error: 'x' } }).failedStep).toBe(
      'buy',
    );
  });
});
