import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runArtifactsPullCommand, type PullOptions } from '../../src/cli/artifacts-command.js';
import { createVigilClient } from '../../src/cli/vigil-client.js';
import { createMemoryDeliveryLog } from '../../src/delivery/delivery-log.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { createMemoryBundlePins } from '../../src/store/artifacts/bundle-pins.js';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { TOKENS, auth, buildTestApp, marker, type TestApp } from '../api/build-test-app.js';
import { verdict } from '../api/fixtures.js';
import { sampleEvidence, seedBundle } from '../support/seed-bundle.js';

const ID = 'shop-2026-11-28-001';
const TAMPERED = 'steps/0003/answers.json';

let work: string;
let storeRoot: string;
let store: ArtifactStore;
let t: TestApp | undefined;
let fake: Server | undefined;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-pull-'));
  storeRoot = join(work, 'store');
  store = createFilesystemArtifactStore(storeRoot);
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  await new Promise((resolve) => (fake === undefined ? resolve(undefined) : fake.close(resolve)));
  fake = undefined;
  await rm(work, { recursive: true, force: true });
});

/** The daemon on a loopback port with a filesystem store; the deployment decided and sealed unless not. */
async function daemon(sealed = true): Promise<string> {
  t = await buildTestApp({
    artifacts: {
      store,
      pins: createMemoryBundlePins(),
      deliveryLog: createMemoryDeliveryLog(),
      retention: { retentionDays: { promote: 14, rollback: 90, inconclusive: 90, aborted: 14 } },
    },
  });
  const posted = await t.app.inject({
    method: 'POST',
    url: '/v1/deployments',
    headers: auth('writer'),
    payload: marker(),
  });
  expect(posted.statusCode).toBe(201);
  if (sealed) {
    const seal = await seedBundle(store, ID);
    await t.store.decide(ID, { ...verdict('promote'), artifacts: seal });
  } else {
    await store.put(ID, 'steps/0001/answers.json', Buffer.from('{}'));
  }
  return t.app.listen({ host: '127.0.0.1', port: 0 });
}

function output() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      progress: false,
      now: () => Date.now(),
    },
  };
}

async function pull(url: string, options: Partial<PullOptions> = {}, id = ID) {
  const printed = output();
  const code = await runArtifactsPullCommand(
    id,
    { output: join(work, 'pulled'), force: false, ...options },
    createVigilClient(url, TOKENS.reader),
    printed.io,
  );
  return { code, out: printed.out, err: printed.err, text: [...printed.out, ...printed.err].join('\n') };
}

/** Where the store keeps `content` on disk, found by content so the test does not depend on the layout. */
async function storedFileHolding(content: string): Promise<string> {
  const entries = await readdir(storeRoot, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await readFile(file, 'utf8')) === content) return file;
  }
  throw new Error(`no stored file holds ${content}`);
}

describe('vigil artifacts pull', () => {
  it('unpacks a sealed bundle and verifies every file: exit 0', async () => {
    const url = await daemon();
    const { code, out, text } = await pull(url);
    expect(code, text).toBe(0);
    const evidence = sampleEvidence(ID);
    for (const [path, content] of evidence)
      expect(await readFile(join(work, 'pulled', path), 'utf8')).toBe(content);
    // The stored files, the manifest, and the two made at download time.
    expect(out.at(-1)).toBe(`${evidence.size + 3} files verified, manifest matches the verdict`);
    expect(JSON.parse(await readFile(join(work, 'pulled', 'after-verdict.json'), 'utf8'))).toMatchObject({
      deploymentId: ID,
    });
  });

  it('names exactly the file tampered with on the server: exit 5', async () => {
    const url = await daemon();
    const original = sampleEvidence(ID).get(TAMPERED)!;
    // Same size, other bytes: the store's record of the file no longer matches what it serves.
    await writeFile(await storedFileHolding(original), original.replace('1,2,3', '7,2,3'));
    const { code, out, text } = await pull(url);
    expect(code, text).toBe(5);
    const problems = out.filter((line) => /^\S+: /.test(line) && !line.startsWith('note:'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${TAMPERED.replace(/\./g, '\\.')}: changed \\(sha256 [0-9a-f]{64}, manifest says [0-9a-f]{64}\\)$`,
      ),
    );
    expect(out.at(-1)).toBe(
      `1 of ${sampleEvidence(ID).size + 3} files do not match: this is not the evidence the verdict sealed`,
    );
  });

  it('names a stored file that changed size too: exit 5', async () => {
    const url = await daemon();
    const original = sampleEvidence(ID).get(TAMPERED)!;
    await writeFile(await storedFileHolding(original), `${original} and more`);
    const { code, out, text } = await pull(url);
    expect(code, text).toBe(5);
    const problems = out.filter((line) => /^\S+: /.test(line) && !line.startsWith('note:'));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${TAMPERED.replace(/\./g, '\\.')}: changed `)),
    ]);
  });

  it('says the manifest does not match the verdict when manifest.json was changed: exit 5', async () => {
    const url = await daemon();
    const manifest = Buffer.from(await store.read(ID, 'manifest.json')).toString('utf8');
    const manifestFile = await storedFileHolding(manifest);
    await writeFile(manifestFile, manifest.replace('02:30:00', '02:31:00'));
    const { code, out, text } = await pull(url);
    expect(code, text).toBe(5);
    expect(out).toContainEqual(
      expect.stringMatching(/^manifest\.json: manifest does not match the verdict \(sha256 /),
    );
    expect(out.filter((line) => line.includes(': changed'))).toEqual([]);
  });

  it('cannot verify a bundle that is not sealed yet: exit 5, saying why', async () => {
    const url = await daemon(false);
    const { code, out, text } = await pull(url);
    expect(code, text).toBe(5);
    expect(out[0]).toBe(
      'manifest.json: missing — the bundle is not sealed yet (deployment pending): it is sealed with the verdict',
    );
    expect(out.at(-1)).toBe(
      '3 files downloaded, none verified: there is no sealed manifest to verify them against',
    );
  });

  it('refuses a non-empty output folder without --force (exit 2), and never writes through a symlink with it', async () => {
    const url = await daemon();
    const dir = join(work, 'pulled');
    await mkdir(dir);
    const outside = join(work, 'outside.json');
    await writeFile(outside, 'untouched');
    await symlink(outside, join(dir, 'marker.json'));
    const refused = await pull(url);
    expect(refused.code).toBe(2);
    expect(refused.text).toContain('not empty (use --force to write into it)');

    const forced = await pull(url, { force: true });
    expect(forced.code, forced.text).toBe(0);
    expect(await readFile(outside, 'utf8')).toBe('untouched');
    expect((await stat(join(dir, 'marker.json'))).isFile()).toBe(true);
  });

  it('exits 2 for a bad id and 1 for an unknown deployment or an unreachable daemon', async () => {
    const url = await daemon();
    const bad = await pull(url, {}, '../etc');
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('is not a deployment id');
    const unknown = await pull(url, {}, 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.text).toContain('no deployment nope');
    const unreachable = await pull('http://127.0.0.1:1', {});
    expect(unreachable.code).toBe(1);
    expect(unreachable.text).toContain('cannot reach Vigil');
  });
});

describe('vigil artifacts pull from a malicious server', () => {
  /** A server answering the listing and, for the bundle, the archive `write` makes. */
  async function fakeServer(write: (tar: Pack) => void): Promise<string> {
    fake = createServer((request, response) => {
      if (request.url?.endsWith('/artifacts')) {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({ deploymentId: ID, status: 'promote', seal: null, pin: null, files: [] }),
        );
        return;
      }
      const tar = pack();
      response.setHeader('content-type', 'application/gzip');
      tar.pipe(createGzip()).pipe(response);
      write(tar);
      tar.finalize();
    });
    await new Promise<void>((resolve) => fake!.listen(0, '127.0.0.1', resolve));
    const address = fake.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  it.each([
    ['a `..` entry inside the folder', `${ID}/../evil`],
    ['a `..` entry at the top', '../evil'],
    ['an absolute path', `${join(tmpdir(), 'evil')}`],
    ['a path outside the top folder', 'other-deployment/evil'],
  ])('refuses %s: exit 5, nothing written outside DIR', async (_name, name) => {
    const url = await fakeServer((tar) => {
      tar.entry({ name: `${ID}/marker.json` }, '{}');
      tar.entry({ name }, 'pwned');
    });
    const { code, text } = await pull(url);
    expect(code, text).toBe(5);
    expect(text).toContain('refused');
    expect(text).toContain('nothing was written outside');
    await expect(stat(join(work, 'evil'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(work, 'other-deployment'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(work, 'pulled'))).toEqual(['marker.json']);
  });

  it.each([
    ['symlink', { type: 'symlink' as const, linkname: '/etc/passwd' }],
    ['hard link', { type: 'link' as const, linkname: `${ID}/marker.json` }],
  ])('refuses a %s entry', async (_name, header) => {
    const url = await fakeServer((tar) => {
      tar.entry({ name: `${ID}/marker.json` }, '{}');
      tar.entry({ name: `${ID}/steps/0001/answers.json`, ...header });
    });
    const { code, text } = await pull(url);
    expect(code, text).toBe(5);
    expect(text).toContain('links are not extracted');
    await expect(stat(join(work, 'pulled', 'steps', '0001', 'answers.json'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a path given twice', async () => {
    const url = await fakeServer((tar) => {
      tar.entry({ name: `${ID}/marker.json` }, '{}');
      tar.entry({ name: `${ID}/marker.json` }, '{"swapped":true}');
    });
    const { code, text } = await pull(url);
    expect(code, text).toBe(5);
    expect(text).toContain('the archive holds it twice');
  });
});
