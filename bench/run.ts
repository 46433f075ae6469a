/**
 * `npm run bench`: every benchmark. Detection, ablation and speed (issue 2) rewrite the results
 * section of docs/benchmarks.md at the end (between its markers); the daemon benchmarks (verdict
 * endpoint and capacity, issue 3) print their tables for the hand-kept daemon section there.
 * The journey benchmark (issue 4), the OTLP ingest benchmark (issue 5), webhook latency (issue 6)
 * the artifact benchmarks (issue 7) and the timeline benchmark (issue 8) print their tables for their
 * hand-kept sections.
 * Flags: --quick (fewer analyses and repetitions), --only detection|ablation|speed|daemon|journeys|traces|delivery|artifacts|dashboard,
 * --scenarios a,b (ids containing these), --variants (also judge with the rule-set variants), --no-docs.
 */
import { parseArgs } from 'node:util';
import { runDetection } from './detection/run-detection.js';
import { runRateMsprtAblation } from './detection/rate-msprt-ablation.js';
import { RULE_SET_VARIANTS } from './detection/rule-sets.js';
import { renderResults, writeResultsSection } from './report.js';
import { runSpeed } from './speed/run-speed.js';
import { renderCapacity, runCapacity } from './daemon/capacity.js';
import { renderVerdictEndpoint, runVerdictEndpoint } from './daemon/verdict-endpoint.js';
import { renderJourneyBenchmark, runJourneyBenchmark } from './journeys/run-journeys.js';
import { renderOtlpIngest, runOtlpIngest } from './traces/otlp-ingest.js';
import { renderWebhookLatency, runWebhookLatency } from './delivery/webhook-latency.js';
import { renderBundleWrite, runBundleWrite } from './artifacts/bundle-write.js';
import { renderBundleStream, runBundleStream } from './artifacts/bundle-stream.js';
import { renderTimelineBenchmark, runTimelineBenchmark } from './dashboard/timeline.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    variants: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});

const quick = values.quick === true;
const started = performance.now();
const judges = [
  'vigil',
  'kayenta',
  'oracle',
  ...(values.variants ? Object.keys(RULE_SET_VARIANTS).map((v) => `vigil:${v}`) : []),
];
const detection =
  values.only === undefined || values.only === 'detection'
    ? await runDetection({ judges, divisor: quick ? 10 : 1, only: values.scenarios?.split(',') ?? [] })
    : undefined;
const ablationAnalyses = quick ? 300 : 1000;
const ablation =
  values.only === undefined || values.only === 'ablation'
    ? { analyses: ablationAnalyses, rows: runRateMsprtAblation(ablationAnalyses) }
    : undefined;
const speed = values.only === undefined || values.only === 'speed' ? runSpeed({ quick }) : undefined;
if (values.only === undefined || values.only === 'daemon') {
  console.log(`\n${renderVerdictEndpoint(await runVerdictEndpoint({ quick }))}`);
  console.log(`\n${renderCapacity(await runCapacity({ quick }))}`);
}
if (values.only === undefined || values.only === 'journeys')
  console.log(`\n${renderJourneyBenchmark(await runJourneyBenchmark({ quick }))}`);
if (values.only === undefined || values.only === 'traces')
  console.log(`\n${renderOtlpIngest(await runOtlpIngest({ quick }))}`);
if (values.only === undefined || values.only === 'delivery')
  console.log(`\n${renderWebhookLatency(await runWebhookLatency({ quick }))}`);
if (values.only === undefined || values.only === 'artifacts') {
  console.log(`\n${renderBundleWrite(await runBundleWrite({ quick }))}`);
  console.log(`\n${renderBundleStream(await runBundleStream({ quick }))}`);
}
if (values.only === undefined || values.only === 'dashboard')
  console.log(`\n${renderTimelineBenchmark(await runTimelineBenchmark({ quick }))}`);
// The daemon, journey, trace and delivery sections of docs/benchmarks.md are kept by hand.
const onlyDaemon =
  values.only === 'daemon' ||
  values.only === 'journeys' ||
  values.only === 'traces' ||
  values.only === 'delivery' ||
  values.only === 'artifacts' ||
  values.only === 'dashboard';
const seconds = (performance.now() - started) / 1000;
const markdown = renderResults({ quick, detection, ablation, speed, seconds });
if (!onlyDaemon) console.log(`\n${markdown}`);
if (!values['no-docs'] && !onlyDaemon) {
  writeResultsSection('docs/benchmarks.md', markdown);
  console.error('updated docs/benchmarks.md');
}
