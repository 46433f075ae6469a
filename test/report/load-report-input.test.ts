import { describe, expect, it } from 'vitest';
import { loadReportInput } from '../../src/report/load-report-input.js';
import { renderReport } from '../../src/report/render-report.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { EXEMPLAR_PATH, MARKER, SIGNATURE, TINY_PNG, writeRolledBackBundle } from './rolled-back-bundle.js';

const GENERATED_AT = '2025-06-02T11:00:00.000Z';
const text = (value: string) => new TextEncoder().encode(value);

describe('loadReportInput', () => {
  it('reads verdict, KHIs, per-interval series, journeys and trace findings from the bundle alone', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store);
    const input = await loadReportInput(store, bundle.deploymentId, { generatedAt: GENERATED_AT });

    expect(input.notes).toEqual([]);
    expect(input.verdict?.outcome).toBe('rollback');
    expect(input.verdict?.decidedAtInterval).toBe(bundle.verdict.decidedAtInterval);
    expect(input.progress).toEqual({ intervalsJudged: bundle.verdict.decidedAtInterval, maxIntervals: 10 });
    expect(input.verification?.marker).toEqual(MARKER);
    expect(input.ruleSet?.name).toBe('checkout-web');
    expect(input.khis.map((khi) => khi.name)).toEqual(bundle.verdict.khis.map((khi) => khi.name));
    expect(input.series['error-rate']?.measure).toBe('rate');
    expect(input.series['error-rate']?.points.map((point) => point.interval)).toEqual([1, 2, 3]);
    expect(input.series['error-rate']?.points[0]?.canary?.value).toBeCloseTo(14 / 2000);
    expect(input.series['latency-seconds']?.measure).toBe('median');
    expect(input.series['latency-seconds']?.points[0]?.baseline?.band).toBeDefined();
    expect(input.journeyRuns.map((run) => [run.interval, run.group, run.outcome])).toEqual([
      [1, 'canary', 'fail'],
      [2, 'canary', 'fail'],
      [3, 'canary', 'fail'],
    ]);
    expect(input.journeyRuns[0]?.screenshot?.dataUri).toBe(
      `data:image/png;base64,${TINY_PNG.toString('base64')}`,
    );
    expect(input.traceFindings).toHaveLength(1);
    expect(input.traceFindings[0]).toMatchObject({
      khi: 'operations',
      signature: SIGNATURE,
      exemplarPath: EXEMPLAR_PATH,
      exemplar: { failing: { name: 'POST /api/orders', exceptionType: 'TypeError' } },
    });
    expect(input.steps.map((step) => step.outcome)).toEqual(['continue', 'continue', 'rollback']);
  });

  it('prefers the verdict of the verification given over the decision log', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store);
    const verdict = { ...bundle.verdict, outcome: 'aborted' as const, reasons: ['stopped by an operator'] };
    const input = await loadReportInput(store, bundle.deploymentId, {
      verification: { ...bundle.verification, verdict },
      generatedAt: GENERATED_AT,
    });
    expect(input.verdict?.outcome).toBe('aborted');
  });

  it('reports the analysis as running, interval n of max, when no verdict is recorded', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store, { withDecisionLog: false });
    const input = await loadReportInput(store, bundle.deploymentId, { generatedAt: GENERATED_AT });
    expect(input.verdict).toBeNull();
    expect(input.progress).toEqual({ intervalsJudged: 3, maxIntervals: 10 });
    expect(input.notes).toEqual([]);
    expect(renderReport(input)).toContain('Interval 3 of 10 judged so far');
  });

  it('turns damaged and missing files into notes and still renders a report', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store);
    const id = bundle.deploymentId;
    await store.put(id, 'steps/0002/judgement.json', text('{"interval": 2, "khis": [tru'));
    await store.put(
      id,
      'steps/0001/observations.json',
      text('{"khis": {"error-rate": {"canary": {"events": "many"}}}}'),
    );
    await store.put(id, 'marker.json', text(JSON.stringify({ ...MARKER, environment: 42 })));
    await store.put(id, EXEMPLAR_PATH, text('not json'));
    await store.put(
      id,
      'journeys/interval-2/canary/checkout-1/screenshot.png',
      text('<html>not a png</html>'),
    );
    await store.put(id, 'steps/0003/journeys.json', text('[{"probe": "checkout"}]'));

    const input = await loadReportInput(store, id, { generatedAt: GENERATED_AT });
    const notes = input.notes.join('\n');
    expect(notes).toContain('steps/0002/judgement.json is damaged: it is not JSON');
    expect(notes).toContain('steps/0001/observations.json is damaged');
    expect(notes).toContain('marker.json is damaged: environment must be a string');
    expect(notes).toContain(`${EXEMPLAR_PATH} is damaged: it is not JSON`);
    expect(notes).toContain(
      'journeys/interval-2/canary/checkout-1/screenshot.png is damaged: it is not a PNG image',
    );
    expect(notes).toContain('steps/0003/journeys.json is damaged');
    // What is intact is still shown: the verdict, the other intervals, the run known only by its files.
    expect(input.verdict?.outcome).toBe('rollback');
    expect(input.series['error-rate']?.points.map((point) => point.interval)).toEqual([2, 3]);
    const third = input.journeyRuns.find((run) => run.interval === 3);
    expect(third).toMatchObject({ outcome: 'unknown', probe: 'checkout', group: 'canary' });
    expect(third?.screenshot?.dataUri).toBeDefined();
    expect(input.traceFindings[0]?.exemplarProblem).toBe('the exemplar is missing or damaged');

    const html = renderReport(input);
    expect(html).toContain('id="notes"');
    expect(html).toContain('problem(s) reading the evidence bundle');
    expect(html).toContain('unknown (marker unreadable)');
  });

  it('notes missing files and an empty bundle without throwing', async () => {
    const store = createMemoryArtifactStore();
    const input = await loadReportInput(store, 'nothing-here', { generatedAt: GENERATED_AT });
    expect(input.notes).toEqual([
      'marker.json is missing from the bundle.',
      'rule-set/applied.json is missing from the bundle.',
    ]);
    expect(input.verdict).toBeNull();
    const html = renderReport(input);
    expect(html).toContain('ANALYSING');
    expect(html).toContain('No KHI has been judged yet.');
  });

  it('notes a store that cannot be listed or read', async () => {
    const broken: ArtifactStore = {
      ...createMemoryArtifactStore(),
      list: () => Promise.reject(new Error('disk unavailable')),
      read: () => Promise.reject(new Error('disk unavailable')),
    };
    const input = await loadReportInput(broken, 'checkout-2-4-1', { generatedAt: GENERATED_AT });
    expect(input.notes).toContain("The bundle's files could not be listed: disk unavailable.");
    expect(input.notes).toContain('marker.json could not be read: disk unavailable.');
  });

  it('embeds screenshots within the budget, failures first, and links the rest', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store);
    const bytes = TINY_PNG.byteLength;
    const byBytes = await loadReportInput(store, bundle.deploymentId, {
      generatedAt: GENERATED_AT,
      maxScreenshotBytes: bytes * 2,
    });
    expect(byBytes.journeyRuns.map((run) => run.screenshot?.dataUri !== undefined)).toEqual([
      true,
      true,
      false,
    ]);
    expect(byBytes.journeyRuns[2]?.screenshot?.omitted).toContain("exceed the report's screenshot budget");
    const byCount = await loadReportInput(store, bundle.deploymentId, {
      generatedAt: GENERATED_AT,
      maxScreenshots: 1,
    });
    expect(byCount.journeyRuns.map((run) => run.screenshot?.dataUri !== undefined)).toEqual([
      true,
      false,
      false,
    ]);
    const html = renderReport(byCount);
    expect(html).toContain('href="journeys/interval-3/canary/checkout-1/screenshot.png"');
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(1);
  });

  it('reads statistics written as null (non-finite) as absent', async () => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store);
    const log = JSON.parse(
      new TextDecoder().decode(await store.read(bundle.deploymentId, 'decision-log.json')),
    ) as { verdict: { khis: { pValue?: number | null; effect: { ratio?: number | null } }[] } };
    const [first] = log.verdict.khis;
    if (first === undefined) throw new Error('the fixture verdict has KHIs');
    first.pValue = null;
    first.effect.ratio = null;
    await store.put(bundle.deploymentId, 'decision-log.json', text(JSON.stringify(log)));
    const input = await loadReportInput(store, bundle.deploymentId, { generatedAt: GENERATED_AT });
    expect(input.notes).toEqual([]);
    expect(input.khis[0]).not.toHaveProperty('pValue');
    expect(input.khis[0]?.effect).not.toHaveProperty('ratio');
  });
});
