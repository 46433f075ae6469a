import { beforeAll, describe, expect, it } from 'vitest';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import { loadReportInput } from '../../src/report/load-report-input.js';
import { orderKhis } from '../../src/report/render-khi-sections.js';
import { renderReport } from '../../src/report/render-report.js';
import type { ReportInput } from '../../src/report/report-input.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { SIGNATURE, writeRolledBackBundle, type WrittenBundle } from './rolled-back-bundle.js';

const GENERATED_AT = '2025-06-02T11:00:00.000Z';
const SCRIPT = '<script>alert("x")</script>';

let bundle: WrittenBundle;
let input: ReportInput;

beforeAll(async () => {
  const store = createMemoryArtifactStore();
  bundle = await writeRolledBackBundle(store);
  input = await loadReportInput(store, bundle.deploymentId, { generatedAt: GENERATED_AT });
});

function khi(name: string, overrides: Partial<KhiResult> = {}): KhiResult {
  return {
    name,
    classification: 'pass',
    critical: false,
    failed: false,
    test: 'poisson',
    effect: {},
    weight: 1,
    group: name,
    reason: `${name} is fine`,
    ...overrides,
  };
}

/** The document's text as a reader sees it (tags removed, entities decoded), in reading order. */
function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('renderReport', () => {
  it('puts the verdict, what was deployed and why before any detail', () => {
    const html = renderReport(input);
    const text = textOf(html);
    expect(text.indexOf('ROLLBACK')).toBeLessThan(text.indexOf('Key health indicators'));
    expect(text).toContain('checkout v2.4.1 against v2.4.0 · production');
    expect(text).toMatch(/Decided after interval \d+ of 10/);
    expect(text).toContain('checkout v2.4.1 was rolled back');
    expect(html).toContain('class="banner outcome-rollback"');
  });

  it('is one self-contained document: no script, nothing to fetch, small without screenshots', () => {
    const html = renderReport(input);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc="(?!data:image\/png;base64,)/);
    expect(html).not.toMatch(/href="(?:https?:|\/\/|javascript:)/i);
    expect(html).toContain("default-src 'none'");
    const withoutImages = html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '');
    expect(withoutImages.length).toBeLessThan(300 * 1024);
  });

  it('escapes markup from the marker, reasons, journeys and traces', () => {
    const verification = input.verification;
    if (verification === undefined) throw new Error('fixture has a verification');
    const hostile: ReportInput = {
      ...input,
      deploymentId: `id-${SCRIPT}`,
      verification: {
        ...verification,
        marker: { ...verification.marker, service: SCRIPT, environment: SCRIPT },
      },
      khis: input.khis.map((result) => ({ ...result, reason: `${SCRIPT} reason` })),
      journeyRuns: input.journeyRuns.map((run) => ({ ...run, reason: SCRIPT, failedStep: SCRIPT })),
      traceFindings: input.traceFindings.map((finding) => ({ ...finding, signature: SCRIPT })),
      notes: [`${SCRIPT} is damaged`],
    };
    const html = renderReport(hostile);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('escapes a hostile evidence path and never links outside the bundle', () => {
    const html = renderReport({
      ...input,
      khis: [
        khi('error-rate', { evidence: ['"><script>x</script>', '../../etc/passwd', 'javascript:alert(1)'] }),
      ],
    });
    expect(html).not.toContain('<script>x');
    expect(html).not.toMatch(/href="[^"]*(?:\.\.|javascript)/);
  });

  it('shows failed KHIs first, critical ones before the others', () => {
    const ordered = orderKhis([
      khi('cpu'),
      khi('latency', { classification: 'nodata' }),
      khi('saturation', { classification: 'high', failed: true }),
      khi('error-rate', { classification: 'high', failed: true, critical: true }),
    ]);
    expect(ordered.map((result) => result.name)).toEqual(['error-rate', 'saturation', 'latency', 'cpu']);
    const text = textOf(renderReport(input));
    expect(text.indexOf('FAILED · rose error-rate')).toBeLessThan(text.indexOf('PASS latency-seconds'));
  });

  it('draws a chart per KHI with data and says so in words when a KHI has none', () => {
    const html = renderReport({
      ...input,
      khis: [...input.khis, khi('queue-depth', { classification: 'nodata' })],
    });
    expect(html).toContain('No observations of queue-depth were recorded in any interval');
    const charts = html.match(/<svg[^>]*class="chart"/g) ?? [];
    expect(charts.length).toBe(input.khis.length);
    expect(html).toMatch(/class="series series-canary" d="M[\d.]+ [\d.]+L/);
    expect(html).toContain('decided (interval');
  });

  it('keeps many KHIs readable and small: cards for the first ones, a table for the rest', () => {
    const many = Array.from({ length: 30 }, (_, index) => khi(`operations[GET /item/${index}]`));
    const series = Object.fromEntries(
      many.map((result) => [
        result.name,
        {
          measure: 'rate' as const,
          points: Array.from({ length: 10 }, (_, index) => ({
            interval: index + 1,
            baseline: { value: 0.01, samples: 1000 },
            canary: { value: 0.011, samples: 1000 },
          })),
        },
      ]),
    );
    const html = renderReport({
      ...input,
      khis: many,
      series,
      progress: { intervalsJudged: 10, maxIntervals: 10 },
    });
    expect(html.match(/<article class="khi /g)).toHaveLength(24);
    expect(textOf(html)).toContain('6 more KHI result(s)');
    expect(html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '').length).toBeLessThan(300 * 1024);
  });

  it('gives the test numbers of each KHI', () => {
    const text = textOf(renderReport(input));
    expect(text).toContain('Test poisson');
    expect(text).toMatch(/adjusted p-value \(decides\) [\d.e-]+/);
    expect(text).toMatch(/Ratio canary \/ baseline ×\d+(\.\d+)? \(95% CI ×[\d.]+ – ×[\d.]+\)/);
    expect(text).toContain('Samples baseline · canary');
  });

  it('shows the failed journey runs with their step and reason, and the new error with its exemplar', () => {
    const text = textOf(renderReport(input));
    expect(text).toContain('FAILED checkout · canary · interval 1');
    expect(text).toContain('Step that failed: check out');
    expect(text).toContain(SIGNATURE);
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'total')");
    expect(text).toContain('Failing span POST /api/orders');
  });

  it('says the analysis is still running when there is no verdict yet', () => {
    const html = renderReport({
      ...input,
      verdict: null,
      progress: { intervalsJudged: 2, maxIntervals: 10 },
    });
    const text = textOf(html);
    expect(html).toContain('class="banner outcome-analysing"');
    expect(text).toContain('ANALYSING');
    expect(text).toContain('Interval 2 of 10 judged so far');
    expect(text).toContain('No verdict yet: the analysis is still running (interval 2 of 10)');
    expect(text).not.toContain('decided (interval');
  });

  it('lists the bundle files as relative links and the seal in the footer', () => {
    const html = renderReport(input);
    expect(html).toContain('href="decision-log.json"');
    expect(html).toContain('href="steps/0001/judgement.json"');
    expect(html).toContain('a'.repeat(64));
    expect(textOf(html)).toContain('Generated 2025-06-02T11:00:00.000Z');
  });

  it('falls back to the judge reasons when the marker is unreadable', () => {
    const { verification: _dropped, ...withoutVerification } = input;
    const text = textOf(renderReport(withoutVerification));
    expect(text).toContain('ROLLBACK');
    expect(text).toContain('Verdict: rollback.');
    expect(text).toContain('Critical KHI error-rate failed');
    expect(text).toContain('unknown (marker unreadable)');
  });
});
