/**
 * The rule sets the detection benchmark judges with: Vigil's shipped rules/web-service.yaml, the
 * same KHIs judged Kayenta's way (`test: kayenta`, Kayenta's defaults, per-step series), and named
 * variants of the shipped file used to measure proposals (never to tune the defaults silently).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RuleSet } from '../../src/analysis/rule-set.js';
import { compileRuleSet } from '../../src/config/compile-rule-set.js';

export const WEB_SERVICE_RULES = 'rules/web-service.yaml';

/** The repository root, from dist/bench/detection/ (compiled) where this module runs. */
const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

type Document = Record<string, unknown> & {
  analysis: Record<string, unknown>;
  khis: Record<string, unknown>[];
};

/** Edits of the shipped rule set measured beside it; the key is the variant's name in the tables. */
export const RULE_SET_VARIANTS: Readonly<
  Record<string, { readonly description: string; readonly edit: (document: Document) => void }>
> = {
  'previous-design': {
    description:
      "the design before this change: error-rate by the rate mSPRT, O'Brien-Fleming spending, equal alpha weights",
    edit: (document) => {
      document.analysis.spending = { function: 'obrien-fleming' };
      for (const khi of document.khis) delete khi.alphaWeight;
      const errors = document.khis.find((khi) => khi.name === 'error-rate');
      if (errors) errors.test = 'msprt';
    },
  },
  'equal-alpha-weights': {
    description: 'every KHI alphaWeight 1 (alpha split evenly over the three hypotheses)',
    edit: (document) => {
      for (const khi of document.khis) delete khi.alphaWeight;
    },
  },
  'obrien-fleming': {
    description: "O'Brien-Fleming-type spending instead of the shipped one",
    edit: (document) => {
      document.analysis.spending = { function: 'obrien-fleming' };
    },
  },
  pocock: {
    description: 'Pocock-type spending instead of the shipped one',
    edit: (document) => {
      document.analysis.spending = { function: 'pocock' };
    },
  },
  'kim-demets-1': {
    description: 'Kim-DeMets spending with rho 1 (alpha spent evenly over the looks)',
    edit: (document) => {
      document.analysis.spending = { function: 'kim-demets', rho: 1 };
    },
  },
  'kim-demets-2': {
    description: 'Kim-DeMets spending with rho 2',
    edit: (document) => {
      document.analysis.spending = { function: 'kim-demets', rho: 2 };
    },
  },
  'fisher-errors': {
    description: 'error-rate test: fisher instead of the exact conditional Poisson-rate test',
    edit: (document) => {
      const errors = document.khis.find((khi) => khi.name === 'error-rate');
      if (errors) errors.test = 'fisher';
    },
  },
};

function readDocument(path: string): Document {
  return parse(readFileSync(`${REPOSITORY}${path}`, 'utf8')) as Document;
}

/** Vigil's shipped rule set, or a named variant of it. */
export function vigilRuleSet(variant?: string): RuleSet {
  const document = readDocument(WEB_SERVICE_RULES);
  if (variant === undefined) return compileRuleSet(document, WEB_SERVICE_RULES);
  const edit = RULE_SET_VARIANTS[variant];
  if (edit === undefined)
    throw new Error(
      `unknown rule-set variant ${variant} (known: ${Object.keys(RULE_SET_VARIANTS).join(', ')})`,
    );
  edit.edit(document);
  return compileRuleSet(document, `${WEB_SERVICE_RULES} (${variant})`);
}

/**
 * The shipped KHIs judged by the Kayenta-compatible judge with Kayenta's defaults. Kayenta gets
 * per-step series, so the error ratio becomes a gauge of per-step ratios; tolerances, SLOs and
 * minimum samples are Vigil's notions and are dropped.
 */
export function kayentaRuleSet(): RuleSet {
  const document = readDocument(WEB_SERVICE_RULES);
  document.name = 'web-service-kayenta';
  document.khis = document.khis.map((khi) => ({
    name: khi.name,
    kind: khi.kind === 'ratio' ? 'gauge' : khi.kind,
    direction: khi.direction,
    critical: khi.critical,
    weight: khi.weight,
    group: khi.group,
    test: 'kayenta',
  }));
  return compileRuleSet(document, `${WEB_SERVICE_RULES} (test: kayenta)`);
}
