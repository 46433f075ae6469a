/**
 * Incident messages: on a rollback (and, for notifiers that opt in, an inconclusive verdict) each
 * notifier that wants incidents gets the business impact in plain words, rendered from a template
 * kept in the repo, with links to the report and the evidence bundle. A `slack` notifier gets a
 * Slack incoming-webhook payload (Block Kit, unsigned); a `webhook` notifier with `events:
 * [incident]` gets Vigil's signed JSON. Pure: built when the verdict is recorded and enqueued with
 * it, so every retry sends the same bytes under the same id.
 */
import { dependentsOf, summariseImpact, type ImpactSummary } from '../report/impact-summary.js';
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import type { Verdict, Verification } from '../verification/verification.js';
import {
  renderIncidentTemplate,
  type IncidentTemplateName,
  type IncidentTemplates,
} from './incident-template.js';
import type { OutboxMessage } from './outbox.js';
import { escapeSlackText, slackIncidentPayload } from './slack-incident-payload.js';
import { PAYLOAD_VERSION, deploymentOfPayload, type Notifier } from './verdict-message.js';

export interface IncidentContext {
  /** Checked at start-up by `loadIncidentTemplates`. */
  readonly templates: IncidentTemplates;
  /** Base of the report and bundle links; relative paths without it. */
  readonly publicBaseUrl?: string;
  /** The settings' `services`: who depends on whom, for the dependents named in the message. */
  readonly services: Readonly<Record<string, { readonly dependsOn: readonly string[] }>>;
  /** The deciding step's journey runs, for the runs and failing step of broken journeys. */
  readonly journeys?: readonly JourneyEvidence[];
}

const DEFAULT_INCIDENT_ON: readonly Verdict['outcome'][] = ['rollback'];
const DEFAULT_TEMPLATE: IncidentTemplateName = 'rollback-notification';

const OUTCOME_TEXT: Readonly<Record<Verdict['outcome'], string>> = {
  promote: 'promoted',
  rollback: 'rolled back',
  inconclusive: 'not promoted (inconclusive)',
  aborted: 'aborted',
};

/** One message per notifier that wants an incident for this verdict's outcome and service. */
export function incidentMessages(
  notifiers: readonly Notifier[],
  verification: Verification,
  verdict: Verdict,
  context: IncidentContext,
): OutboxMessage[] {
  const { marker } = verification;
  const wanting = notifiers.filter(
    (n) =>
      (n.kind === 'slack' || (n.kind === 'webhook' && n.events?.includes('incident') === true)) &&
      (n.incidentOn ?? DEFAULT_INCIDENT_ON).includes(verdict.outcome) &&
      (n.services === undefined || n.services.includes(marker.service)),
  );
  if (wanting.length === 0) return [];
  const impact = summariseImpact({
    verification,
    verdict,
    dependents: dependentsOf(marker.service, context.services),
    ...(context.journeys !== undefined && { journeys: context.journeys }),
  });
  const links = incidentLinks(verification.id, context.publicBaseUrl);
  const view = incidentView(verification, verdict, impact, links);
  return wanting.map((notifier): OutboxMessage => {
    const id = `${verification.id}.incident.${notifier.name}`;
    const templateName = notifier.incidentTemplate ?? DEFAULT_TEMPLATE;
    const template = context.templates[templateName];
    const plain = renderIncidentTemplate(template, view, (value) => value);
    // A title made only of sections that did not apply would be empty, which Slack refuses.
    const title =
      plain.title !== ''
        ? plain.title
        : `${marker.service} ${marker.version} ${OUTCOME_TEXT[verdict.outcome]}`;
    const body =
      notifier.kind === 'slack'
        ? slackBody(title, renderIncidentTemplate(template, view, escapeSlackText).body, {
            verification,
            verdict,
            impact,
            links,
          })
        : JSON.stringify({
            payloadVersion: PAYLOAD_VERSION,
            id,
            event: 'incident',
            template: templateName,
            title,
            text: plain.body,
            impact,
            deployment: deploymentOfPayload(verification),
            verdict: { outcome: verdict.outcome, decidedAt: verdict.decidedAt, reasons: verdict.reasons },
            links,
          });
    return {
      id,
      notifier: notifier.name,
      event: 'incident',
      deploymentId: verification.id,
      body,
      createdAt: verdict.decidedAt,
    };
  });
}

/** Where the report and the evidence bundle are served (api/), absolute when the base is known. */
export function incidentLinks(
  deploymentId: string,
  publicBaseUrl?: string,
): { report: string; bundle: string } {
  const base = `${(publicBaseUrl ?? '').replace(/\/+$/, '')}/v1/deployments/${encodeURIComponent(deploymentId)}`;
  return { report: `${base}/report`, bundle: `${base}/artifacts/bundle.tar.gz` };
}

/** What the templates can name: incident-template.ts checks templates against these names. */
function incidentView(
  verification: Verification,
  verdict: Verdict,
  impact: ImpactSummary,
  links: { report: string; bundle: string },
): Record<string, unknown> {
  const { marker } = verification;
  // Broken journeys and new errors have sections of their own: "what got worse" lists the rest.
  const told = new Set([...impact.brokenJourneys, ...impact.newErrors].map((item) => item.khi));
  const measured = impact.worsened.filter((item) => !told.has(item.khi));
  return {
    service: marker.service,
    environment: marker.environment,
    version: marker.version,
    baselineVersion: marker.baselineVersion ?? '',
    deploymentId: verification.id,
    strategy: marker.strategy,
    commit: marker.commit ?? '',
    outcome: verdict.outcome,
    outcomeText: OUTCOME_TEXT[verdict.outcome],
    isRollback: verdict.outcome === 'rollback',
    isInconclusive: verdict.outcome === 'inconclusive',
    decidedAt: verdict.decidedAt,
    headline: impact.headline,
    sentences: impact.sentences,
    reasons: verdict.reasons,
    worsened: measured.map(({ khi, what, change, critical }) => ({ khi, what, change, critical })),
    hasWorsened: measured.length > 0,
    brokenJourneys: impact.brokenJourneys.map((journey) => ({ step: '', reason: '', ...journey })),
    hasBrokenJourneys: impact.brokenJourneys.length > 0,
    brokenJourneysText: [...new Set(impact.brokenJourneys.map((journey) => journey.probe))].join(', '),
    newErrors: impact.newErrors,
    hasNewErrors: impact.newErrors.length > 0,
    dependents: impact.dependents,
    hasDependents: impact.dependents.length > 0,
    dependentsText: impact.dependents.join(', '),
    reportUrl: links.report,
    bundleUrl: links.bundle,
  };
}

/** `title` as written (a header is plain text, shown as is); `body` escaped for mrkdwn. */
function slackBody(
  title: string,
  body: string,
  about: {
    verification: Verification;
    verdict: Verdict;
    impact: ImpactSummary;
    links: { report: string; bundle: string };
  },
): string {
  const { verification, verdict, impact, links } = about;
  return JSON.stringify(
    slackIncidentPayload({
      title,
      body,
      summary: impact.headline,
      context: [
        `Deployment ${verification.id} · ${verification.marker.environment} · ${verdict.outcome} at ${verdict.decidedAt}`,
      ],
      links,
    }),
  );
}
