/**
 * The verification use case, one step: for every interval that has ended and is not judged yet,
 * gather Observations through the metric source, judge them with the same judge as `vigil judge`,
 * store the step and its evidence with a compare-and-set (several daemons may run the same step;
 * one wins), and when decided record the verdict exactly once and stop the schedule.
 */
import { killSwitchMessages, type FlagProvider } from '../delivery/kill-switch-messages.js';
import type { Outbox } from '../delivery/outbox.js';
import { progressMessages, verdictMessages, type Notifier } from '../delivery/verdict-message.js';
import { incidentMessages } from '../delivery/incident-message.js';
import type { IncidentTemplates } from '../delivery/incident-template.js';
import type { Tracer } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { judgeInterval, type Judgement } from '../analysis/judge/judge-interval.js';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import { isCountObservation, type Observation } from '../analysis/observations.js';
import { scoreKhis } from '../analysis/judge/score.js';
import type { RuleSet } from '../analysis/rule-set.js';
import type { LoadedRuleSet } from '../config/load-rule-set.js';
import type { MetricSource } from '../sources/metric-source.js';
import type { VerificationStore } from '../store/verification-store.js';
import type { JourneyDispatch } from './gather-journeys.js';
import type { TraceDeps } from './gather-traces.js';
import { gatherObservations, type GatheredInterval } from './gather-observations.js';
import type { StepScheduler } from './step-scheduler.js';
import { isDecided, type Verdict, type Verification } from './verification.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import {
  BUNDLE_PROBLEMS_FIELD,
  sealVerdictBundle,
  writeBundleStart,
  writeBundleStep,
  type ReportRenderer,
} from './write-bundle.js';

export interface StepDeps {
  readonly store: VerificationStore;
  readonly source: MetricSource;
  readonly scheduler: StepScheduler;
  readonly ruleSets: ReadonlyMap<string, LoadedRuleSet>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly queryDelaySeconds: number;
  readonly maxFailedSteps: number;
  readonly queryConcurrency: number;
  /** Runs journey probes; without it, journey KHIs fail with a clear reason. */
  readonly journeys?: JourneyDispatch;
  /** Reads span summaries; without it, trace KHIs fail with a clear reason. */
  readonly traces?: TraceDeps;
  /** Webhook receivers of verdicts: their messages are recorded with the verdict. */
  readonly notifiers?: readonly Notifier[];
  /** Where a rollback turns the marker's kill switches off (messages recorded with the verdict). */
  readonly flagProviders?: readonly FlagProvider[];
  /** Where each verification's evidence bundle is written; no bundle without it. */
  readonly artifacts?: ArtifactStore;
  /** Renders report.html into the bundle when the verdict is sealed. */
  readonly renderReport?: ReportRenderer;
  /** Incident message templates (slack notifiers, webhooks with `events: [incident]`). */
  readonly incidentTemplates?: IncidentTemplates;
  /** What is known of each service: incident messages name the services depending on it. */
  readonly services?: Readonly<Record<string, { readonly dependsOn: readonly string[] }>>;
  /** Base of the links in webhook payloads. */
  readonly publicBaseUrl?: string;
  /** This daemon recorded a verdict with messages: deliver them now. */
  readonly onMessagesQueued?: () => void;
  /** Where progress messages (notifiers with `events: [progress]`) are queued after each step. */
  readonly outbox?: Pick<Outbox, 'enqueue'>;
  readonly onStepJudged?: (durationSeconds: number) => void;
  readonly onVerdict?: (verdict: Verdict, verification: Verification) => void;
}

export type StepOutcome = 'not-found' | 'decided' | 'not-due' | 'lost-race';

/** Judges every due interval of the verification; returns why it stopped. */
export async function runDueSteps(deploymentId: string, deps: StepDeps): Promise<StepOutcome> {
  for (;;) {
    const outcome = await runOneStep(deploymentId, deps);
    if (outcome !== 'judged') return outcome;
  }
}

type OneStep = StepOutcome | 'judged';

async function runOneStep(deploymentId: string, deps: StepDeps): Promise<OneStep> {
  const verification = await deps.store.get(deploymentId);
  if (verification === undefined) return 'not-found';
  if (isDecided(verification.status)) {
    await deps.scheduler.cancel(deploymentId);
    return 'decided';
  }
  const loaded = deps.ruleSets.get(verification.marker.ruleSet);
  const interval = verification.intervalsJudged + 1;
  if (loaded === undefined) {
    return finish(
      deps,
      verification,
      verdictOf('inconclusive', interval - 1, verification.lastJudgement, [
        `rule set "${verification.marker.ruleSet}" is no longer loaded`,
      ]),
    );
  }
  const { ruleSet } = loaded;
  const dueMs =
    Date.parse(verification.marker.startedAt) +
    (interval * ruleSet.analysis.intervalSeconds + deps.queryDelaySeconds) * 1000;
  if (deps.now() < dueMs) return 'not-due';

  const logger = deps.logger.child({ deploymentId, interval });
  return deps.tracer.startActiveSpan(
    'verification.step',
    { attributes: { 'vigil.deployment_id': deploymentId, 'vigil.interval': interval } },
    async (span) => {
      const started = performance.now();
      try {
        const state = await deps.store.getJudgeState(deploymentId);
        if (state === undefined) throw new Error(`judge state of ${deploymentId} is missing`);
        const gathered = await gatherObservations(
          deps.source,
          verification,
          ruleSet,
          interval,
          deps.queryConcurrency,
          deps.journeys,
          deps.traces,
        );
        const step = judgeInterval(ruleSet, state, gathered.observations);
        const judgement = withTraceEvidence(
          withJourneyEvidence(
            withBackendFailures(step.judgement, gathered, ruleSet.analysis.maxIntervals),
            gathered,
            ruleSet,
            verification.lastJudgement,
          ),
          gathered,
        );
        const allFailed = gathered.queriedKhis > 0 && gathered.failures.size === gathered.queriedKhis;
        const failedSteps = allFailed ? verification.failedSteps + 1 : 0;
        const saved = await deps.store.saveStep(deploymentId, {
          expectedIntervalsJudged: verification.intervalsJudged,
          intervalsJudged: interval,
          failedSteps,
          judgeState: step.state,
          lastJudgement: judgement,
        });
        if (!saved) {
          logger.debug('step recorded by another worker');
          return 'lost-race';
        }
        const bundleProblems = await writeStepBundle(
          deps,
          verification,
          loaded,
          interval,
          gathered,
          judgement,
        );
        await deps.store.appendEvidence(deploymentId, {
          interval,
          recordedAt: new Date(deps.now()).toISOString(),
          window: {
            endMs:
              Date.parse(verification.marker.startedAt) + interval * ruleSet.analysis.intervalSeconds * 1000,
            intervalSeconds: ruleSet.analysis.intervalSeconds,
          },
          queries: gathered.queries,
          ...(gathered.journeys.length > 0 && { journeys: gathered.journeys }),
          ...(gathered.traces.length > 0 && { traces: gathered.traces }),
          failures: Object.fromEntries(gathered.failures),
          observations: summariseObservations(gathered),
          judgement,
          ...(bundleProblems.length > 0 && { [BUNDLE_PROBLEMS_FIELD]: bundleProblems }),
        });
        await queueProgress(deps, verification, judgement);
        deps.onStepJudged?.((performance.now() - started) / 1000);
        logger.info(
          { score: judgement.score, decision: judgement.decision.outcome, failures: gathered.failures.size },
          'step judged',
        );
        const { decision } = judgement;
        if (decision.outcome !== 'continue') {
          return await finish(
            deps,
            { ...verification, intervalsJudged: interval },
            verdictOf(decision.outcome, interval, judgement, decision.reasons),
            gathered,
            loaded,
          );
        }
        if (failedSteps >= deps.maxFailedSteps) {
          const reasons = [
            `every backend query failed in ${failedSteps} consecutive step(s) (maxFailedSteps ${deps.maxFailedSteps})`,
            ...gathered.failures.values(),
          ];
          return await finish(
            deps,
            { ...verification, intervalsJudged: interval },
            verdictOf('inconclusive', interval, judgement, reasons),
            gathered,
            loaded,
          );
        }
        return 'judged';
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A KHI whose backend queries failed in this step is `error` for this step, whatever it had
 * accumulated before: stale evidence must not promote while the backend is down.
 */
function withBackendFailures(
  judgement: Judgement,
  gathered: GatheredInterval,
  maxIntervals: number,
): Judgement {
  if (gathered.failures.size === 0) return judgement;
  const khis: KhiResult[] = judgement.khis.map((khi) => {
    const failure = gathered.failures.get(khi.name) ?? gathered.failures.get(traceFamilyOf(khi.name));
    return failure === undefined || khi.failed
      ? khi
      : { ...khi, classification: 'error', reason: `backend error this interval: ${failure}` };
  });
  const { decision } = judgement;
  const reasons = ['promotion held: backend queries failed this interval', ...gathered.failures.values()];
  const held =
    decision.outcome !== 'promote'
      ? decision
      : {
          outcome: judgement.interval >= maxIntervals ? ('inconclusive' as const) : ('continue' as const),
          reasons,
        };
  return { ...judgement, khis, score: scoreKhis(khis).value, decision: held };
}

/** At most this many artifact paths per KHI result; the step evidence lists all of them. */
const MAX_EVIDENCE_PER_KHI = 24;

/**
 * Journey KHI results point at the artifacts of their probe's runs (failures first, so far in the
 * analysis), so a verdict's reader goes straight from "checkout failed" to the screenshot.
 */
function withJourneyEvidence(
  judgement: Judgement,
  gathered: GatheredInterval,
  ruleSet: RuleSet,
  previous: Judgement | null,
): Judgement {
  if (gathered.journeys.length === 0) return judgement;
  const khis = judgement.khis.map((khi) => {
    const probe = ruleSet.khis.find((rule) => rule.name === khi.name)?.journey?.probe;
    if (probe === undefined) return khi;
    const paths = gathered.journeys
      .filter((journey) => journey.probe === probe)
      .flatMap((journey) =>
        journey.results.flatMap((result) => result.artifacts.map((artifact) => artifact.path)),
      );
    const earlier = previous?.khis.find((result) => result.name === khi.name)?.evidence ?? [];
    const evidence = [...new Set([...earlier, ...paths])].slice(0, MAX_EVIDENCE_PER_KHI);
    return evidence.length > 0 ? { ...khi, evidence } : khi;
  });
  return { ...judgement, khis };
}

/** `checkout[GET /cart]` → `checkout`: a trace family's failure is each of its members'. */
function traceFamilyOf(name: string): string {
  const open = name.indexOf('[');
  return open > 0 ? name.slice(0, open) : name;
}

/**
 * A `new-errors` member's result points at the exemplar trace of its signature, so the reader
 * of "new error TypeError: ..." opens the trace that threw it.
 */
function withTraceEvidence(judgement: Judgement, gathered: GatheredInterval): Judgement {
  const exemplars = new Map<string, string>();
  for (const trace of gathered.traces)
    for (const signature of trace.newErrorSignatures)
      if (signature.exemplar !== undefined)
        exemplars.set(`${trace.khi}.new-errors[${signature.signature}]`, signature.exemplar.path);
  if (exemplars.size === 0) return judgement;
  const khis = judgement.khis.map((khi) => {
    const path = exemplars.get(khi.name);
    return path === undefined ? khi : { ...khi, evidence: [...new Set([...(khi.evidence ?? []), path])] };
  });
  return { ...judgement, khis };
}

function summariseObservations(gathered: GatheredInterval): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(gathered.observations.khis).map(([name, groups]) => [
      name,
      Object.fromEntries(
        Object.entries(groups).map(([group, observation]: [string, Observation]) => [
          group,
          isCountObservation(observation) ? observation : { count: observation.values.length },
        ]),
      ),
    ]),
  );
}

function verdictOf(
  outcome: Verdict['outcome'],
  interval: number,
  judgement: Judgement | null,
  reasons: readonly string[],
): Verdict {
  return {
    outcome,
    decidedAt: '',
    decidedAtInterval: interval,
    score: judgement?.score ?? null,
    khis: judgement?.khis ?? [],
    reasons,
  };
}

async function finish(
  deps: StepDeps,
  verification: Verification,
  verdict: Verdict,
  gathered?: GatheredInterval,
  loaded?: LoadedRuleSet,
): Promise<StepOutcome> {
  const decided: Verdict = { ...verdict, decidedAt: new Date(deps.now()).toISOString() };
  const seal = await sealVerdictBundle(deps, verification, decided, loaded);
  const recorded: Verdict = seal === undefined ? decided : { ...decided, artifacts: seal };
  const messages = [
    ...verdictMessages(deps.notifiers ?? [], verification, recorded, deps.publicBaseUrl),
    ...(deps.incidentTemplates === undefined
      ? []
      : incidentMessages(deps.notifiers ?? [], verification, recorded, {
          templates: deps.incidentTemplates,
          services: deps.services ?? {},
          ...(deps.publicBaseUrl !== undefined && { publicBaseUrl: deps.publicBaseUrl }),
          ...(gathered !== undefined && { journeys: gathered.journeys }),
        })),
    ...killSwitchMessages(deps.flagProviders ?? [], verification, recorded),
  ];
  const won = await deps.store.decide(verification.id, recorded, messages);
  await deps.scheduler.cancel(verification.id);
  if (won && messages.length > 0) deps.onMessagesQueued?.();
  if (won) {
    if (recorded.outcome === 'promote') await rememberHealthySignatures(deps, verification, gathered);
    deps.onVerdict?.(recorded, verification);
    deps.logger.info(
      {
        deploymentId: verification.id,
        outcome: recorded.outcome,
        interval: recorded.decidedAtInterval,
        reasons: recorded.reasons,
      },
      'verdict recorded',
    );
  }
  return 'decided';
}

/** This step's evidence files (and the marker and rule set at the first step); problems, never throws. */
async function writeStepBundle(
  deps: StepDeps,
  verification: Verification,
  loaded: LoadedRuleSet,
  interval: number,
  gathered: GatheredInterval,
  judgement: Judgement,
): Promise<string[]> {
  if (deps.artifacts === undefined) return [];
  const started = interval === 1 ? await writeBundleStart(deps.artifacts, verification, loaded) : [];
  const step = await writeBundleStep(deps.artifacts, verification.id, interval, gathered, judgement);
  const problems = [...started, ...step];
  if (problems.length > 0)
    deps.logger.warn({ deploymentId: verification.id, interval, problems }, 'evidence not fully stored');
  return problems;
}

/**
 * A promoted release's error signatures are known ones for the next releases' new-error
 * families. Best effort: the verdict is recorded already, and a lost entry only makes more
 * signatures look new next time (stricter, never laxer).
 */
async function rememberHealthySignatures(
  deps: StepDeps,
  verification: Verification,
  gathered: GatheredInterval | undefined,
): Promise<void> {
  const healthy = deps.traces?.healthy;
  if (healthy === undefined || gathered === undefined) return;
  for (const trace of gathered.traces) {
    await healthy
      .remember(trace.service, verification.marker.version, trace.canarySignatures)
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, deploymentId: verification.id }, 'healthy signatures not recorded'),
      );
  }
}

/** Progress of a judged step for the notifiers that asked; best effort, after the step is stored. */
async function queueProgress(
  deps: StepDeps,
  verification: Verification,
  judgement: Judgement,
): Promise<void> {
  if (deps.outbox === undefined || judgement.decision.outcome !== 'continue') return;
  const messages = progressMessages(
    deps.notifiers ?? [],
    verification,
    judgement,
    new Date(deps.now()).toISOString(),
  );
  if (messages.length === 0) return;
  await deps.outbox
    .enqueue(messages, deps.now())
    .then(() => deps.onMessagesQueued?.())
    .catch((error: unknown) =>
      deps.logger.warn({ err: error, deploymentId: verification.id }, 'progress webhooks not queued'),
    );
}
