import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayIntervals } from '../../src/analysis/judge/replay.js';
import { loadScenarioFile } from '../../src/scenarios/load-scenario.js';
import { ScenarioError } from '../../src/scenarios/scenario-error.js';

const rulesPath = resolve('rules/web-service.yaml');

async function writeScenario(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-scenario-'));
  const path = join(dir, 'scenario.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function scenario(intervals: unknown[], rules: unknown = rulesPath): Record<string, unknown> {
  return { name: 'case', rules, intervals };
}

async function issues(content: unknown): Promise<string[]> {
  const path = await writeScenario(content);
  const error = await loadScenarioFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  expect((error as Error).message).toContain(path);
  return (error as ScenarioError).issues.map((i) => `${i.path}: ${i.message}`);
}

const ok = { 'error-rate': { baseline: { events: 1, total: 100 }, canary: { events: 2, total: 100 } } };

describe('loadScenarioFile', () => {
  it('loads a scenario whose rules are a path relative to the file', async () => {
    const loaded = await loadScenarioFile('examples/scenarios/good-release.json');
    expect(loaded.ruleSet.name).toBe('web-service');
    expect(loaded.intervals.length).toBe(10);
  });

  it('accepts inline rules, empty value lists and intervals without KHIs', async () => {
    const rules = {
      name: 'inline',
      analysis: { interval: '1m', minIntervals: 1, maxIntervals: 3, alpha: 0.05 },
      scoring: { pass: 90, marginal: 50 },
      khis: [{ name: 'latency', kind: 'distribution', direction: 'increase' }],
    };
    const path = await writeScenario(
      scenario(
        [{ khis: {} }, { khis: { latency: { baseline: { values: [] }, canary: { values: [0.1, null] } } } }],
        rules,
      ),
    );
    const loaded = await loadScenarioFile(path);
    expect(loaded.ruleSet.name).toBe('inline');
  });

  it.each([
    ['malformed JSON', '{"name": "x", ', '(json): malformed JSON'],
    ['an unknown top-level field', { ...scenario([{ khis: ok }]), colour: 'red' }, 'colour: unknown key'],
    ['no intervals', scenario([]), 'intervals: must have at least 1 item(s)'],
    [
      'an unknown KHI',
      scenario([{ khis: { 'error-rat': ok['error-rate'] } }]),
      'intervals[0].khis.error-rat: is not a KHI of rule set web-service',
    ],
    [
      'negative counts',
      scenario([{ khis: { 'error-rate': { baseline: { events: -1, total: 10 } } } }]),
      'intervals[0].khis.error-rate.baseline.events: must be >= 0',
    ],
    [
      'events above total',
      scenario([{ khis: { 'error-rate': { canary: { events: 11, total: 10 } } } }]),
      'intervals[0].khis.error-rate.canary.events: must not exceed total (11 > 10)',
    ],
    [
      'values for a ratio KHI',
      scenario([{ khis: { 'error-rate': { canary: { values: [1] } } } }]),
      'intervals[0].khis.error-rate.canary.values: unknown key',
    ],
    [
      'counts for a distribution KHI',
      scenario([{ khis: { latency: { canary: { events: 1, total: 2 } } } }]),
      'intervals[0].khis.latency.canary.events: unknown key',
    ],
    [
      'a string as a value',
      scenario([{ khis: { latency: { canary: { values: [0.1, 'NaN'] } } } }]),
      'intervals[0].khis.latency.canary.values[1]: must be a number',
    ],
    [
      'an unknown group',
      scenario([{ khis: { latency: { canari: { values: [1] } } } }]),
      'intervals[0].khis.latency.canari: unknown key',
    ],
    ['an invalid inline rule set', scenario([{ khis: {} }], { name: 'x' }), 'rules.analysis: is required'],
    ['a missing rules file', scenario([{ khis: {} }], 'nope.yaml'), 'rules.(file): cannot be read'],
  ])('rejects %s with the path', async (_case, content, expected) => {
    const found = await issues(content);
    expect(
      found.some((issue) => issue.startsWith(expected)),
      found.join('\n'),
    ).toBe(true);
  });
});

describe('scenarios with trace KHIs', () => {
  const rules = {
    name: 'traced',
    analysis: { interval: '1m', minIntervals: 2, maxIntervals: 4, alpha: 0.05 },
    scoring: { pass: 90, marginal: 50 },
    khis: [
      { name: 'ops', kind: 'trace', direction: 'increase', critical: true, yields: ['errors', 'new-errors'] },
    ],
  };

  it('replays the members of trace families offline as the daemon judged them', async () => {
    const member = 'ops.new-errors[TypeError: x is not a function]';
    const interval = {
      khis: {
        'ops[GET /a]': { baseline: { events: 1, total: 500 }, canary: { events: 1, total: 500 } },
        [member]: { baseline: { events: 0, total: 500 }, canary: { events: 40, total: 500 } },
      },
    };
    const loaded = await loadScenarioFile(await writeScenario(scenario([interval, interval], rules)));
    const result = replayIntervals(loaded.ruleSet, loaded.intervals);
    expect(result.judgements.at(-1)?.decision.outcome).toBe('rollback');
    expect(result.judgements.at(-1)?.khis.find((khi) => khi.name === member)?.failed).toBe(true);
  });

  it('names observations of no family, and members given values where the family counts', async () => {
    expect(
      await issues(
        scenario(
          [
            {
              khis: {
                'nope[GET /a]': { baseline: { events: 0, total: 1 } },
                'ops[GET /a]': { canary: { values: [1] } },
              },
            },
          ],
          rules,
        ),
      ),
    ).toEqual([
      'intervals[0].khis.nope[GET /a]: is not a KHI of rule set traced',
      'intervals[0].khis.ops[GET /a].canary.events: is required (a ratio KHI takes {events, total})',
      'intervals[0].khis.ops[GET /a].canary.total: is required (a ratio KHI takes {events, total})',
      'intervals[0].khis.ops[GET /a].canary.values: unknown key (not part of the schema) (a ratio KHI takes {events, total})',
    ]);
  });
});
