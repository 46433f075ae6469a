/**
 * Settings loading: file, then environment overrides, then schema validation with defaults; the
 * result is frozen. Every problem names the setting (and the variable that set it).
 */
import { readFile } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { ENVIRONMENT_OVERRIDES, SettingsSchema, type Settings } from './settings-schema.js';
import { validateAgainstSchema, type ValidationIssue } from './schema-validation.js';

/** Settings that cannot be used; lists every problem. */
export class SettingsError extends Error {
  readonly code = 'INVALID_SETTINGS';
  constructor(
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid settings:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, options);
    this.name = 'SettingsError';
  }
}

/** Loads settings from `VIGIL_CONFIG` (if set) and the environment. */
export async function loadSettings(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<Settings> {
  const path = environment['VIGIL_CONFIG'];
  let fromFile: unknown = {};
  if (path !== undefined && path !== '') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new SettingsError(
        [{ path: 'VIGIL_CONFIG', message: `${path} cannot be read: ${(cause as Error).message}` }],
        { cause },
      );
    }
    try {
      fromFile = parse(text, { uniqueKeys: true }) ?? {};
    } catch (cause) {
      throw new SettingsError(
        [{ path: 'VIGIL_CONFIG', message: `${path} is not valid YAML: ${(cause as Error).message}` }],
        { cause },
      );
    }
  }
  return resolveSettings(fromFile, environment);
}

/** Applies environment overrides and defaults to a parsed settings document, validating both. */
export function resolveSettings(
  document: unknown,
  environment: Readonly<Record<string, string | undefined>>,
): Settings {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new SettingsError([{ path: '(file)', message: 'must be a YAML mapping' }]);
  }
  const merged = structuredClone(document) as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const [name, { path, type }] of Object.entries(ENVIRONMENT_OVERRIDES)) {
    const raw = environment[name];
    if (raw === undefined || raw === '') continue;
    const value = type === 'string' ? raw : Number(raw);
    if (type !== 'string' && (!Number.isFinite(value) || (type === 'integer' && !Number.isInteger(value)))) {
      issues.push({
        path: name,
        message: `must be ${type === 'integer' ? 'an integer' : 'a number'}, got "${raw}"`,
      });
      continue;
    }
    setPath(merged, path, value);
  }
  if (issues.length > 0) throw new SettingsError(issues);
  const withDefaults = Value.Default(SettingsSchema, merged);
  const validated = validateAgainstSchema(SettingsSchema, withDefaults);
  if (!validated.ok) throw new SettingsError(validated.issues.map((issue) => withVariable(issue)));
  const tokenIssues = validated.value.tokens.flatMap((token, i) =>
    (token.token === undefined) === (token.tokenSha256 === undefined)
      ? [{ path: `tokens[${i}]`, message: 'needs exactly one of token or tokenSha256' }]
      : [],
  );
  const names = new Map<string, number>();
  const notifierIssues = validated.value.notifiers.flatMap((notifier, i) => {
    const issues: ValidationIssue[] = [];
    const first = names.get(notifier.name);
    if (first !== undefined)
      issues.push({
        path: `notifiers[${i}].name`,
        message: `duplicates notifiers[${first}].name "${notifier.name}"`,
      });
    else names.set(notifier.name, i);
    // A slack notifier needs only its URL: Slack's incoming webhooks are not signed.
    const needs =
      notifier.kind === 'webhook'
        ? (['secret'] as const)
        : notifier.kind === 'github-deployment-status'
          ? (['repository', 'token'] as const)
          : ([] as const);
    for (const field of needs)
      if (notifier[field] === undefined)
        issues.push({ path: `notifiers[${i}].${field}`, message: `is required for kind ${notifier.kind}` });
    issues.push(...backoffIssues(notifier, `notifiers[${i}]`));
    return issues;
  });
  notifierIssues.push(
    ...validated.value.flagProviders.flatMap((provider, i) => backoffIssues(provider, `flagProviders[${i}]`)),
  );
  if (tokenIssues.length + notifierIssues.length > 0)
    throw new SettingsError([...tokenIssues, ...notifierIssues]);
  return Object.freeze(validated.value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function withVariable(issue: ValidationIssue): ValidationIssue {
  const variable = Object.entries(ENVIRONMENT_OVERRIDES).find(
    ([, { path }]) => path.join('.') === issue.path,
  )?.[0];
  return variable ? { ...issue, path: `${issue.path} (or ${variable})` } : issue;
}

/** A delivery target whose first retry waits longer than its longest one is a typo. */
function backoffIssues(
  target: { backoffBaseMs: number; backoffMaxMs: number },
  at: string,
): ValidationIssue[] {
  return target.backoffBaseMs > target.backoffMaxMs
    ? [{ path: `${at}.backoffBaseMs`, message: `must be <= backoffMaxMs (${target.backoffMaxMs})` }]
    : [];
}
