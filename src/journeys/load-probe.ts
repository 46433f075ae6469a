/**
 * Loads probes: a `.ts` file is type-checked and compiled first (compile-probes.ts), a `.js` file
 * (the build's dist/probes/) is imported as is; either way the exports are checked against the
 * probe contract. Every failure is a ProbeError whose message says what to fix.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileProbeFiles, type CompiledProbe } from './compile-probes.js';
import type { LoadedProbe } from './probe.js';
import { ProbeError } from './probe-error.js';
import { probeFromModule } from './probe-module.js';

/** One file's outcome: the probe, or why it cannot be used. */
export type ProbeCheck =
  | { readonly file: string; readonly ok: true; readonly probe: LoadedProbe }
  | { readonly file: string; readonly ok: false; readonly error: ProbeError };

/** Every usable probe of a directory by name, and every file that is not one. */
export interface ProbeCatalog {
  readonly probes: ReadonlyMap<string, LoadedProbe>;
  readonly problems: readonly ProbeError[];
}

export interface ProbeLoadOptions {
  /** Where `.ts` probes are compiled to (default node_modules/.cache/vigil-probes). */
  readonly cacheDir?: string;
  /** Skip compiling a `.ts` probe whose inputs are unchanged since the last compile. */
  readonly reuseCompiled?: boolean;
}

const PROBE_FILE = /^(?!.*\.d\.ts$)[^.].*\.(ts|mts|js|mjs)$/;

/** Loads one probe file; ProbeError when it cannot be used. */
export async function loadProbeFile(file: string, options: ProbeLoadOptions = {}): Promise<LoadedProbe> {
  const [check] = await checkProbeFiles([file], options);
  if (check === undefined) throw new ProbeError('PROBE_NOT_FOUND', file, `${file}: no such probe file`);
  if (!check.ok) throw check.error;
  return check.probe;
}

/** Loads each file (TypeScript ones compiled together); one entry per file, in order. */
export async function checkProbeFiles(
  files: readonly string[],
  options: ProbeLoadOptions = {},
): Promise<ProbeCheck[]> {
  const sources = new Map<string, Buffer>();
  const checks = new Map<string, ProbeCheck>();
  for (const file of files) {
    try {
      sources.set(file, await readFile(file));
    } catch (cause) {
      checks.set(file, {
        file,
        ok: false,
        error: new ProbeError(
          'PROBE_NOT_FOUND',
          file,
          `${file}: cannot be read: ${(cause as Error).message}`,
          {
            cause,
          },
        ),
      });
    }
  }
  const typescriptFiles = [...sources.keys()].filter((file) => /\.m?ts$/.test(file));
  const compiled: Map<string, CompiledProbe> =
    typescriptFiles.length > 0
      ? await compileProbeFiles(typescriptFiles, {
          ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }),
          reuse: options.reuseCompiled === true,
        })
      : new Map<string, CompiledProbe>();
  for (const [file, source] of sources) {
    const sha256 = createHash('sha256').update(source).digest('hex');
    const target = compiled.get(file);
    if (target !== undefined && !target.ok) {
      checks.set(file, { file, ok: false, error: target.error });
      continue;
    }
    const jsFile = target?.jsFile ?? file;
    try {
      checks.set(file, { file, ok: true, probe: await importProbe(file, jsFile, sha256) });
    } catch (cause) {
      checks.set(file, { file, ok: false, error: cause as ProbeError });
    }
  }
  return files.map((file) => checks.get(file) as ProbeCheck);
}

/** Every probe file of `dir` (`*.ts` sources or the build's `*.js`), by name. */
export async function loadProbeDirectory(dir: string, options: ProbeLoadOptions = {}): Promise<ProbeCatalog> {
  const checks = await checkProbeFiles(await listProbeFiles(dir), options);
  const probes = new Map<string, LoadedProbe>();
  const problems: ProbeError[] = [];
  for (const check of checks) {
    if (!check.ok) problems.push(check.error);
    else if (probes.has(check.probe.name))
      problems.push(
        new ProbeError(
          'INVALID_PROBE',
          check.file,
          `${check.file}: probe name ${JSON.stringify(check.probe.name)} is already used by ${probes.get(check.probe.name)?.file ?? '?'}`,
        ),
      );
    else probes.set(check.probe.name, check.probe);
  }
  return { probes, problems };
}

/** The probe files of a directory, sorted; ProbeError PROBE_NOT_FOUND when it cannot be read. */
export async function listProbeFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && PROBE_FILE.test(entry.name))
      .map((entry) => join(dir, entry.name))
      .sort();
  } catch (cause) {
    throw new ProbeError(
      'PROBE_NOT_FOUND',
      dir,
      `${dir}: probe directory cannot be read: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

async function importProbe(file: string, jsFile: string, sha256: string): Promise<LoadedProbe> {
  let exports: Record<string, unknown>;
  try {
    // The hash in the URL makes an edited probe load anew instead of from the module cache.
    exports = (await import(`${pathToFileURL(jsFile).href}?sha256=${sha256}`)) as Record<string, unknown>;
  } catch (cause) {
    throw new ProbeError('IMPORT_FAILED', file, `${file}: threw while loading: ${describeError(cause)}`, {
      cause,
    });
  }
  return Object.freeze({ ...probeFromModule(exports, file), file, sha256 });
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
