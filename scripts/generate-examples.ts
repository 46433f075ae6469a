/**
 * Writes the example scenarios in examples/scenarios/ (seeded: rerunning gives the same files).
 * Run: npm run build && node dist/scripts/generate-examples.js
 */
import { writeFile } from 'node:fs/promises';
import {
  simulateIntervals,
  type SimulatedGroup,
  type SimulatedRelease,
} from '../src/simulation/canary-simulator.js';
import { createRandom } from '../src/simulation/random.js';

const healthy: SimulatedGroup = { requests: 2000, errorRate: 0.005, latencyMedianSeconds: 0.12, cpu: 0.6 };

function release(canary: Partial<SimulatedGroup>): SimulatedRelease {
  return {
    baseline: healthy,
    canary: { ...healthy, ...canary },
    latencySigma: 0.5,
    latencySamples: 250,
    cpuSamples: 4,
    cpuNoise: 0.05,
  };
}

const scenarios = [
  {
    file: 'good-release.json',
    name: 'good-release',
    description: 'A healthy release: same error rate, latency and CPU as the baseline. Expect promote.',
    release: release({}),
    expected: { verdict: 'promote' },
  },
  {
    file: 'bad-release.json',
    name: 'bad-release',
    description: 'A faulty release: error rate x3 (0.5% -> 1.5%) and latency +30%. Expect an early rollback.',
    release: release({ errorRate: 0.015, latencyMedianSeconds: 0.156 }),
    expected: { verdict: 'rollback' },
  },
  {
    file: 'zero-baseline-errors.json',
    name: 'zero-baseline-errors',
    description: 'The baseline has no errors at all; the canary fails 0.3% of requests. Expect rollback.',
    release: { ...release({ errorRate: 0.003 }), baseline: { ...healthy, errorRate: 0 } },
    expected: { verdict: 'rollback' },
  },
  {
    file: 'slow-release.json',
    name: 'slow-release',
    description: 'Errors unchanged, latency +15% (beyond the 5% tolerance). Expect rollback on latency.',
    release: release({ latencyMedianSeconds: 0.138 }),
    expected: { verdict: 'rollback' },
  },
  {
    file: 'thin-traffic.json',
    name: 'thin-traffic',
    description: 'Only 60 requests per interval: never enough samples to promote. Expect inconclusive.',
    release: {
      ...release({}),
      baseline: { ...healthy, requests: 60 },
      canary: { ...healthy, requests: 60 },
      latencySamples: 10,
    },
    expected: { verdict: 'inconclusive' },
  },
];

for (const [index, scenario] of scenarios.entries()) {
  const intervals = simulateIntervals(scenario.release, 10, createRandom(1000 + index));
  const document = {
    name: scenario.name,
    description: scenario.description,
    rules: '../../rules/web-service.yaml',
    expected: scenario.expected,
    intervals,
  };
  await writeFile(
    new URL(`../../examples/scenarios/${scenario.file}`, import.meta.url),
    `${JSON.stringify(document)}\n`,
  );
}
