/**
 * The evidence bundle, written as the analysis runs (layout in store/artifacts/bundle-layout.ts):
 * the marker and rule set at the first step, each step's queries, raw answers, observations and
 * judgement as it is judged, and at the verdict the decision log, the report and the manifest.
 * Evidence is best effort: a write that fails (disk full, store down) is recorded as a problem and
 * the analysis goes on; the verdict then says the bundle is incomplete and why.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { LoadedRuleSet } from '../config/load-rule-set.js';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.js';
import { BUNDLE_FILES, stepFilePath, type StepFile } from '../store/artifacts/bundle-layout.js';
import { buildManifest } from '../store/artifacts/bundle-manifest.js';
import type { Logger } from 'pino';
import type { StepEvidence, VerificationStore } from '../store/verification-store.js';
import type { GatheredInterval } from './gather-observations.js';
import type { BundleSeal, Verdict, Verification } from './verification.js';

/** Renders the validation report of a verification whose bundle is written (report.html). */
export type ReportRenderer = (verification: Verification) => Promise<string>;

/** The step evidence field holding this step's failed bundle writes. */
export const BUNDLE_PROBLEMS_FIELD = 'bundleProblems';

/** Writes the marker and the rule set as applied; returns the problems (empty when all went in). */
export async function writeBundleStart(
  artifacts: ArtifactStore,
  verification: Verification,
  loaded: LoadedRuleSet,
): Promise<string[]> {
  return putAll(artifacts, verification.id, [
    [BUNDLE_FILES.marker, json(verification.marker)],
    [BUNDLE_FILES.ruleSetSource, loaded.text],
    [
      BUNDLE_FILES.ruleSetApplied,
      json({ name: verification.marker.ruleSet, sha256: loaded.sha256, ruleSet: loaded.ruleSet }),
    ],
  ]);
}

/** Writes one judged step's evidence; returns the problems. */
export async function writeBundleStep(
  artifacts: ArtifactStore,
  verificationId: string,
  interval: number,
  gathered: GatheredInterval,
  judgement: Judgement,
): Promise<string[]> {
  const queries = gathered.queries.map(({ khi, group, records }) => ({
    khi,
    group,
    records: records.map(({ response: _response, ...record }) => record),
  }));
  const answers = gathered.queries.map(({ khi, group, records }) => ({
    khi,
    group,
    answers: records.map((record) => ({
      query: record.query,
      ...(record.response !== undefined && { response: record.response }),
      ...(record.error !== undefined && { error: record.error }),
    })),
  }));
  const files: [StepFile, unknown][] = [
    ['queries', queries],
    ['answers', answers],
    ['observations', gathered.observations],
    ['judgement', judgement],
  ];
  if (gathered.journeys.length > 0) files.push(['journeys', gathered.journeys]);
  if (gathered.traces.length > 0) files.push(['traces', gathered.traces]);
  return putAll(
    artifacts,
    verificationId,
    files.map(([file, value]) => [
      stepFilePath(interval, file),
      BULKY.has(file) ? compactJson(value) : json(value),
    ]),
  );
}

export interface SealInput {
  readonly artifacts: ArtifactStore;
  /** The verification with its verdict filled in (the report shows it). */
  readonly verification: Verification & { readonly verdict: Verdict };
  readonly evidence: readonly StepEvidence[];
  readonly loaded?: LoadedRuleSet;
  readonly renderReport?: ReportRenderer;
}

/**
 * Writes the decision log and the report, then the manifest of everything in the bundle; returns
 * what the verdict records of it. Never throws: a bundle that cannot be sealed is an incomplete
 * bundle, not a lost verdict.
 */
export async function sealBundle(input: SealInput): Promise<BundleSeal> {
  const { artifacts, verification, evidence } = input;
  const { id, verdict } = verification;
  const problems = evidence.flatMap((step) => stringsOf(step[BUNDLE_PROBLEMS_FIELD]));
  const present = await artifacts.list(id).catch((error: unknown) => {
    problems.push(`listing the bundle failed: ${(error as Error).message}`);
    return [] as ArtifactRef[];
  });
  // A verification decided before its first step (rule set gone) still gets its marker.
  if (input.loaded !== undefined && !present.some((ref) => ref.path === BUNDLE_FILES.marker))
    problems.push(...(await writeBundleStart(artifacts, verification, input.loaded)));
  problems.push(
    ...(await putAll(artifacts, id, [[BUNDLE_FILES.decisionLog, json(decisionLog(id, evidence, verdict))]])),
  );
  if (input.renderReport !== undefined) {
    const report = await input.renderReport(verification).then(
      (html) => html,
      (error: unknown) => {
        problems.push(`${BUNDLE_FILES.report}: rendering failed: ${(error as Error).message}`);
        return undefined;
      },
    );
    if (report !== undefined)
      problems.push(...(await putAll(artifacts, id, [[BUNDLE_FILES.report, report]])));
  }
  const files = await artifacts.list(id).catch((error: unknown) => {
    problems.push(`listing the bundle failed: ${(error as Error).message}`);
    return [] as ArtifactRef[];
  });
  const manifest = buildManifest({
    deploymentId: id,
    sealedAt: verdict.decidedAt,
    verdict: { outcome: verdict.outcome, decidedAtInterval: verdict.decidedAtInterval },
    // A file over the size cap is kept truncated by policy (marked so in the manifest), not lost.
    complete: problems.length === 0,
    problems,
    files,
  });
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  try {
    await artifacts.put(id, BUNDLE_FILES.manifest, manifest.bytes);
  } catch (error) {
    return {
      manifestSha256: null,
      files: files.length,
      bytes,
      complete: false,
      problems: [...problems, `${BUNDLE_FILES.manifest}: ${(error as Error).message}`],
    };
  }
  return {
    manifestSha256: manifest.sha256,
    files: files.length + 1,
    bytes: bytes + manifest.bytes.byteLength,
    complete: manifest.manifest.complete,
    problems,
  };
}

export interface SealDeps {
  readonly artifacts?: ArtifactStore;
  readonly renderReport?: ReportRenderer;
  readonly store: Pick<VerificationStore, 'listEvidence'>;
  readonly logger: Logger;
}

/**
 * Seals the bundle before the verdict is recorded, so the verdict can carry the manifest's hash;
 * undefined when the daemon keeps no bundles.
 */
export async function sealVerdictBundle(
  deps: SealDeps,
  verification: Verification,
  verdict: Verdict,
  loaded?: LoadedRuleSet,
): Promise<BundleSeal | undefined> {
  if (deps.artifacts === undefined) return undefined;
  const evidence = await deps.store.listEvidence(verification.id).catch((error: unknown) => {
    deps.logger.warn(
      { err: error, deploymentId: verification.id },
      'step evidence unreadable for the bundle',
    );
    return [];
  });
  const seal = await sealBundle({
    artifacts: deps.artifacts,
    verification: { ...verification, status: verdict.outcome, verdict },
    evidence,
    ...(loaded !== undefined && { loaded }),
    ...(deps.renderReport !== undefined && { renderReport: deps.renderReport }),
  });
  if (!seal.complete)
    deps.logger.warn(
      { deploymentId: verification.id, problems: seal.problems },
      'evidence bundle incomplete',
    );
  return seal;
}

/** Every step's decision, then the verdict: the story of the verification in one file. */
function decisionLog(deploymentId: string, evidence: readonly StepEvidence[], verdict: Verdict): unknown {
  return {
    deploymentId,
    steps: evidence.map((step) => {
      const judgement = step['judgement'] as Judgement | undefined;
      return {
        interval: step.interval,
        recordedAt: step.recordedAt,
        score: judgement?.score ?? null,
        outcome: judgement?.decision.outcome ?? null,
        reasons: judgement?.decision.reasons ?? [],
        failures: step['failures'] ?? {},
      };
    }),
    verdict,
  };
}

async function putAll(
  artifacts: ArtifactStore,
  verificationId: string,
  files: readonly (readonly [string, string])[],
): Promise<string[]> {
  const results = await Promise.allSettled(
    files.map(([path, text]) => artifacts.put(verificationId, path, new TextEncoder().encode(text))),
  );
  return results.flatMap((result, i) =>
    result.status === 'fulfilled' ? [] : [`${files[i]?.[0]}: ${(result.reason as Error).message}`],
  );
}

/** Files that hold raw samples: indented, one number per line made them several times larger. */
const BULKY: ReadonlySet<StepFile> = new Set(['answers', 'observations']);

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function compactJson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
