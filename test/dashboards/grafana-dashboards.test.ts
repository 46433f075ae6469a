/**
 * The Grafana dashboards in dashboards/grafana/ against Grafana's dashboard schema, and against
 * what a schema cannot see.
 *
 * The schema: @grafana/schema (a devDependency) ships the dashboard JSON model as TypeScript types
 * generated from Grafana's CUE kind (`raw/dashboard/x/types.gen.d.ts`), and the panel plugins'
 * options the same way (`raw/composable/<panel>/panelcfg/x`). ts-json-schema-generator turns them
 * into JSON Schema (closed objects: unknown keys fail) and Ajv checks each dashboard and each
 * panel's options. One reopening, as the CUE has it: `AnnotationTarget` ends in `...` there
 * ("datasource will stick their raw DataQuery here"), which the TypeScript types drop.
 *
 * Beyond the schema: provisioning-ready (`id` null, a `uid`, no `__inputs`), every panel and query
 * on the `${datasource}` variable, panel ids unique, panels inside the 24-column grid and not
 * overlapping, every PromQL expression parsing (Prometheus' own lezer grammar) with metric and label
 * names that Vigil's registry or the demo shop export, every `$variable` defined, and the Vigil
 * annotation reading fields that GET /v1/annotations answers with.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Registry } from 'prom-client';
import { createGenerator } from 'ts-json-schema-generator';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startShop } from '../../examples/demo-shop/shop.js';
import { AnnotationSchema } from '../../src/api/annotation-schemas.js';
import { httpDurationHistogram } from '../../src/api/http-metrics.js';
import { createDaemonMetrics, recordVerdict } from '../../src/telemetry/daemon-metrics.js';
import { VERIFICATION_STATUSES, type Verification } from '../../src/verification/verification.js';
import { verdict } from '../api/fixtures.js';

const DASHBOARD_DIR = new URL('../../dashboards/grafana/', import.meta.url).pathname;
const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
const INFINITY = 'yesoreyeram-infinity-datasource';
/** Panel types used, each with the plugin schema its options are checked against. */
const PANEL_TYPES = ['row', 'timeseries', 'stat'];
/** Variables Grafana defines itself. */
const GRAFANA_VARIABLES = new Set([
  '__rate_interval',
  '__range',
  '__interval',
  '__from',
  '__to',
  '__range_s',
]);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}
interface Target {
  refId: string;
  datasource?: unknown;
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: unknown;
  targets?: Target[];
  options?: unknown;
  fieldConfig?: { defaults: { custom?: unknown } };
  panels?: Panel[];
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: unknown;
}
interface AnnotationQuery {
  name: string;
  enable: boolean;
  builtIn?: number;
  datasource: { type?: string; uid?: string };
  target?: {
    type?: string;
    source?: string;
    url?: string;
    url_options?: { method: string; params?: { key: string; value: string }[] };
    columns?: { selector: string; text: string; type: string }[];
  };
}
interface Dashboard {
  id: unknown;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: AnnotationQuery[] };
}

/** A node of a parsed PromQL expression. */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];
/** Series names, each with the label names its samples may carry. */
type KnownSeries = Map<string, Set<string>>;

const dashboards: [string, Dashboard][] = readdirSync(DASHBOARD_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard]);

let validateDashboard: ValidateFunction;
let validatePanelOptions: Map<string, ValidateFunction>;
let validateTimeseriesFieldConfig: ValidateFunction;
let known: KnownSeries;
let vigilExposition: string;

beforeAll(async () => {
  const schemaRoot = join(
    dirname(createRequire(import.meta.url).resolve('@grafana/schema/package.json')),
    'dist/types/raw',
  );
  const generate = (file: string, type: string): Record<string, unknown> =>
    createGenerator({
      path: join(schemaRoot, file),
      type,
      skipTypeCheck: true,
      expose: 'export',
      topRef: true,
      jsDoc: 'none',
    }).createSchema(type) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });

  const dashboardSchema = generate('dashboard/x/types.gen.d.ts', 'Dashboard');
  const definitions = dashboardSchema['definitions'] as Record<string, Record<string, unknown>>;
  expect(definitions['AnnotationTarget']?.['additionalProperties']).toBe(false);
  definitions['AnnotationTarget'] = { ...definitions['AnnotationTarget'], additionalProperties: true };
  validateDashboard = ajv.compile(dashboardSchema);
  validatePanelOptions = new Map([
    ['timeseries', ajv.compile(generate('composable/timeseries/panelcfg/x/types.gen.d.ts', 'Options'))],
    ['stat', ajv.compile(generate('composable/stat/panelcfg/x/types.gen.d.ts', 'Options'))],
  ]);
  validateTimeseriesFieldConfig = ajv.compile(
    generate('composable/timeseries/panelcfg/x/types.gen.d.ts', 'FieldConfig'),
  );

  known = new Map();
  const metrics = createDaemonMetrics(() =>
    Promise.resolve(Object.fromEntries(VERIFICATION_STATUSES.map((status) => [status, 0])) as never),
  );
  httpDurationHistogram(metrics.registry).observe('GET', '/v1/annotations', 200, 0.002);
  recordVerdict(metrics, { ...verdict('rollback'), score: 62.5 }, decidedVerification());
  vigilExposition = await metrics.registry.metrics();
  addExposition(known, vigilExposition, metrics.registry);
  const shop = await startShop({ version: 'v1', track: 'baseline', port: 0, host: '127.0.0.1' });
  try {
    addExposition(known, await shop.metrics());
  } finally {
    await shop.stop();
  }
}, 120_000);

it('finds both dashboards', () => {
  expect(dashboards.map(([file]) => file)).toEqual(['demo-shop-khis.json', 'vigil-overview.json']);
});

describe.each(dashboards)('%s', (_file, dashboard) => {
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const queryPanels = panels.filter((panel) => panel.type !== 'row');
  const variables = new Set(dashboard.templating.list.map((variable) => variable.name));

  it("validates against Grafana's dashboard schema", () => {
    const valid = validateDashboard(dashboard);
    expect(validateDashboard.errors ?? [], 'schema errors').toEqual([]);
    expect(valid).toBe(true);
  });

  it('is ready for file provisioning: id null, a uid, no import inputs or datasource placeholders', () => {
    expect(dashboard.id).toBeNull();
    expect(dashboard.uid).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
    expect(dashboard.title).not.toBe('');
    const text = JSON.stringify(dashboard);
    expect(dashboard).not.toHaveProperty('__inputs');
    expect(dashboard).not.toHaveProperty('__requires');
    expect(text).not.toMatch(/\$\{DS_/);
  });

  it('uses the ${datasource} variable for every panel and every query', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }),
    );
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual(PROMETHEUS);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(PROMETHEUS);
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      expect(variable.datasource, variable.name).toEqual(PROMETHEUS);
    }
  });

  it('gives every panel a unique id', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('places every panel inside the 24-column grid without overlaps', () => {
    for (const { title, gridPos } of panels) {
      expect(gridPos.w, title).toBeGreaterThan(0);
      expect(gridPos.h, title).toBeGreaterThan(0);
      expect(gridPos.x, title).toBeGreaterThanOrEqual(0);
      expect(gridPos.y, title).toBeGreaterThanOrEqual(0);
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
    }
    const overlapping = panels.flatMap((a, index) =>
      panels
        .slice(index + 1)
        .filter((b) => overlaps(a.gridPos, b.gridPos))
        .map((b) => `${a.title} / ${b.title}`),
    );
    expect(overlapping).toEqual([]);
  });

  it("validates each panel's options against its panel plugin's schema", () => {
    for (const panel of panels) {
      expect(PANEL_TYPES, panel.title).toContain(panel.type);
      const validate = validatePanelOptions.get(panel.type);
      if (validate === undefined) continue;
      expect(validate(panel.options) ? [] : validate.errors, panel.title).toEqual([]);
      if (panel.type === 'timeseries') {
        const custom = panel.fieldConfig?.defaults.custom;
        expect(
          validateTimeseriesFieldConfig(custom) ? [] : validateTimeseriesFieldConfig.errors,
          panel.title,
        ).toEqual([]);
      }
    }
  });

  it('queries only metric and label names that Vigil or the demo shop export, in PromQL that parses', () => {
    const problems: string[] = [];
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        const where = `${panel.title} ${target.refId}`;
        expect(target.expr, where).toEqual(expect.any(String));
        problems.push(...checkPromql(target.expr ?? '', known).map((problem) => `${where}: ${problem}`));
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      problems.push(
        ...checkLabelValues(String(variable.query), known).map((problem) => `$${variable.name}: ${problem}`),
      );
    }
    expect(problems).toEqual([]);
  });

  it('defines every variable its queries use', () => {
    const used = JSON.stringify(dashboard).matchAll(/\$\{?(\w+)\}?/g);
    const undefinedNames = [...used]
      .map((match) => match[1] ?? '')
      .filter((name) => !variables.has(name) && !GRAFANA_VARIABLES.has(name));
    expect(undefinedNames).toEqual([]);
  });

  it("draws Vigil's deployments from GET /v1/annotations through the ${vigil} Infinity data source", () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ type: 'datasource', name: 'vigil', query: INFINITY }),
    );
    const vigil = dashboard.annotations.list.find((annotation) => annotation.datasource.type === INFINITY);
    expect(vigil).toMatchObject({ enable: true, datasource: { type: INFINITY, uid: '${vigil}' } });
    const target = vigil?.target;
    expect(target).toMatchObject({ type: 'json', source: 'url', url: '/v1/annotations' });
    expect(target?.url_options?.method).toBe('GET');
    expect(target?.url_options?.params).toEqual(
      expect.arrayContaining([
        { key: 'from', value: '${__from}' },
        { key: 'to', value: '${__to}' },
      ]),
    );
    // Grafana maps annotation fields by name: time, timeEnd, title, text, tags.
    const fields = Object.keys(AnnotationSchema.properties);
    const columns = target?.columns ?? [];
    expect(columns.map((column) => column.text).sort()).toEqual(['tags', 'text', 'time', 'timeEnd', 'title']);
    for (const column of columns) expect(fields, column.selector).toContain(column.selector);
    expect(columns.find((column) => column.text === 'tags')?.selector).toBe('tagsCsv');
    expect(
      columns
        .filter((column) => column.type === 'timestamp_epoch')
        .map((column) => column.text)
        .sort(),
    ).toEqual(['time', 'timeEnd']);
  });
});

describe('the provisioning examples', () => {
  const read = (file: string): unknown =>
    parseYaml(readFileSync(join(DASHBOARD_DIR, 'provisioning', file), 'utf8'));

  it('load the dashboards from files', () => {
    expect(read('dashboards.yaml')).toMatchObject({
      apiVersion: 1,
      providers: [{ type: 'file', options: { path: expect.any(String) as string } }],
    });
  });

  it("provide a data source of each type the dashboards' data source variables ask for", () => {
    const { datasources } = read('datasources.yaml') as { datasources: { type: string }[] };
    const types = datasources.map((datasource) => datasource.type);
    for (const [file, dashboard] of dashboards) {
      for (const variable of dashboard.templating.list.filter((v) => v.type === 'datasource')) {
        expect(types, `${file} $${variable.name}`).toContain(variable.query);
      }
    }
    expect(datasources.find((datasource) => datasource.type === INFINITY)).toMatchObject({
      url: expect.any(String) as string,
      jsonData: { auth_method: 'bearerToken' },
      secureJsonData: { bearerToken: expect.any(String) as string },
    });
  });
});

describe('the per-service verdict metrics the dashboards read', () => {
  it('records a verdict by service and environment, its time to verdict, score and KHI results', () => {
    expect(vigilExposition).toContain(
      'vigil_verdicts_by_service_total{service="checkout",environment="production",outcome="rollback"} 1',
    );
    expect(vigilExposition).toContain('vigil_time_to_verdict_seconds_sum{outcome="rollback"} 300');
    expect(vigilExposition).toContain('vigil_time_to_verdict_seconds_bucket{le="300",outcome="rollback"} 1');
    expect(vigilExposition).toContain('vigil_time_to_verdict_seconds_bucket{le="120",outcome="rollback"} 0');
    expect(vigilExposition).toContain(
      'vigil_verdict_score_sum{service="checkout",environment="production"} 62.5',
    );
    expect(vigilExposition).toContain(
      'vigil_khi_results_total{khi="error-rate",classification="pass",failed="false"} 1',
    );
  });
});

/** A verification decided 300 s after its marker's startedAt (verdict() decides at 02:30). */
function decidedVerification(): Verification {
  return {
    id: 'checkout-241',
    marker: {
      id: 'checkout-241',
      service: 'checkout',
      environment: 'production',
      version: 'v2.4.1',
      strategy: 'canary',
      ruleSet: 'web-service',
      startedAt: '2026-11-28T02:25:00.000Z',
      canary: { labels: { version: 'v2.4.1' } },
      baseline: { labels: { version: 'v2.4.0' } },
    },
    markerSha256: '0'.repeat(64),
    ruleSetSha256: '0'.repeat(64),
    status: 'rollback',
    createdAt: '2026-11-28T02:25:00.000Z',
    updatedAt: '2026-11-28T02:30:00.000Z',
    intervalsJudged: 3,
    failedSteps: 0,
    lastJudgement: null,
    verdict: null,
  };
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Adds the series of a Prometheus exposition (`# TYPE` lines and samples) with their label names,
 * and the label names prom-client metrics declare (series without samples yet have none to show).
 */
function addExposition(series: KnownSeries, text: string, registry?: Registry): void {
  const labelsOf = (name: string): Set<string> => {
    let labels = series.get(name);
    if (labels === undefined) series.set(name, (labels = new Set(TARGET_LABELS)));
    return labels;
  };
  const declared = new Map<string, readonly string[]>();
  for (const metric of registry?.getMetricsAsArray() ?? []) {
    const { name, labelNames } = metric as unknown as { name: string; labelNames?: readonly string[] };
    declared.set(name, labelNames ?? []);
  }
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    const names =
      type === 'histogram'
        ? [`${name}_bucket`, `${name}_sum`, `${name}_count`]
        : type === 'summary'
          ? [name, `${name}_sum`, `${name}_count`]
          : [name];
    for (const seriesName of names) {
      const labels = labelsOf(seriesName);
      for (const label of declared.get(name) ?? []) labels.add(label);
      if (seriesName.endsWith('_bucket')) labels.add('le');
      if (type === 'summary' && seriesName === name) labels.add('quantile');
    }
  }
  for (const [, name, labelText] of text.matchAll(/^([a-zA-Z_:][\w:]*)\{([^}]*)\}/gm)) {
    if (name === undefined) continue;
    for (const [, label] of (labelText ?? '').matchAll(/([a-zA-Z_]\w*)="/g)) labelsOf(name).add(label ?? '');
  }
}

/** Problems of one PromQL expression: syntax errors, unknown metrics, unknown labels. */
function checkPromql(expr: string, series: KnownSeries): string[] {
  // Grafana's range variables ([$__rate_interval], [$window]) become a duration for the parser.
  const promql = expr.replace(/\[\s*\$\{?\w+\}?\s*\]/g, '[5m]');
  const tree = parser.parse(promql);
  const problems: string[] = [];
  const selectors: SyntaxNode[] = [];
  const groupings: SyntaxNode[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError)
        problems.push(`syntax error at ${node.from}: "${promql.slice(node.from, node.from + 20)}"`);
      if (node.name === 'VectorSelector') selectors.push(node.node);
      if (node.name === 'GroupingLabels') groupings.push(node.node);
    },
  });
  if (selectors.length === 0) problems.push('selects no metric');
  const text = (node: SyntaxNode | null) => (node === null ? '' : promql.slice(node.from, node.to));
  const used = new Set<string>();
  for (const selector of selectors) {
    const name = text(selector.getChild('Identifier'));
    const labels = series.get(name);
    if (labels === undefined) {
      problems.push(`unknown metric "${name}"`);
      continue;
    }
    labels.forEach((label) => used.add(label));
    const matchers = selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
    for (const matcher of matchers) {
      const label = text(matcher.getChild('LabelName'));
      if (!labels.has(label)) problems.push(`${name} has no label "${label}"`);
    }
  }
  for (const grouping of groupings) {
    for (const labelNode of grouping.getChildren('LabelName')) {
      const label = text(labelNode);
      if (!used.has(label))
        problems.push(`no metric of the expression has the label "${label}" it groups by`);
    }
  }
  return problems;
}

/** Problems of a `label_values(selector, label)` variable query. */
function checkLabelValues(query: string, series: KnownSeries): string[] {
  const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  if (match === null) return [`not a label_values(selector, label) query: ${query}`];
  const [, selector = '', label = ''] = match;
  const problems = checkPromql(selector, series);
  const name = /^[a-zA-Z_:][\w:]*/.exec(selector)?.[0] ?? '';
  if (series.get(name)?.has(label) !== true) problems.push(`${name} has no label "${label}"`);
  return problems;
}
