/**
 * Ablation of the rate mSPRT that judges ratio KHIs: the test alone on simulated error counts
 * (2,000 requests per group per interval, all 10 looks, no promotion), at Holm's first-step level
 * alpha / 4 with the shipped tolerance gate (observed ratio > 1.2 and difference > 0.05 points),
 * for the shipped null (ρ0 = 1 + tolerance) and alternatives. Measures how much power the null
 * and the prior cost, without changing the judge.
 */
import {
  initialRateMsprtState,
  rateMsprtPValue,
  updateRateMsprt,
  type RateMsprtOptions,
} from '../../src/analysis/sequential/rate-msprt.js';
import { createRandom } from '../../src/simulation/random.js';
import { startProgress } from '../progress.js';

export interface AblationRow {
  readonly configuration: string;
  /** Per cell label: detection share and median interval of detection. */
  readonly cells: readonly {
    readonly cell: string;
    readonly detected: number;
    readonly medianInterval: number | null;
  }[];
}

const REQUESTS = 2000;
const LOOKS = 10;
const LEVEL = 0.01 / 4;
const CELLS = [
  { cell: '×1 at 0.5%', baseline: 0.005, canary: 0.005 },
  { cell: '×2 at 0.5%', baseline: 0.005, canary: 0.01 },
  { cell: '×2 at 0.1%', baseline: 0.001, canary: 0.002 },
  { cell: '×1.5 at 1%', baseline: 0.01, canary: 0.015 },
  { cell: '0 → 0.2%', baseline: 0, canary: 0.002 },
] as const;

const CONFIGURATIONS: readonly { readonly name: string; readonly options: RateMsprtOptions }[] = [
  {
    name: 'shipped: ρ0 = 1.2 (1 + tolerance), prior τ 0.75/3',
    options: { direction: 'increase', relativeTolerance: 0.2 },
  },
  { name: 'ρ0 = 1, tolerance only as the gate', options: { direction: 'increase', relativeTolerance: 0 } },
  {
    name: 'ρ0 = 1.2, narrow prior τ 0.5',
    options: { direction: 'increase', relativeTolerance: 0.2, priorScales: [0.5], priorWeights: [1] },
  },
  {
    name: 'ρ0 = 1, prior τ 0.5/3 (0.8/0.2)',
    options: { direction: 'increase', relativeTolerance: 0, priorScales: [0.5, 3], priorWeights: [0.8, 0.2] },
  },
];

/** Runs the ablation with `analyses` simulated analyses per cell and configuration. */
export function runRateMsprtAblation(analyses: number): AblationRow[] {
  const progress = startProgress('rate mSPRT ablation', CONFIGURATIONS.length * CELLS.length);
  let done = 0;
  const rows = CONFIGURATIONS.map(({ name, options }) => ({
    configuration: name,
    cells: CELLS.map(({ cell, baseline, canary }) => {
      const random = createRandom(99);
      const intervals: number[] = [];
      for (let a = 0; a < analyses; a += 1) {
        let state = initialRateMsprtState(options);
        let canaryEvents = 0;
        let baselineEvents = 0;
        for (let look = 1; look <= LOOKS; look += 1) {
          const c = random.binomial(REQUESTS, canary);
          const b = random.binomial(REQUESTS, baseline);
          canaryEvents += c;
          baselineEvents += b;
          state = updateRateMsprt(state, {
            canaryEvents: c,
            canaryTotal: REQUESTS,
            baselineEvents: b,
            baselineTotal: REQUESTS,
          });
          const beyondTolerance =
            (canaryEvents - baselineEvents) / (look * REQUESTS) > 0.0005 &&
            canaryEvents > 1.2 * baselineEvents;
          if (beyondTolerance && rateMsprtPValue(state) <= LEVEL) {
            intervals.push(look);
            break;
          }
        }
      }
      intervals.sort((x, y) => x - y);
      done += 1;
      progress.update(done, cell);
      return {
        cell,
        detected: intervals.length / analyses,
        medianInterval: intervals[intervals.length >> 1] ?? null,
      };
    }),
  }));
  progress.finish();
  return rows;
}

/** The ablation as a markdown table. */
export function renderRateMsprtAblation(rows: readonly AblationRow[], analyses: number): string[] {
  const cells = rows[0]?.cells.map((c) => c.cell) ?? [];
  return [
    '#### Rate mSPRT alone (ablation)',
    '',
    `${analyses} analyses per cell; 2,000 requests per group per interval, all 10 looks, level α/4 = 0.0025 with the shipped tolerance gate. Detection share (median interval).`,
    '',
    `| ratio test | ${cells.join(' | ')} |`,
    `|---|${cells.map(() => '---:').join('|')}|`,
    ...rows.map(
      (row) =>
        `| ${row.configuration} | ${row.cells.map((c) => `${(100 * c.detected).toFixed(1)}% (${c.medianInterval ?? '–'})`).join(' | ')} |`,
    ),
    '',
  ];
}
