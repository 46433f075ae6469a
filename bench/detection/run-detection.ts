/**
 * Detection benchmark: simulated healthy and regressed canaries judged by Vigil's defaults, the
 * Kayenta-compatible judge and the SPRT oracle on the same data, spread over worker threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startProgress } from '../progress.js';
import type { DetectionTask, DetectionTaskResult } from './detection-worker.js';
import type { AnalysisOutcome } from './judges.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import type { JudgeName } from './simulate-analysis.js';

export interface DetectionOptions {
  readonly judges: readonly JudgeName[];
  /** Divides every scenario's analyses (quick mode). */
  readonly divisor: number;
  /** Only scenarios whose id contains one of these (all when empty). */
  readonly only: readonly string[];
}

export interface CellSummary {
  readonly analyses: number;
  readonly rollbacks: number;
  readonly promotes: number;
  readonly inconclusives: number;
  /** Median interval of the rollbacks (null without any). */
  readonly medianRollbackInterval: number | null;
  /** Mean interval at which the analysis ended, whatever the verdict. */
  readonly meanDecisionInterval: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly cells: Readonly<Record<JudgeName, CellSummary>>;
  /** Wall-clock milliseconds of all judges on this scenario, summed over workers. */
  readonly milliseconds: number;
}

const CHUNK = 25;

/** Runs the detection benchmark; prints one line per scenario as it completes. */
export async function runDetection(options: DetectionOptions): Promise<ScenarioResult[]> {
  const scenarios = SCENARIOS.filter(
    (s) => options.only.length === 0 || options.only.some((part) => s.id.includes(part)),
  );
  const tasks: DetectionTask[] = [];
  for (const scenario of scenarios) {
    const analyses = Math.max(CHUNK, Math.round(scenario.analyses / options.divisor));
    for (let from = 0; from < analyses; from += CHUNK)
      tasks.push({ scenarioId: scenario.id, from, to: Math.min(analyses, from + CHUNK) });
  }
  const pending = new Map(scenarios.map((s) => [s.id, tasks.filter((t) => t.scenarioId === s.id).length]));
  const collected = new Map<
    string,
    { outcomes: Record<JudgeName, AnalysisOutcome[]>; milliseconds: number }
  >();
  const results: ScenarioResult[] = [];
  const progress = startProgress('detection', tasks.length);
  let done = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(availableParallelism(), tasks.length)) },
    () =>
      new Worker(new URL('./detection-worker.js', import.meta.url), {
        workerData: { judges: options.judges },
      }),
  );
  let next = 0;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const send = () => {
            const task = tasks[next];
            next += 1;
            if (task === undefined) {
              void worker.terminate().then(() => resolve());
              return;
            }
            worker.postMessage(task);
          };
          worker.on('error', reject);
          worker.on('message', (message: DetectionTaskResult) => {
            const { scenarioId } = message.task;
            const entry = collected.get(scenarioId) ?? { outcomes: {}, milliseconds: 0 };
            for (const [judge, outcomes] of Object.entries(message.outcomes)) {
              entry.outcomes[judge] = (entry.outcomes[judge] ?? []).concat(outcomes);
            }
            entry.milliseconds += message.milliseconds;
            collected.set(scenarioId, entry);
            done += 1;
            progress.update(done, scenarioId);
            const left = (pending.get(scenarioId) ?? 1) - 1;
            pending.set(scenarioId, left);
            if (left === 0) {
              const scenario = scenarios.find((s) => s.id === scenarioId) as Scenario;
              const result = summariseScenario(scenario, entry.outcomes, entry.milliseconds);
              results.push(result);
              process.stderr.write(`${isTerminal() ? '\r\x1b[K' : ''}`);
              console.log(describeScenarioResult(result));
            }
            send();
          });
          send();
        }),
    ),
  );
  progress.finish();
  return scenarios.map((s) => results.find((r) => r.scenario.id === s.id) as ScenarioResult);
}

function isTerminal(): boolean {
  return process.stderr.isTTY === true;
}

function summariseScenario(
  scenario: Scenario,
  outcomes: Record<JudgeName, AnalysisOutcome[]>,
  milliseconds: number,
): ScenarioResult {
  const cells: Record<JudgeName, CellSummary> = {};
  for (const [judge, list] of Object.entries(outcomes)) cells[judge] = summariseCell(list);
  return { scenario, cells, milliseconds };
}

/** Counts verdicts and the median rollback interval of one scenario under one judge. */
export function summariseCell(outcomes: readonly AnalysisOutcome[]): CellSummary {
  const rollbackIntervals = outcomes
    .filter((o) => o.verdict === 'rollback')
    .map((o) => o.interval)
    .sort((a, b) => a - b);
  const count = (verdict: AnalysisOutcome['verdict']) => outcomes.filter((o) => o.verdict === verdict).length;
  return {
    analyses: outcomes.length,
    rollbacks: rollbackIntervals.length,
    promotes: count('promote'),
    inconclusives: count('inconclusive'),
    medianRollbackInterval: median(rollbackIntervals),
    meanDecisionInterval: outcomes.reduce((sum, o) => sum + o.interval, 0) / Math.max(1, outcomes.length),
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function describeScenarioResult(result: ScenarioResult): string {
  const parts = Object.entries(result.cells).map(([judge, cell]) => {
    const rate = ((100 * cell.rollbacks) / cell.analyses).toFixed(1);
    return `${judge} rollback ${rate}% (median ${cell.medianRollbackInterval ?? '–'}), promote ${((100 * cell.promotes) / cell.analyses).toFixed(1)}%`;
  });
  return `${result.scenario.label} [n=${Object.values(result.cells)[0]?.analyses ?? 0}, ${(result.milliseconds / 1000).toFixed(1)} s]: ${parts.join('; ')}`;
}
