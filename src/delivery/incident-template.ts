/**
 * Incident message templates: logic-less mustache kept in the repo (`incident-templates/`), the
 * first line the title and the rest the body. A template is checked once, at start-up, against the
 * names the view has (below), so a typo stops the daemon instead of sending "{{servise}}" blanks
 * to an incident channel. Values are escaped by the caller's rule (Slack mrkdwn escapes only `&`,
 * `<` and `>`; the generic webhook gets the text as it is), so templates may not ask for unescaped
 * values (`{{{name}}}`, `{{&name}}`): a KHI name or a marker field could otherwise post `<!channel>`.
 */
import Mustache from 'mustache';

export const INCIDENT_TEMPLATE_NAMES = [
  'rollback-notification',
  'incident-update',
  'maintenance-notice',
] as const;
export type IncidentTemplateName = (typeof INCIDENT_TEMPLATE_NAMES)[number];

/** One checked template: its file (for messages) and its title and body sources. */
export interface IncidentTemplate {
  readonly name: IncidentTemplateName;
  readonly file: string;
  readonly title: string;
  readonly body: string;
}

export type IncidentTemplates = Readonly<Record<IncidentTemplateName, IncidentTemplate>>;

/** A template that cannot be used; the message names the file and the variable or line. */
export class IncidentTemplateError extends Error {
  readonly code = 'INVALID_INCIDENT_TEMPLATE';
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid incident template ${file}: ${problem}`, options);
    this.name = 'IncidentTemplateError';
  }
}

/** Scalar names of the view (incident-message.ts builds it); sections on them test truthiness. */
export const INCIDENT_VIEW_NAMES: ReadonlySet<string> = new Set([
  'service',
  'environment',
  'version',
  'baselineVersion',
  'deploymentId',
  'strategy',
  'commit',
  'outcome',
  'outcomeText',
  'isRollback',
  'isInconclusive',
  'decidedAt',
  'headline',
  'dependentsText',
  'brokenJourneysText',
  'reportUrl',
  'bundleUrl',
  'hasWorsened',
  'hasBrokenJourneys',
  'hasNewErrors',
  'hasDependents',
]);

/** List names of the view and the fields of their items (`.` for lists of strings). */
export const INCIDENT_VIEW_LISTS: Readonly<Record<string, ReadonlySet<string>>> = {
  sentences: new Set(['.']),
  reasons: new Set(['.']),
  dependents: new Set(['.']),
  worsened: new Set(['khi', 'what', 'change', 'critical']),
  brokenJourneys: new Set(['khi', 'probe', 'failedRuns', 'runs', 'step', 'reason']),
  newErrors: new Set(['khi', 'signature']),
};

/** Checks a template's text: a title line, a body, and only names the view has. */
export function parseIncidentTemplate(
  name: IncidentTemplateName,
  file: string,
  text: string,
): IncidentTemplate {
  const newline = text.indexOf('\n');
  const title = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '');
  const body = newline < 0 ? '' : text.slice(newline + 1);
  if (title.trim() === '') throw new IncidentTemplateError(file, 'the first line (the title) is empty');
  if (body.trim() === '') throw new IncidentTemplateError(file, 'the body (after the first line) is empty');
  checkNames(file, 'title', title);
  checkNames(file, 'body', body);
  return { name, file, title, body };
}

/** Renders `template` with `view`, escaping values with `escape` (identity for no escaping). */
export function renderIncidentTemplate(
  template: IncidentTemplate,
  view: Readonly<Record<string, unknown>>,
  escape: (value: string) => string,
): { title: string; body: string } {
  const options = { escape: (value: unknown) => escape(String(value)) };
  return {
    title: Mustache.render(template.title, view, undefined, options).trim(),
    body: Mustache.render(template.body, view, undefined, options).trim(),
  };
}

type Spans = ReturnType<typeof Mustache.parse>;

function checkNames(file: string, part: 'title' | 'body', source: string): void {
  let spans: Spans;
  try {
    spans = Mustache.parse(source);
  } catch (error) {
    throw new IncidentTemplateError(file, `the ${part} does not parse: ${(error as Error).message}`, {
      cause: error,
    });
  }
  walk(file, spans, []);
}

/** `scopes`: the item fields of each enclosing list section, innermost last. */
function walk(file: string, spans: Spans, scopes: readonly ReadonlySet<string>[]): void {
  for (const span of spans) {
    const [type, name] = span;
    if (type === 'text' || type === '!' || type === '=') continue;
    if (type === '&')
      throw new IncidentTemplateError(
        file,
        `{{{${name}}}} / {{&${name}}} would send ${name} unescaped; use {{${name}}}`,
      );
    if (type === '>') throw new IncidentTemplateError(file, `partials are not supported ({{> ${name}}})`);
    const known = name === '.' ? scopes.at(-1)?.has('.') === true : isKnown(name, scopes);
    if (!known)
      throw new IncidentTemplateError(
        file,
        `unknown variable {{${name}}}; known: ${[...INCIDENT_VIEW_NAMES, ...Object.keys(INCIDENT_VIEW_LISTS)].join(', ')}`,
      );
    if (type === '#' || type === '^') {
      const inner = span[4];
      const list = INCIDENT_VIEW_LISTS[name];
      // An inverted section renders once, without an item: it opens no item scope.
      const nested = type === '#' && list !== undefined ? [...scopes, list] : scopes;
      if (Array.isArray(inner)) walk(file, inner, nested);
    }
  }
}

function isKnown(name: string, scopes: readonly ReadonlySet<string>[]): boolean {
  if (INCIDENT_VIEW_NAMES.has(name) || INCIDENT_VIEW_LISTS[name] !== undefined) return true;
  return scopes.some((scope) => name !== '.' && scope.has(name));
}
