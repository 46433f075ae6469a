/**
 * Worker thread of the detection benchmark: judges a range of analyses of one scenario and posts
 * the outcomes back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisOutcome } from './judges.js';
import { SCENARIOS } from './scenarios.js';
import { createAnalysisJudge, type JudgeName } from './simulate-analysis.js';

export interface DetectionTask {
  readonly scenarioId: string;
  readonly from: number;
  readonly to: number;
}

export interface DetectionTaskResult {
  readonly task: DetectionTask;
  readonly outcomes: Record<JudgeName, AnalysisOutcome[]>;
  readonly milliseconds: number;
}

const judges = (workerData as { judges: JudgeName[] }).judges;
const judgeAnalysis = createAnalysisJudge(judges);

parentPort?.on('message', (task: DetectionTask) => {
  const scenario = SCENARIOS.find((s) => s.id === task.scenarioId);
  if (scenario === undefined) throw new Error(`unknown scenario ${task.scenarioId}`);
  const outcomes: Record<JudgeName, AnalysisOutcome[]> = Object.fromEntries(
    judges.map((judge) => [judge, []]),
  );
  const started = performance.now();
  for (let index = task.from; index < task.to; index += 1) {
    const result = judgeAnalysis(scenario, index);
    for (const judge of judges) outcomes[judge]?.push(result[judge] as AnalysisOutcome);
  }
  const result: DetectionTaskResult = { task, outcomes, milliseconds: performance.now() - started };
  parentPort?.postMessage(result);
});
