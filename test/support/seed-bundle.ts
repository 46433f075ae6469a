/**
 * Stores a small sealed evidence bundle (a marker, two steps, a decision log, a report, and the
 * manifest) and returns the seal the verdict records, as the verification's bundle writer does.
 */
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { buildManifest, MANIFEST_PATH } from '../../src/store/artifacts/bundle-manifest.js';
import { BUNDLE_FILES, stepFilePath } from '../../src/store/artifacts/bundle-layout.js';
import type { BundleSeal } from '../../src/verification/verification.js';

/** The files a seeded bundle holds besides its manifest, by path. */
export function sampleEvidence(deploymentId: string): Map<string, string> {
  return new Map([
    [BUNDLE_FILES.marker, JSON.stringify({ id: deploymentId, service: 'shop' })],
    [stepFilePath(1, 'answers'), JSON.stringify({ status: 'success', data: { result: [] } })],
    [stepFilePath(3, 'answers'), JSON.stringify({ status: 'success', data: { result: [1, 2, 3] } })],
    [stepFilePath(3, 'judgement'), JSON.stringify({ score: 96 })],
    [BUNDLE_FILES.decisionLog, JSON.stringify([{ interval: 3, outcome: 'promote' }])],
    [BUNDLE_FILES.report, '<!doctype html><title>report</title><h1>PROMOTE</h1>'],
  ]);
}

/** Stores the sample evidence and its manifest; returns the seal for `verdict.artifacts`. */
export async function seedBundle(
  store: ArtifactStore,
  deploymentId: string,
  evidence: ReadonlyMap<string, string | Uint8Array> = sampleEvidence(deploymentId),
): Promise<BundleSeal> {
  const refs = [];
  for (const [path, content] of evidence)
    refs.push(
      await store.put(deploymentId, path, typeof content === 'string' ? Buffer.from(content) : content),
    );
  const manifest = buildManifest({
    deploymentId,
    sealedAt: '2026-11-28T02:30:00.000Z',
    verdict: { outcome: 'promote', decidedAtInterval: 3 },
    complete: true,
    problems: [],
    files: refs,
  });
  await store.put(deploymentId, MANIFEST_PATH, manifest.bytes);
  return {
    manifestSha256: manifest.sha256,
    files: refs.length + 1,
    bytes: refs.reduce((sum, ref) => sum + ref.bytes, manifest.bytes.byteLength),
    complete: true,
    problems: [],
  };
}
