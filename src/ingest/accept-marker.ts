/**
 * Ingest: a deployment marker becomes a Verification and its steps are scheduled. Retrying the
 * same marker is harmless (same record back); the same id with another body is a conflict.
 */
import { PHASE_ID_INFIX, phaseDeploymentId, phaseIssues, phaseMarker } from './phases.js';
import { verdictMessages, type Notifier } from '../delivery/verdict-message.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { initialJudgeState } from '../analysis/judge/judge-interval.js';
import type { LoadedRuleSet } from '../config/load-rule-set.js';
import type { VerificationStore } from '../store/verification-store.js';
import type { StepScheduler } from '../verification/step-scheduler.js';
import { isDecided, type Verdict, type Verification } from '../verification/verification.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { sealVerdictBundle, type ReportRenderer } from '../verification/write-bundle.js';
import { canonicalSha256 } from './canonical-json.js';
import type { DeploymentMarker } from './deployment-marker-schema.js';
import { IngestError } from './ingest-errors.js';

export interface IngestDeps {
  readonly store: VerificationStore;
  readonly scheduler: StepScheduler;
  readonly ruleSets: ReadonlyMap<string, LoadedRuleSet>;
  readonly now: () => number;
  readonly logger: Logger;
  /** Seconds to wait after an interval ends before querying it. */
  readonly queryDelaySeconds: number;
  /** Webhook receivers of verdicts, aborted ones included. */
  readonly notifiers?: readonly Notifier[];
  readonly publicBaseUrl?: string;
  readonly onMessagesQueued?: () => void;
  /** Flag providers a marker's kill switches may name. */
  readonly flagProviders?: readonly { readonly name: string }[];
  /** Where an aborted verification's evidence bundle is sealed, as a decided one's is. */
  readonly artifacts?: ArtifactStore;
  readonly renderReport?: ReportRenderer;
  /** A verdict this ingest recorded (aborts), for the daemon's metrics. */
  readonly onVerdict?: (verdict: Verdict, verification: Verification) => void;
}

export interface Ingest {
  /** Accepts a validated marker; throws IngestError UNKNOWN_RULE_SET or DEPLOYMENT_CONFLICT. */
  acceptMarker(marker: DeploymentMarker): Promise<{ created: boolean; verification: Verification }>;
  /** Ends the analysis as `aborted`; undefined for an unknown id; throws ALREADY_DECIDED. */
  abort(id: string): Promise<Verification | undefined>;
  /** Starts a later phase once the one before it was promoted; throws PHASE_ORDER, PHASE_NOT_FOUND. */
  startPhase(
    id: string,
    phase: string,
    startedAt?: string,
  ): Promise<{ created: boolean; verification: Verification } | undefined>;
}

/** Builds the ingest use case. */
export function createIngest(deps: IngestDeps): Ingest {
  /** Creates (or finds, for a retry) the verification of a marker already checked. */
  async function accept(marker: DeploymentMarker): Promise<{ created: boolean; verification: Verification }> {
    const loaded = deps.ruleSets.get(marker.ruleSet);
    if (loaded === undefined) {
      throw new IngestError(
        'UNKNOWN_RULE_SET',
        `rule set "${marker.ruleSet}" is not loaded (known: ${[...deps.ruleSets.keys()].join(', ') || 'none'})`,
        [{ path: 'ruleSet', message: 'is not a known rule set' }],
      );
    }
    const unknownProviders = (marker.killSwitches ?? []).flatMap((killSwitch, index) =>
      (deps.flagProviders ?? []).some((provider) => provider.name === killSwitch.provider)
        ? []
        : [{ path: `killSwitches[${index}].provider`, message: `is not a configured flag provider` }],
    );
    if (unknownProviders.length > 0) {
      throw new IngestError(
        'UNKNOWN_FLAG_PROVIDER',
        `the marker names flag providers that are not configured (known: ${(deps.flagProviders ?? []).map((p) => p.name).join(', ') || 'none'})`,
        unknownProviders,
      );
    }
    const invalidPhases = phaseIssues(marker);
    if (invalidPhases.length > 0)
      throw new IngestError('VALIDATION_FAILED', "the marker's phases are not usable", invalidPhases);
    const markerSha256 = canonicalSha256(marker);
    const now = new Date(deps.now()).toISOString();
    const id = marker.id ?? randomUUID();
    const verification: Verification = {
      id,
      marker: { ...marker, id, startedAt: marker.startedAt ?? now },
      markerSha256,
      ruleSetSha256: loaded.sha256,
      plan: {
        intervalSeconds: loaded.ruleSet.analysis.intervalSeconds,
        minIntervals: loaded.ruleSet.analysis.minIntervals,
        maxIntervals: loaded.ruleSet.analysis.maxIntervals,
      },
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      intervalsJudged: 0,
      failedSteps: 0,
      lastJudgement: null,
      verdict: null,
    };
    const stored = await deps.store.create(verification, initialJudgeState(loaded.ruleSet));
    if (!stored.created && stored.verification.markerSha256 !== markerSha256) {
      throw new IngestError('DEPLOYMENT_CONFLICT', `deployment ${id} exists with a different marker`);
    }
    if (stored.created) {
      const startedAtMs = Date.parse(stored.verification.marker.startedAt);
      const intervalSeconds = loaded.ruleSet.analysis.intervalSeconds;
      await deps.scheduler.schedule(
        id,
        intervalSeconds,
        startedAtMs + (intervalSeconds + deps.queryDelaySeconds) * 1000,
      );
      deps.logger.info(
        { deploymentId: id, service: marker.service, ruleSet: marker.ruleSet },
        'marker accepted',
      );
    }
    return stored;
  }

  const ingest: Ingest = {
    async acceptMarker(marker) {
      // `<id>.phase.<name>` is how later phases are named: only startPhase may create those.
      if (marker.id?.includes(PHASE_ID_INFIX) === true)
        throw new IngestError('VALIDATION_FAILED', `deployment ids must not contain "${PHASE_ID_INFIX}"`, [
          { path: 'id', message: `must not contain "${PHASE_ID_INFIX}" (the ids of later phases)` },
        ]);
      return accept(marker);
    },
    async startPhase(id, phase, startedAt) {
      const parent = await deps.store.get(id);
      if (parent === undefined) return undefined;
      const phases = parent.marker.phases ?? [];
      const index = phases.findIndex((p) => p.name === phase);
      if (index < 0)
        throw new IngestError('PHASE_NOT_FOUND', `deployment ${id} has no phase ${phase}`, [
          {
            path: 'phase',
            message: `is not one of ${phases.map((p) => p.name).join(', ') || '(no phases)'}`,
          },
        ]);
      const childId = phaseDeploymentId(id, phases, phase);
      const isPhaseOf = (found: Verification | undefined) => found?.marker.metadata?.['phaseOf'] === id;
      const existing = await deps.store.get(childId);
      if (existing !== undefined && (index === 0 || isPhaseOf(existing)))
        return { created: false, verification: existing };
      const previousName = phases[index - 1]?.name;
      const previous =
        previousName === undefined
          ? undefined
          : await deps.store.get(phaseDeploymentId(id, phases, previousName));
      if (index === 0 || previous?.status !== 'promote')
        throw new IngestError(
          'PHASE_ORDER',
          index === 0
            ? `phase ${phase} is the deployment itself: it started with the marker`
            : `phase ${phase} starts only once phase ${previousName} is promoted (it is ${previous?.status ?? 'not started'})`,
          [{ path: 'phase', message: 'cannot start yet' }],
        );
      const marker = phaseMarker(
        { ...parent.marker, id },
        index,
        startedAt ?? new Date(deps.now()).toISOString(),
      );
      try {
        return await accept(marker);
      } catch (error) {
        // Two starts at once stamp different start times: the one that lost gets the winner's.
        const raced = await deps.store.get(childId);
        if ((error as IngestError).code === 'DEPLOYMENT_CONFLICT' && isPhaseOf(raced) && raced !== undefined)
          return { created: false, verification: raced };
        throw error;
      }
    },

    async abort(id) {
      const current = await deps.store.get(id);
      if (current === undefined) return undefined;
      if (isDecided(current.status)) {
        if (current.status === 'aborted') return current;
        throw new IngestError('ALREADY_DECIDED', `deployment ${id} is already decided: ${current.status}`);
      }
      const decided: Verdict = {
        outcome: 'aborted',
        decidedAt: new Date(deps.now()).toISOString(),
        decidedAtInterval: current.intervalsJudged,
        score: current.lastJudgement?.score ?? null,
        khis: current.lastJudgement?.khis ?? [],
        reasons: ['aborted on request'],
      };
      const seal = await sealVerdictBundle(deps, current, decided, deps.ruleSets.get(current.marker.ruleSet));
      const verdict: Verdict = seal === undefined ? decided : { ...decided, artifacts: seal };
      const messages = verdictMessages(deps.notifiers ?? [], current, verdict, deps.publicBaseUrl);
      const won = await deps.store.decide(id, verdict, messages);
      await deps.scheduler.cancel(id);
      if (won && messages.length > 0) deps.onMessagesQueued?.();
      const after = await deps.store.get(id);
      if (!won && after !== undefined && after.status !== 'aborted') {
        throw new IngestError('ALREADY_DECIDED', `deployment ${id} was decided first: ${after.status}`);
      }
      if (won && after !== undefined) deps.onVerdict?.(verdict, after);
      deps.logger.info({ deploymentId: id }, 'verification aborted');
      return after;
    },
  };
  return ingest;
}
