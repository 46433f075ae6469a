/**
 * The report's evidence parts beside the numbers: journey runs that did not pass (screenshot,
 * probe, step, reason) and new error signatures from traces (with their exemplar's key facts).
 * Pure; each section is left out when there is nothing to show.
 */
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import { escapeHtml } from './escape-html.js';
import type { ReportInput, ReportJourneyRun, ReportTraceFinding } from './report-input.js';
import { anchorOf, linkTo } from './report-links.js';

const OUTCOME_WORDS: Readonly<Record<ReportJourneyRun['outcome'], string>> = {
  fail: 'FAILED',
  error: 'COULD NOT RUN',
  unknown: 'DID NOT PASS',
};

/** Journeys: per probe how many runs failed in each group, then each run that did not pass. */
export function renderJourneySection(input: ReportInput): string {
  if (input.journeys.length === 0 && input.journeyRuns.length === 0) return '';
  const runs = input.journeyRuns.map(renderRun);
  return [
    `<section id="journeys"><h2>Journeys</h2>`,
    input.journeys.length === 0 ? '' : renderJourneyCounts(input.journeys),
    runs.length === 0
      ? '<p>Every journey run passed.</p>'
      : `<p>Runs that did not pass, failures in the canary first:</p>${runs.join('')}`,
    `</section>`,
  ].join('');
}

function renderJourneyCounts(journeys: readonly JourneyEvidence[]): string {
  const probes = [...new Set(journeys.map((journey) => journey.probe))].sort();
  const cell = (probe: string, group: 'baseline' | 'canary'): string => {
    const of = journeys.filter((journey) => journey.probe === probe && journey.group === group);
    if (of.length === 0) return '—';
    const failed = of.reduce((sum, journey) => sum + journey.failed, 0);
    const errors = of.reduce((sum, journey) => sum + journey.errors, 0);
    const runs = of.reduce((sum, journey) => sum + journey.runs, 0);
    return `${failed} of ${runs} failed${errors > 0 ? `, ${errors} could not run` : ''}`;
  };
  const rows = probes.map(
    (probe) =>
      `<tr><td>${escapeHtml(probe)}</td><td>${cell(probe, 'canary')}</td><td>${cell(probe, 'baseline')}</td></tr>`,
  );
  return `<table><thead><tr><th>Probe</th><th>Canary runs</th><th>Baseline runs</th></tr></thead><tbody>${rows.join('')}</tbody></table><p></p>`;
}

function renderRun(run: ReportJourneyRun): string {
  const where = `${escapeHtml(run.probe)} · ${run.group} · interval ${run.interval}`;
  const screenshot = run.screenshot;
  const picture =
    screenshot?.dataUri !== undefined
      ? `<img src="${escapeHtml(screenshot.dataUri)}" alt="Screenshot of the ${escapeHtml(run.probe)} journey in the ${run.group}, interval ${run.interval}, when it stopped">`
      : screenshot !== undefined
        ? `<p class="no-data">Screenshot ${escapeHtml(screenshot.omitted ?? 'not embedded')}: ${linkTo(screenshot.path)}</p>`
        : `<p class="no-data">No screenshot was kept for this run.</p>`;
  const links = [...(screenshot?.dataUri !== undefined ? [screenshot.path] : []), ...run.artifacts].map(
    linkTo,
  );
  return [
    `<article class="run state-${run.outcome === 'fail' ? 'failed' : 'unsure'}">`,
    picture,
    `<div class="caption"><h3><span class="badge state-${run.outcome === 'fail' ? 'failed' : 'unsure'}">${OUTCOME_WORDS[run.outcome]}</span> ${where}</h3>`,
    run.failedStep === undefined
      ? ''
      : `<p>Step that failed: <strong>${escapeHtml(run.failedStep)}</strong></p>`,
    `<p class="reason">${escapeHtml(run.reason)}</p>`,
    run.startedAt === undefined ? '' : `<p class="muted">Started ${escapeHtml(run.startedAt)}</p>`,
    links.length === 0 ? '' : `<p class="muted">Files: ${links.join(', ')}</p>`,
    `</div></article>`,
  ].join('');
}

/** New errors: each signature the canary shows and the baseline never did, with its exemplar. */
export function renderTraceSection(input: ReportInput): string {
  if (input.traceFindings.length === 0) return '';
  return [
    `<section id="traces"><h2>New errors in traces</h2>`,
    `<p>Error signatures the canary produced and the baseline never did, with one exemplar trace each.</p>`,
    ...input.traceFindings.map((finding) => renderFinding(finding, input)),
    `</section>`,
  ].join('');
}

function renderFinding(finding: ReportTraceFinding, input: ReportInput): string {
  const member = `${finding.khi}.new-errors[${finding.signature}]`;
  const result = input.khis.find((khi) => khi.name === member);
  const state = result?.failed === true ? 'failed' : 'unsure';
  const judged =
    result === undefined
      ? ''
      : ` <a class="muted" href="#${escapeHtml(anchorOf(member))}">${result.failed ? 'failed' : escapeHtml(result.classification)} in the judgement</a>`;
  const facts = finding.exemplar;
  const failing = facts?.failing;
  const lines = [
    finding.count === undefined ? undefined : `Seen ${finding.count} time(s) in the canary so far`,
    finding.operations.length === 0
      ? undefined
      : `in ${finding.operations.map((operation) => `<code>${escapeHtml(operation)}</code>`).join(', ')}`,
  ].filter((line) => line !== undefined);
  const exemplar =
    facts === undefined
      ? `<p class="muted">Exemplar: ${escapeHtml(finding.exemplarProblem ?? 'none')}${finding.exemplarPath === undefined ? '' : ` (${linkTo(finding.exemplarPath)})`}</p>`
      : [
          `<table class="numbers"><tbody>`,
          row(
            'Failing span',
            failing === undefined ? 'no span marked as failed' : `<code>${escapeHtml(failing.name)}</code>`,
          ),
          row('Service', escapeHtml(failing?.service ?? facts.services.join(', '))),
          failing?.exceptionType === undefined && failing?.exceptionMessage === undefined
            ? ''
            : row(
                'Exception',
                `<code>${escapeHtml([failing.exceptionType, failing.exceptionMessage].filter((part) => part !== undefined).join(': '))}</code>`,
              ),
          failing?.statusMessage === undefined
            ? ''
            : row('Status message', escapeHtml(failing.statusMessage)),
          facts.root === undefined
            ? ''
            : row(
                'Request (root span)',
                `<code>${escapeHtml(facts.root.name)}</code>${facts.root.service === undefined ? '' : ` in ${escapeHtml(facts.root.service)}`}`,
              ),
          row(
            'Trace',
            `${facts.traceId === undefined ? '' : `<code>${escapeHtml(facts.traceId)}</code>, `}${facts.spans} span(s) across ${escapeHtml(facts.services.join(', ') || 'unnamed services')}`,
          ),
          finding.exemplarPath === undefined ? '' : row('Exemplar file', linkTo(finding.exemplarPath)),
          `</tbody></table>`,
        ].join('');
  return [
    `<article class="finding state-${state}">`,
    `<h3><code>${escapeHtml(finding.signature)}</code></h3>`,
    `<p>KHI <strong>${escapeHtml(finding.khi)}</strong>${judged}.${lines.length === 0 ? '' : ` ${lines.join(' ')}.`}</p>`,
    exemplar,
    `</article>`,
  ].join('');
}

function row(label: string, cell: string): string {
  return `<tr><th scope="row">${label}</th><td>${cell}</td></tr>`;
}
