/**
 * Reads a scenario file for `vigil judge`, resolves its rule set (inline or a path relative to
 * the file) and checks every observation against the KHI it belongs to, so bad input is reported
 * with its path before any judging starts.
 */
import { ruleForKhiName } from '../analysis/judge/trace-families.js';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { IntervalObservations, KhiObservations, Observation } from '../analysis/observations.js';
import type { KhiRule, RuleSet } from '../analysis/rule-set.js';
import { compileRuleSet } from '../config/compile-rule-set.js';
import { loadRuleSetFile } from '../config/load-rule-set.js';
import { RuleSetError } from '../config/rule-set-error.js';
import { formatPath, validateAgainstSchema, type ValidationIssue } from '../config/schema-validation.js';
import { ScenarioError } from './scenario-error.js';
import {
  CountObservationSchema,
  ScenarioSchema,
  ValuesObservationSchema,
  type ScenarioDocument,
} from './scenario-schema.js';

export interface Scenario {
  readonly name: string;
  readonly source: string;
  readonly ruleSet: RuleSet;
  readonly intervals: readonly IntervalObservations[];
  readonly expected?: ScenarioDocument['expected'];
}

/** Reads, parses and validates a scenario file; throws ScenarioError or RuleSetError. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ScenarioError(
      path,
      [{ path: '(file)', message: `cannot be read: ${(cause as Error).message}` }],
      {
        cause,
      },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new ScenarioError(
      path,
      [{ path: '(json)', message: `malformed JSON: ${(cause as Error).message}` }],
      {
        cause,
      },
    );
  }
  return parseScenario(document, path, (rulesPath) => loadRuleSetFile(resolve(dirname(path), rulesPath)));
}

/** Validates a parsed scenario document; `loadRules` resolves a `rules` path. */
export async function parseScenario(
  document: unknown,
  source: string,
  loadRules: (path: string) => Promise<{ ruleSet: RuleSet }>,
): Promise<Scenario> {
  const validated = validateAgainstSchema(ScenarioSchema, document);
  if (!validated.ok) throw new ScenarioError(source, validated.issues);
  const doc = validated.value;
  const ruleSet = await resolveRules(doc.rules, source, loadRules);
  const issues = observationIssues(doc, ruleSet);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  return {
    name: doc.name,
    source,
    ruleSet,
    intervals: doc.intervals as IntervalObservations[],
    ...(doc.expected !== undefined && { expected: doc.expected }),
  };
}

async function resolveRules(
  rules: ScenarioDocument['rules'],
  source: string,
  loadRules: (path: string) => Promise<{ ruleSet: RuleSet }>,
): Promise<RuleSet> {
  try {
    if (typeof rules === 'string') return (await loadRules(rules)).ruleSet;
    return compileRuleSet(rules, `${source} (rules)`);
  } catch (cause) {
    if (!(cause instanceof RuleSetError)) throw cause;
    const issues = cause.issues.map((issue) => ({ path: `rules.${issue.path}`, message: issue.message }));
    throw new ScenarioError(source, issues, { cause });
  }
}

const MAX_ISSUES = 50;

function observationIssues(doc: ScenarioDocument, ruleSet: RuleSet): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  doc.intervals.forEach((interval, i) => {
    for (const [name, observations] of Object.entries(interval.khis)) {
      const at = ['intervals', i, 'khis', name];
      const rule = ruleForKhiName(ruleSet, name);
      if (rule === undefined) {
        issues.push({ path: formatPath(at), message: `is not a KHI of rule set ${ruleSet.name}` });
        continue;
      }
      for (const group of ['baseline', 'canary'] as const) {
        const observation = (observations as KhiObservations)[group];
        if (observation !== undefined) issues.push(...checkObservation(rule, observation, [...at, group]));
      }
    }
  });
  return issues.slice(0, MAX_ISSUES);
}

function checkObservation(
  rule: KhiRule,
  observation: Observation,
  at: (string | number)[],
): ValidationIssue[] {
  const schema = rule.kind === 'ratio' ? CountObservationSchema : ValuesObservationSchema;
  const shape = rule.kind === 'ratio' ? '{events, total}' : '{values: [...]}';
  const validated = validateAgainstSchema(schema, observation);
  if (!validated.ok) {
    return validated.issues.map((issue) => ({
      path: issue.path === '(root)' ? formatPath(at) : `${formatPath(at)}.${issue.path}`,
      message: `${issue.message} (a ${rule.kind} KHI takes ${shape})`,
    }));
  }
  if ('events' in observation && observation.events > observation.total) {
    return [
      {
        path: `${formatPath(at)}.events`,
        message: `must not exceed total (${observation.events} > ${observation.total})`,
      },
    ];
  }
  return [];
}
