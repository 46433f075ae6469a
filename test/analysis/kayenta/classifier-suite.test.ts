import { describe, expect, it } from 'vitest';
import { classifyKayentaMetric } from '../../../src/analysis/kayenta/classify-kayenta-metric.js';
import {
  resolveKayentaOptions,
  type KayentaMetricConfigInput,
} from '../../../src/analysis/kayenta/kayenta-metric-config.js';
import { loadKayentaFixture, num, sample, type SampleRef } from './kayenta-fixtures.js';

interface ClassifierCase {
  readonly test: string;
  readonly metric: string;
  readonly experiment: SampleRef;
  readonly control: SampleRef;
  readonly config: KayentaMetricConfigInput;
  readonly expected: {
    readonly label?: string;
    readonly critical?: boolean;
    readonly deviation?: number | string;
    readonly reasonNonEmpty?: boolean;
  };
}

const fixture = loadKayentaFixture<{ cases: ClassifierCase[] }>('classifier-suite');

describe('Kayenta ClassifierSuite (MannWhitneyClassifier), ported', () => {
  it('ports all 34 Mann-Whitney classifier tests', () => {
    expect(fixture.cases).toHaveLength(34);
  });

  it.each(fixture.cases.map((c) => [c.test, c] as const))('%s', (_name, c) => {
    const result = classifyKayentaMetric(
      sample(c.control),
      sample(c.experiment),
      resolveKayentaOptions(c.config),
      {
        metricName: c.metric,
      },
    );
    if (c.expected.label !== undefined) expect(result.label, result.reason).toBe(c.expected.label);
    if (c.expected.critical !== undefined) expect(result.critical, result.reason).toBe(c.expected.critical);
    if (c.expected.deviation !== undefined) {
      expect('deviation' in result).toBe(true);
      if ('deviation' in result) {
        const expected = num(c.expected.deviation);
        if (Number.isNaN(expected)) expect(result.deviation).toBeNaN();
        else expect(result.deviation).toBe(expected);
      }
    }
    if (c.expected.reasonNonEmpty === true) {
      expect(result.kayentaReason).toBeTruthy();
      expect(result.reason.length).toBeGreaterThan(0);
    }
  });
});
