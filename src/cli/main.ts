/**
 * The `vigil` command: thin over the modules it calls. Each subcommand returns an exit code.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { runArtifactsPullCommand } from './artifacts-command.js';
import { runJudgeCommand, type OutputFormat } from './judge-command.js';
import { runProbeCheckCommand, runProbeRunCommand } from './probe-command.js';
import { runRulesCheckCommand } from './rules-command.js';
import { runServeCommand } from './serve-command.js';
import { runStatusCommand, runVerifyCommand, type VerifyIo } from './verify-command.js';
import { createVigilClient } from './vigil-client.js';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Parses argv and runs the command; resolves to the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const io = {
    out: (text: string) => process.stdout.write(`${text}\n`),
    err: (text: string) =>
      process.stderr.write(text.endsWith('\n') || text.startsWith('\r') ? text : `${text}\n`),
    color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
    progress: process.stderr.isTTY === true,
  };
  const program = new Command()
    .name('vigil')
    .description('Observability-driven deployment verifier: promote, rollback or inconclusive.')
    .version(packageJson.version)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => io.err(text) });

  program
    .command('judge')
    .description(
      'Replay a scenario (or every *.json in a directory) through the judge and print the verdict.\nExit codes: 0 promote, 3 rollback, 4 inconclusive, 2 bad input, 1 internal error.',
    )
    .argument('<path>', 'scenario JSON file or directory of them')
    .addOption(
      new Option('--format <format>', 'output format (default: text on a terminal, json otherwise)').choices([
        'json',
        'text',
      ]),
    )
    .action(async (path: string, options: { format?: OutputFormat }) => {
      const format = options.format ?? (process.stdout.isTTY ? 'text' : 'json');
      exitCode = await runJudgeCommand(path, format, io);
    });

  const collect = (value: string, previous: string[]) => [...previous, value];
  const rules = program.command('rules').description('Work with rule sets.');
  rules
    .command('check')
    .description('Validate rule-set files (a file or every *.yaml/*.yml/*.json in a directory).')
    .argument('[path]', 'rule-set file or directory', 'rules')
    .action(async (path: string) => {
      exitCode = await runRulesCheckCommand(path, io);
    });

  const probe = program.command('probe').description('Write and debug synthetic journeys (probes/).');
  probe
    .command('run')
    .description(
      "Run one probe once in Chromium against a URL and print each step's time.\nExit codes: 0 pass, 3 fail (a step failed), 4 error (timeout, blocked host, browser failure), 2 bad input (the probe does not load, bad URL), 1 internal error.",
    )
    .argument('<file>', 'probe file (probes/*.ts, or a built dist/probes/*.js)')
    .requiredOption('--url <url>', 'base URL of the application (the canary or baseline)')
    .option(
      '--trace <file.zip>',
      'write the Playwright trace here (and a failure screenshot beside it as .png)',
    )
    .option('--allow-origin <url>', 'another origin the browser may reach (repeatable)', collect, [])
    .option(
      '--chromium <path>',
      'Chromium executable (VIGIL_CHROMIUM_PATH sets the default)',
      process.env['VIGIL_CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (
        file: string,
        options: {
          url: string;
          trace?: string;
          allowOrigin: string[];
          chromium: string;
          format: 'text' | 'json';
        },
      ) => {
        exitCode = await runProbeRunCommand(file, options, io);
      },
    );
  probe
    .command('check')
    .description(
      'Compile and validate a probe file or every probe in a directory.\nExit codes: 0 all valid, 2 any invalid.',
    )
    .argument('[path]', 'probe file or directory', 'probes')
    .action(async (path: string) => {
      exitCode = await runProbeCheckCommand(path, io);
    });

  program
    .command('serve')
    .description(
      'Run the daemon (settings: VIGIL_CONFIG file and VIGIL_* environment variables; see docs/configuration.md).',
    )
    .option('--config <file>', 'settings file (overrides VIGIL_CONFIG)')
    .action(async (options: { config?: string }) => {
      exitCode = await runServeCommand(options.config, io);
    });

  const verifyIo = (): VerifyIo => ({
    out: io.out,
    err: io.err,
    now: () => Date.now(),
    ...(process.stdout.isTTY === true && {
      redraw: (text: string) => process.stdout.write(`\r\u001b[2K${text}`),
    }),
  });
  const client = () =>
    createVigilClient(process.env['VIGIL_URL'] ?? 'http://127.0.0.1:8080', process.env['VIGIL_TOKEN']);
  program
    .command('verify')
    .description(
      'Post a deployment marker (or follow one) and wait for the verdict. VIGIL_URL and VIGIL_TOKEN configure the daemon.\nExit codes: 0 promote, 3 rollback, 4 inconclusive or aborted, 2 bad input, 1 error.',
    )
    .option('--deployment <id>', 'follow an existing deployment instead of posting a marker')
    .option('--id <id>', 'deployment id (idempotency key) for the new marker')
    .option('--service <name>')
    .option('--environment <name>', 'environment', 'production')
    .option('--version <version>', 'the new (canary) version')
    .option('--baseline-version <version>')
    .option('--rule-set <name>')
    .addOption(
      new Option('--strategy <strategy>')
        .choices(['canary', 'blue-green', 'rolling', 'ring'])
        .default('canary'),
    )
    .option(
      '--canary-label <k=v>',
      'Prometheus label selecting the canary (repeatable; default version=<version>)',
      collect,
      [],
    )
    .option(
      '--baseline-label <k=v>',
      'Prometheus label selecting the baseline (repeatable; default version=<baseline-version>)',
      collect,
      [],
    )
    .option('--canary-url <url>')
    .option('--baseline-url <url>')
    .option('--commit <sha>')
    .option('--wait', 'wait for the verdict (implied by --deployment)', false)
    .option('--timeout-seconds <n>', 'give up waiting after this long (exit 4)', (v) => Number(v), 3600)
    .action(async (options: Record<string, unknown>) => {
      const follow = typeof options['deployment'] === 'string';
      exitCode = await runVerifyCommand(
        {
          ...(options as unknown as Parameters<typeof runVerifyCommand>[0]),
          wait: follow || options['wait'] === true,
        },
        client(),
        verifyIo(),
      );
    });
  program
    .command('status')
    .description('Print the current state of a deployment.')
    .argument('<id>')
    .action(async (id: string) => {
      exitCode = await runStatusCommand(id, client(), verifyIo());
    });
  program
    .command('artifacts')
    .description('Work with evidence bundles.')
    .command('pull')
    .description(
      "Download a deployment's evidence bundle and verify every file against its manifest and the verdict. VIGIL_URL and VIGIL_TOKEN configure the daemon.\nExit codes: 0 all verified, 5 a file or the manifest does not match (or the bundle is not sealed yet), 2 bad input (bad id, DIR not empty), 1 error (Vigil unreachable, no such deployment, broken download).",
    )
    .argument('<id>', 'deployment id')
    .option('-o, --output <dir>', 'where to unpack the bundle (default: ./<id>)')
    .option('--force', 'unpack into a non-empty folder, replacing the bundle files there', false)
    .action(async (id: string, options: { output?: string; force: boolean }) => {
      exitCode = await runArtifactsPullCommand(id, options, client(), {
        out: io.out,
        err: io.err,
        progress: io.progress,
        now: () => Date.now(),
      });
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
