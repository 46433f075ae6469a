/**
 * How a Verification is shown over HTTP: the record (marker, state, last judgement summary and
 * verdict without per-KHI detail) and the verdict (with the KHI results, as `vigil judge` prints).
 */
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { Verdict, Verification } from '../verification/verification.js';
import type { DeploymentCreated, VerdictResponse, VerificationRecord } from './deployment-schemas.js';

/** Builds links from the optional public base URL (relative links without one). */
export interface Links {
  deployment(id: string): string;
  verdict(id: string): string;
}

/** Links under `publicBaseUrl` (`https://vigil.example.com`), or relative ones. */
export function createLinks(publicBaseUrl: string | undefined): Links {
  const base = (publicBaseUrl ?? '').replace(/\/+$/, '');
  const deployment = (id: string) => `${base}/v1/deployments/${encodeURIComponent(id)}`;
  return { deployment, verdict: (id) => `${deployment(id)}/verdict` };
}

/** The answer to a marker: 201 when created, 200 on an idempotent retry. */
export function toCreatedView(verification: Verification, links: Links): DeploymentCreated {
  return { id: verification.id, status: verification.status, verdictUrl: links.verdict(verification.id) };
}

/** The verification record. */
export function toRecordView(verification: Verification, links: Links): VerificationRecord {
  const { lastJudgement, verdict } = verification;
  return {
    id: verification.id,
    status: verification.status,
    marker: verification.marker,
    markerSha256: verification.markerSha256,
    ruleSetSha256: verification.ruleSetSha256,
    plan: verification.plan ?? null,
    createdAt: verification.createdAt,
    updatedAt: verification.updatedAt,
    intervalsJudged: verification.intervalsJudged,
    failedSteps: verification.failedSteps,
    lastJudgement:
      lastJudgement === null
        ? null
        : {
            interval: lastJudgement.interval,
            score: lastJudgement.score,
            outcome: lastJudgement.decision.outcome,
            reasons: [...lastJudgement.decision.reasons],
          },
    verdict:
      verdict === null
        ? null
        : {
            ...verdictSummary(verdict),
            ...(verdict.artifacts !== undefined && {
              artifacts: { ...verdict.artifacts, problems: [...verdict.artifacts.problems] },
            }),
          },
    verdictUrl: links.verdict(verification.id),
  };
}

/** A verdict without its per-KHI results, as the record and the intervals view show it. */
export function verdictSummary(verdict: Verdict) {
  return {
    outcome: verdict.outcome,
    decidedAt: verdict.decidedAt,
    decidedAtInterval: verdict.decidedAtInterval,
    score: verdict.score,
    reasons: [...verdict.reasons],
  };
}

/** The verdict; while undecided, score, KHIs and reasons come from the last judgement. */
export function toVerdictView(verification: Verification): VerdictResponse {
  const { verdict, lastJudgement } = verification;
  if (verdict !== null) {
    return {
      id: verification.id,
      status: verification.status,
      score: verdict.score,
      decidedAt: verdict.decidedAt,
      decidedAtInterval: verdict.decidedAtInterval,
      intervalsJudged: verification.intervalsJudged,
      khis: verdict.khis.map(toKhiView),
      reasons: [...verdict.reasons],
    };
  }
  return {
    id: verification.id,
    status: verification.status,
    score: lastJudgement?.score ?? null,
    decidedAt: null,
    decidedAtInterval: null,
    intervalsJudged: verification.intervalsJudged,
    khis: (lastJudgement?.khis ?? []).map(toKhiView),
    reasons: [...(lastJudgement?.decision.reasons ?? [])],
  };
}

type KhiView = VerdictResponse['khis'][number];

/** A KHI result with non-finite statistics as null, as JSON writes them (the store already does). */
function toKhiView(khi: KhiResult): KhiView {
  const effect: Record<string, unknown> = { ...khi.effect };
  for (const [key, value] of Object.entries(effect)) {
    if (typeof value === 'number' && !Number.isFinite(value)) effect[key] = null;
  }
  const view: KhiView = { ...khi, effect };
  for (const key of ['statistic', 'pValue', 'adjustedPValue'] as const) {
    const value = view[key];
    if (typeof value === 'number' && !Number.isFinite(value)) view[key] = null;
  }
  return view;
}
