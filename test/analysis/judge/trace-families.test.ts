import { describe, expect, it } from 'vitest';
import { judgeInterval, initialJudgeState } from '../../../src/analysis/judge/judge-interval.js';
import {
  expandTraceFamilies,
  familyMemberName,
  ruleForKhiName,
} from '../../../src/analysis/judge/trace-families.js';
import { testRuleSet } from './rule-set-fixtures.js';

const ruleSet = testRuleSet({
  khis: { latency: null, cpu: null },
  extraKhis: [
    { name: 'ops', kind: 'trace', direction: 'increase', critical: true, weight: 3, alphaWeight: 6 },
  ],
});

describe('trace families', () => {
  it('replaces each family by its members, sharing its weight and alpha weight equally', () => {
    const expanded = expandTraceFamilies(ruleSet, [
      'errors',
      familyMemberName('ops', 'GET /a'),
      familyMemberName('ops', 'GET /b'),
      familyMemberName('ops', 'GET /c'),
      familyMemberName('ops.latency', 'GET /a'),
      familyMemberName('ops.new-operations', 'GET /new'),
    ]);
    expect(expanded.khis.map((khi) => [khi.name, khi.weight, khi.alphaWeight, khi.critical])).toEqual([
      ['errors', 2, 1, true],
      ['ops[GET /a]', 1, 2, true],
      ['ops[GET /b]', 1, 2, true],
      ['ops[GET /c]', 1, 2, true],
      ['ops.latency[GET /a]', 1, 1, false],
      // No member: nothing new to report, so the new-errors family is left out.
      ['ops.new-operations[GET /new]', 1, 1, false],
    ]);
    expect(expanded.khis[1]?.trace?.member).toBe('GET /a');
  });

  it('keeps an errors or latency family without members as one KHI, so no spans never promotes', () => {
    const expanded = expandTraceFamilies(ruleSet, ['errors']);
    expect(expanded.khis.map((khi) => khi.name)).toEqual(['errors', 'ops', 'ops.latency']);
    const { judgement } = judgeInterval(ruleSet, initialJudgeState(ruleSet), {
      khis: { errors: { baseline: { events: 1, total: 5000 }, canary: { events: 1, total: 5000 } } },
    });
    const ops = judgement.khis.find((khi) => khi.name === 'ops');
    expect(ops?.classification).not.toBe('pass');
    expect(judgement.decision.reasons.join('\n')).toContain('critical KHI ops is');
  });

  it('judges members as they appear, keeping their state between intervals', () => {
    const member = familyMemberName('ops', 'POST /pay');
    let state = initialJudgeState(ruleSet);
    expect(Object.keys(state.khis)).toEqual(['errors']);
    for (let i = 0; i < 2; i += 1) {
      ({ state } = judgeInterval(ruleSet, state, {
        khis: {
          errors: { baseline: { events: 5, total: 5000 }, canary: { events: 5, total: 5000 } },
          [member]: { baseline: { events: 2, total: 1000 }, canary: { events: 90, total: 1000 } },
        },
      }));
    }
    expect(state.khis[member]?.canary.counts).toEqual({ events: 180, total: 2000 });
    const { judgement } = judgeInterval(ruleSet, state, { khis: {} });
    expect(judgement.khis.find((khi) => khi.name === member)).toMatchObject({ failed: true, critical: true });
    expect(judgement.decision.outcome).toBe('rollback');
  });

  it('finds the rule of a member name, and nothing for names of no family', () => {
    expect(ruleForKhiName(ruleSet, 'ops[GET /a]')).toMatchObject({ name: 'ops[GET /a]', kind: 'ratio' });
    expect(ruleForKhiName(ruleSet, 'ops.latency[x]')?.kind).toBe('distribution');
    expect(ruleForKhiName(ruleSet, 'errors[x]')).toBeUndefined();
    expect(ruleForKhiName(ruleSet, 'nope')).toBeUndefined();
  });
});

describe('trace families: what stays a member', () => {
  it('keeps errors and latency members from the state, new signatures and operations only while observed', () => {
    const kept = [
      'ops[GET /a]',
      'ops.latency[GET /a]',
      'ops.new-errors[TypeError: x]',
      'ops.new-operations[GET /n]',
    ];
    const expanded = expandTraceFamilies(ruleSet, [], kept);
    expect(expanded.khis.map((khi) => khi.name)).toEqual(['errors', 'ops[GET /a]', 'ops.latency[GET /a]']);
    const observed = expandTraceFamilies(ruleSet, ['ops.new-errors[TypeError: x]'], kept);
    expect(observed.khis.map((khi) => khi.name)).toContain('ops.new-errors[TypeError: x]');
  });
});
