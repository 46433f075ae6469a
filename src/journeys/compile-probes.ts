/**
 * Compiles TypeScript probes with the project's pinned TypeScript (type-checked with the project's
 * tsconfig.json options, so `vigil probe check` agrees with the build) into a cache folder inside
 * node_modules/, where their bare imports (`playwright`) resolve to Vigil's own packages.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type TypeScriptModule from 'typescript';
import type { CompilerOptions, Diagnostic } from 'typescript';
import { ProbeError } from './probe-error.js';

/** Per source file: the compiled `.js` to import, or why there is none. */
export type CompiledProbe =
  { readonly ok: true; readonly jsFile: string } | { readonly ok: false; readonly error: ProbeError };

type TypeScript = typeof TypeScriptModule;

/** The folder holding Vigil's package.json (works from src/ under vitest and from dist/). */
export function vigilRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tsconfig.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where compiled probes go unless told otherwise. */
export function defaultProbeCacheDir(): string {
  return join(vigilRoot(), 'node_modules', '.cache', 'vigil-probes');
}

export interface CompileProbeOptions {
  /** Default node_modules/.cache/vigil-probes. */
  readonly cacheDir?: string;
  /**
   * Reuse the previous output when none of its inputs changed (the probe, the project files it
   * imports, tsconfig.json, package-lock.json, the TypeScript version): type-checking against
   * Playwright's types takes seconds. `vigil probe check` always compiles afresh.
   */
  readonly reuse?: boolean;
}

/** Type-checks and compiles `files` in one program; every file gets an entry. */
export async function compileProbeFiles(
  files: readonly string[],
  options: CompileProbeOptions = {},
): Promise<Map<string, CompiledProbe>> {
  const cacheDir = options.cacheDir ?? defaultProbeCacheDir();
  const results = new Map<string, CompiledProbe>();
  const absolute = files.map((file) => resolve(file));
  let ts: TypeScript;
  try {
    ts = (await import('typescript')).default;
  } catch (cause) {
    for (const file of files)
      results.set(file, {
        ok: false,
        error: new ProbeError(
          'COMPILER_UNAVAILABLE',
          file,
          `${file}: compiling a TypeScript probe needs the typescript package (a development dependency); load the built dist/probes/*.js instead`,
          { cause },
        ),
      });
    return results;
  }
  const root = vigilRoot();
  const key = await compilerKey(ts, root);
  const jsFiles = absolute.map((file) => join(cacheDir, jsPathOf(file)));
  if (
    options.reuse === true &&
    (await Promise.all(jsFiles.map((js) => isUpToDate(js, key)))).every(Boolean)
  ) {
    files.forEach((file, index) => results.set(file, { ok: true, jsFile: jsFiles[index] ?? file }));
    return results;
  }
  const compilerOptions: CompilerOptions = {
    ...projectCompilerOptions(ts, root),
    // Mirror absolute paths under the cache, so relative imports between compiled files still meet.
    rootDir: parse(root).root,
    outDir: cacheDir,
    noEmit: false,
    declaration: false,
    sourceMap: false,
    incremental: false,
  };
  const program = ts.createProgram({ rootNames: absolute, options: compilerOptions });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  let anyOk = false;
  files.forEach((file, index) => {
    const sourceFile = program.getSourceFile(absolute[index] ?? file);
    if (sourceFile === undefined) {
      results.set(file, {
        ok: false,
        error: new ProbeError('PROBE_NOT_FOUND', file, `${file}: no such probe file`),
      });
      return;
    }
    const diagnostics = [...global, ...ts.getPreEmitDiagnostics(program, sourceFile)].filter(
      (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
    );
    if (diagnostics.length > 0) {
      const lines = diagnostics.map((diagnostic) => formatDiagnostic(ts, diagnostic));
      results.set(file, {
        ok: false,
        error: new ProbeError(
          'COMPILE_FAILED',
          file,
          `${file}: does not compile (${diagnostics.length} error(s)):\n  ${lines.join('\n  ')}`,
        ),
      });
      return;
    }
    anyOk = true;
    results.set(file, { ok: true, jsFile: join(cacheDir, jsPathOf(sourceFile.fileName)) });
  });
  if (anyOk) {
    // node_modules/ ends a package scope, so the cache needs its own to keep the output ESM.
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, 'package.json'), '{ "type": "module" }\n');
    // Written aside and renamed into place: another process may be importing the previous output.
    const emitted = program.emit(undefined, (fileName, text) => {
      mkdirSync(dirname(fileName), { recursive: true });
      const temporary = `${fileName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, fileName);
    });
    const failed = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    const inputs = program.getSourceFiles().filter((sourceFile) => !sourceFile.isDeclarationFile);
    const stamp = {
      key,
      inputs: Object.fromEntries(inputs.map((sourceFile) => [sourceFile.fileName, sha256(sourceFile.text)])),
    };
    for (const result of results.values())
      if (result.ok) await writeFile(`${result.jsFile}.inputs.json`, `${JSON.stringify(stamp)}\n`);
    if (emitted.emitSkipped || failed.length > 0) {
      const reason =
        failed.map((diagnostic) => formatDiagnostic(ts, diagnostic)).join('; ') || 'emit skipped';
      for (const [file, result] of results)
        if (result.ok)
          results.set(file, {
            ok: false,
            error: new ProbeError(
              'COMPILE_FAILED',
              file,
              `${file}: writing the compiled probe failed: ${reason}`,
            ),
          });
    }
  }
  return results;
}

function projectCompilerOptions(ts: TypeScript, root: string): CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  return (
    parsed?.options ?? {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      verbatimModuleSyntax: true,
    }
  );
}

/** What else decides the output: the compiler, the project's options, the installed packages. */
async function compilerKey(ts: TypeScript, root: string): Promise<string> {
  const parts = [ts.version];
  for (const name of ['tsconfig.json', 'package-lock.json'])
    parts.push(await readFile(join(root, name), 'utf8').catch(() => ''));
  return sha256(parts.join('\u0000'));
}

async function isUpToDate(jsFile: string, key: string): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(`${jsFile}.inputs.json`, 'utf8')) as {
      key?: unknown;
      inputs?: Record<string, string>;
    };
    if (stamp.key !== key || stamp.inputs === undefined || !existsSync(jsFile)) return false;
    for (const [file, hash] of Object.entries(stamp.inputs))
      if (sha256(await readFile(file, 'utf8')) !== hash) return false;
    return true;
  } catch {
    // No stamp yet, or an input is gone: compile.
    return false;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function jsPathOf(tsFile: string): string {
  const withoutRoot = tsFile.slice(parse(tsFile).root.length);
  return withoutRoot
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs')
    .replace(/\.ts$/, '.js');
}

function formatDiagnostic(ts: TypeScript, diagnostic: Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
  if (diagnostic.file === undefined || diagnostic.start === undefined)
    return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `line ${line + 1}, column ${character + 1}: TS${diagnostic.code}: ${message}`;
}
