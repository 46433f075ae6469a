/**
 * The `vigil` command: thin over the modules it calls. Each subcommand returns an exit code.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { runJudgeCommand, type OutputFormat } from './judge-command.js';
import { runRulesCheckCommand } from './rules-command.js';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Parses argv and runs the command; resolves to the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const io = {
    out: (text: string) => process.stdout.write(`${text}\n`),
    err: (text: string) => process.stderr.write(text.endsWith('\n') || text.startsWith('\r') ? text : `${text}\n`),
    color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
    progress: process.stderr.isTTY === true,
  };
  const program = new Command()
    .name('vigil')
    .description('Observability-driven deployment verifier: promote, rollback or inconclusive.')
    .version(packageJson.version)
    .exitOverride()
    .configureOutput({ writeErr: (text) => io.err(text) });

  program
    .command('judge')
    .description('Replay a scenario (or every *.json in a directory) through the judge and print the verdict.\nExit codes: 0 promote, 3 rollback, 4 inconclusive, 2 bad input, 1 internal error.')
    .argument('<path>', 'scenario JSON file or directory of them')
    .addOption(new Option('--format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(async (path: string, options: { format?: OutputFormat }) => {
      const format = options.format ?? (process.stdout.isTTY ? 'text' : 'json');
      exitCode = await runJudgeCommand(path, format, io);
    });

  const rules = program.command('rules').description('Work with rule sets.');
  rules
    .command('check')
    .description('Validate rule-set files (a file or every *.yaml/*.yml/*.json in a directory).')
    .argument('[path]', 'rule-set file or directory', 'rules')
    .action(async (path: string) => {
      exitCode = await runRulesCheckCommand(path, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    io.err(`vigil: internal error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.internalError;
  }
  return exitCode;
}
