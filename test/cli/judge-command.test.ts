import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJudgeCommand, type OutputFormat } from '../../src/cli/judge-command.js';

async function judge(path: string, format: OutputFormat = 'json') {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runJudgeCommand(path, format, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    color: false,
    progress: false,
  });
  return { exitCode, out: out.join('\n'), err: err.join('\n') };
}

const EXIT_BY_VERDICT = { promote: 0, rollback: 3, inconclusive: 4 } as const;

describe('vigil judge', () => {
  it('judges every shipped example as its file expects, with the verdict as exit code', async () => {
    const files = (await readdir('examples/scenarios')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const path = join('examples/scenarios', file);
      const expected = (
        JSON.parse(await readFile(path, 'utf8')) as { expected: { verdict: keyof typeof EXIT_BY_VERDICT } }
      ).expected;
      const { exitCode, out } = await judge(path);
      const output = JSON.parse(out) as Record<string, unknown>;
      expect(output['verdict'], file).toBe(expected.verdict);
      expect(exitCode, file).toBe(EXIT_BY_VERDICT[expected.verdict]);
      expect(Object.keys(output)).toEqual([
        'scenario',
        'verdict',
        'decidedAtInterval',
        'score',
        'khis',
        'reasons',
      ]);
    }
  });

  it('prints the contract fields for each KHI', async () => {
    const { out } = await judge('examples/scenarios/bad-release.json');
    const khi = (JSON.parse(out) as { khis: Record<string, unknown>[] }).khis[0] as Record<string, unknown>;
    for (const field of [
      'name',
      'classification',
      'critical',
      'test',
      'method',
      'statistic',
      'pValue',
      'adjustedPValue',
      'effect',
      'reason',
    ]) {
      expect(khi, field).toHaveProperty(field);
    }
  });

  it('renders readable text with the verdict first', async () => {
    const { out, exitCode } = await judge('examples/scenarios/bad-release.json', 'text');
    expect(exitCode).toBe(3);
    expect(out.split('\n')[0]).toMatch(/^bad-release: ROLLBACK after interval \d+, score/);
    expect(out).toMatch(/why: critical KHI error-rate failed/);
    expect(out).toMatch(/error-rate\s+baseline [▁-█ ]+ {2}canary/);
  });

  it('prints one JSON object per line for a directory', async () => {
    const { out, exitCode } = await judge('examples/scenarios');
    const lines = out.trim().split('\n');
    expect(lines.length).toBe(
      (await readdir('examples/scenarios')).filter((f) => f.endsWith('.json')).length,
    );
    expect(lines.map((line) => (JSON.parse(line) as { scenario: string }).scenario)).toContain('bad-release');
    expect(exitCode).toBe(0);
  });

  it('exits 2 on bad input, naming the file and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ name: 'x', rules: '../nope.yaml', intervals: [{ khis: {} }] }));
    const { exitCode, err } = await judge(path);
    expect(exitCode).toBe(2);
    expect(err).toContain(path);
    expect(err).toMatch(/rules\.\(file\): cannot be read/);
  });

  it('exits 2 for a path that does not exist', async () => {
    const { exitCode, err } = await judge('/nonexistent/scenario.json');
    expect(exitCode).toBe(2);
    expect(err).toMatch(/cannot be read/);
  });

  it('reports a bad scenario in a directory as an error line and exits 2, judging the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    await writeFile(join(dir, 'a-bad.json'), '{ not json');
    await writeFile(
      join(dir, 'b-good.json'),
      (await readFile('examples/scenarios/good-release.json', 'utf8')).replace(
        '"../../rules/web-service.yaml"',
        JSON.stringify(join(process.cwd(), 'rules/web-service.yaml')),
      ),
    );
    const { out, exitCode } = await judge(dir);
    const [first, second] = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ scenario: 'a-bad.json', error: { code: 'INVALID_SCENARIO' } });
    expect(second).toMatchObject({ scenario: 'good-release', verdict: 'promote' });
    expect(exitCode).toBe(2);
  });
});
