/**
 * `vigil judge <scenario.json | directory>`: replay recorded intervals through the same judge the
 * daemon runs live and print the verdict. One scenario: exit code by verdict. A directory: one
 * JSON object (or text block) per scenario, in file-name order.
 */
import { expandTraceFamilies } from '../analysis/judge/trace-families.js';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replayIntervals, type ReplayResult } from '../analysis/judge/replay.js';
import { RuleSetError } from '../config/rule-set-error.js';
import { loadScenarioFile, type Scenario } from '../scenarios/load-scenario.js';
import { ScenarioError } from '../scenarios/scenario-error.js';
import { EXIT, exitCodeForVerdict } from './exit-codes.js';
import { renderVerdictText } from './render-verdict-text.js';
import { verdictJson } from './verdict-json.js';

export type OutputFormat = 'json' | 'text';

export interface JudgeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: boolean;
  /** Show a progress counter on stderr for directories (a terminal is watching). */
  readonly progress: boolean;
}

/** Runs `vigil judge`; returns the exit code. */
export async function runJudgeCommand(path: string, format: OutputFormat, io: JudgeIo): Promise<number> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (cause) {
    io.err(`vigil judge: ${path}: cannot be read: ${(cause as Error).message}`);
    return EXIT.badInput;
  }
  if (!isDirectory) {
    const outcome = await judgeFile(path);
    if ('error' in outcome) {
      io.err(outcome.error.message);
      return outcome.exitCode;
    }
    io.out(render(outcome.scenario, outcome.result, format, io));
    return exitCodeForVerdict(outcome.result.verdict);
  }
  const files = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
  let exitCode: number = EXIT.ok;
  for (const [index, name] of files.entries()) {
    if (io.progress) io.err(`\rjudging ${index + 1}/${files.length} ${name}`.padEnd(60));
    const outcome = await judgeFile(join(path, name));
    if ('error' in outcome) {
      exitCode = Math.max(exitCode, outcome.exitCode === EXIT.badInput ? EXIT.badInput : EXIT.internalError);
      io.out(
        JSON.stringify({ scenario: name, error: { code: outcome.code, message: outcome.error.message } }),
      );
      continue;
    }
    io.out(
      format === 'json'
        ? JSON.stringify(verdictJson(outcome.scenario.name, outcome.result))
        : `${render(outcome.scenario, outcome.result, format, io)}\n`,
    );
  }
  if (io.progress) io.err('\n');
  if (files.length === 0) {
    io.err(`vigil judge: ${path}: no *.json scenarios found`);
    return EXIT.badInput;
  }
  return exitCode;
}

type Outcome =
  { scenario: Scenario; result: ReplayResult } | { error: Error; code: string; exitCode: number };

async function judgeFile(path: string): Promise<Outcome> {
  try {
    const scenario = await loadScenarioFile(path);
    return { scenario, result: replayIntervals(scenario.ruleSet, scenario.intervals) };
  } catch (cause) {
    const error = cause as Error;
    if (cause instanceof ScenarioError || cause instanceof RuleSetError) {
      return { error, code: cause.code, exitCode: EXIT.badInput };
    }
    return {
      error: new Error(`vigil judge: internal error on ${path}: ${error.stack ?? error.message}`),
      code: 'INTERNAL',
      exitCode: EXIT.internalError,
    };
  }
}

function render(scenario: Scenario, result: ReplayResult, format: OutputFormat, io: JudgeIo): string {
  if (format === 'json') return JSON.stringify(verdictJson(scenario.name, result), null, 2);
  const series = new Map(
    expandTraceFamilies(scenario.ruleSet, Object.keys(result.finalState.khis)).khis.map((khi) => {
      const state = result.finalState.khis[khi.name];
      return [
        khi.name,
        { baseline: state?.baseline.perInterval ?? [], canary: state?.canary.perInterval ?? [] },
      ] as const;
    }),
  );
  return renderVerdictText(scenario.name, result, series, { color: io.color });
}
