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
  'no-caution': {
    description: 'cautionAlpha 1e-9 (the caution hold in classify-khi.ts effectively off)',
    edit: (document) => {
      document.analysis.cautionAlpha = 1e-9;
    },
  },
  'caution-0.5': {
    description:
      'cautionAlpha 0.5: hold promotion whenever a KHI is observed beyond its tolerance, not only when that is significant at 0.05',
    edit: (document) => {
      document.analysis.cautionAlpha = 0.5;
    },
  },
  'min-intervals-6': {
    description: 'minIntervals 6 instead of 3 (promotion no earlier than 6 intervals)',
    edit: (document) => {
      document.analysis.minIntervals = 6;
    },
  },
  'fisher-errors': {
    description: "error-rate test: fisher (group-sequential O'Brien-Fleming) instead of the rate mSPRT",
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
