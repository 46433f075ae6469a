/**
 * The validation report: one self-contained HTML document a person understands in ten seconds —
 * the verdict as a word and a colour, what was deployed, and why in plain sentences — followed by
 * the evidence: each KHI's numbers and chart, journey screenshots, new errors from traces, the
 * step timeline, and what the bundle holds. Pure: no I/O, no clock (the time it was made comes in
 * the input). Nothing is fetched when it is opened: styles are inline, charts inline SVG,
 * screenshots data URIs, and a Content-Security-Policy forbids anything else, scripts included.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import { summariseImpact, type ImpactSummary } from './impact-summary.js';
import { escapeHtml } from './escape-html.js';
import { renderJourneySection, renderTraceSection } from './render-evidence-sections.js';
import { renderKhiSection } from './render-khi-sections.js';
import type { ReportInput } from './report-input.js';
import { anchorOf, linkTo } from './report-links.js';
import { REPORT_CSS } from './report-styles.js';

type Outcome = 'promote' | 'rollback' | 'inconclusive' | 'aborted' | 'analysing';

/** The banner's word and glyph: the outcome never rests on colour alone. */
const LOOK: Readonly<Record<Outcome, { word: string; glyph: string; meaning: string }>> = {
  promote: { word: 'PROMOTE', glyph: '✓', meaning: 'the canary is as healthy as the baseline' },
  rollback: { word: 'ROLLBACK', glyph: '✗', meaning: 'the canary is worse than the baseline' },
  inconclusive: { word: 'INCONCLUSIVE', glyph: '?', meaning: 'the data could not settle it; not promoted' },
  aborted: { word: 'ABORTED', glyph: '■', meaning: 'the verification was stopped before a verdict' },
  analysing: { word: 'ANALYSING', glyph: '…', meaning: 'no verdict yet: the analysis is still running' },
};

/** Plain-language sentences under the headline (2–4 in all, the rest is in the details). */
const MAX_WHY_SENTENCES = 3;
/** Step judgements linked one by one in the footer. */
const MAX_LINKED_STEPS = 60;

/** The report as a complete HTML document. */
export function renderReport(input: ReportInput): string {
  const outcome: Outcome = input.verdict?.outcome ?? 'analysing';
  const marker = input.verification?.marker;
  const look = LOOK[outcome];
  const subject = marker === undefined ? input.deploymentId : `${marker.service} ${marker.version}`;
  const body = [
    renderBanner(input, outcome),
    renderFacts(input),
    renderWhy(input),
    renderCallouts(input),
    renderKhiSection(input),
    renderJourneySection(input),
    renderTraceSection(input),
    renderTimeline(input),
    renderNotes(input),
    renderFooter(input),
  ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load: no script, font, image or style from anywhere but this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Vigil">',
    `<title>${escapeHtml(`${look.word}: ${subject} — Vigil validation report`)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body><main>',
    body,
    '</main></body></html>',
    '',
  ].join('\n');
}

function renderBanner(input: ReportInput, outcome: Outcome): string {
  const look = LOOK[outcome];
  const marker = input.verification?.marker;
  const identity =
    marker === undefined
      ? `Deployment ${input.deploymentId}`
      : `${marker.service} ${marker.version} against ${marker.baselineVersion ?? 'the baseline'} · ${marker.environment}`;
  const { intervalsJudged, maxIntervals } = input.progress;
  const of = maxIntervals === undefined ? '' : ` of ${maxIntervals}`;
  const verdict = input.verdict;
  const when =
    verdict === null
      ? `Interval ${intervalsJudged}${of} judged so far; this report shows the evidence up to now.`
      : verdict.decidedAtInterval === 0
        ? `Decided before the first interval, at ${verdict.decidedAt}.`
        : `Decided after interval ${verdict.decidedAtInterval}${of}, at ${verdict.decidedAt}${verdict.score === null ? '' : ` · score ${verdict.score}`}.`;
  return [
    `<header class="banner outcome-${outcome}" role="banner">`,
    `<div class="glyph" aria-hidden="true">${look.glyph}</div>`,
    `<div><h1>${look.word}</h1>`,
    `<p class="identity">${escapeHtml(identity)}</p>`,
    `<p>${escapeHtml(`${capitalise(look.meaning)}. ${when}`)}</p></div>`,
    `</header>`,
  ].join('');
}

function renderFacts(input: ReportInput): string {
  const marker = input.verification?.marker;
  const unknown = 'unknown (marker unreadable)';
  const facts: [string, string][] = [
    ['Service', marker?.service ?? unknown],
    ['Version (canary)', marker?.version ?? unknown],
    ['Baseline version', marker === undefined ? unknown : (marker.baselineVersion ?? 'not given')],
    ['Environment', marker?.environment ?? unknown],
    ['Strategy', marker?.strategy ?? unknown],
    ['Rule set', input.ruleSet?.name ?? marker?.ruleSet ?? 'unknown'],
  ];
  if (marker?.commit !== undefined) facts.push(['Commit', marker.commit]);
  return `<dl class="facts">${facts.map(([label, value]) => `<div><dt>${label}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`;
}

function renderWhy(input: ReportInput): string {
  const { verdict, verification } = input;
  let headline: string;
  let sentences: readonly string[];
  let summary: ImpactSummary | undefined;
  let wordingProblem: string | undefined;
  if (verdict === null) {
    const failing = input.khis.filter((khi) => khi.failed).map((khi) => khi.name);
    headline = `No verdict yet: the analysis is still running (interval ${input.progress.intervalsJudged}${input.progress.maxIntervals === undefined ? '' : ` of ${input.progress.maxIntervals}`}).`;
    const decision = verification?.lastJudgement?.decision;
    sentences = [
      failing.length === 0 ? 'No KHI has failed so far.' : `Failing so far: ${failing.join(', ')}.`,
      ...(decision === undefined ? [] : [decisionSentence(decision)]),
    ];
  } else {
    const impact = verification === undefined ? undefined : impactOf(input, verification, verdict);
    summary = impact?.summary;
    wordingProblem = impact?.problem;
    headline = summary?.headline ?? `Verdict: ${verdict.outcome}.`;
    sentences =
      summary !== undefined && summary.sentences.length > 0
        ? summary.sentences
        : verdict.reasons.map((reason) => `${capitalise(reason)}${/[.!?]$/.test(reason) ? '' : '.'}`);
  }
  const shown = sentences.slice(0, MAX_WHY_SENTENCES);
  const worsened = summary?.worsened ?? [];
  return [
    `<section class="why" aria-labelledby="why-title"><h2 id="why-title">Why</h2>`,
    `<p class="headline">${escapeHtml(headline)}</p>`,
    shown.length === 0
      ? ''
      : `<ul>${shown.map((sentence) => `<li>${escapeHtml(sentence)}</li>`).join('')}</ul>`,
    wordingProblem === undefined
      ? ''
      : `<p class="muted">(The plain-language summary could not be made, so the judge's reasons are shown: ${escapeHtml(wordingProblem)}.)</p>`,
    worsened.length === 0
      ? ''
      : `<table><thead><tr><th>What got worse</th><th>Change</th><th></th></tr></thead><tbody>${worsened
          .map(
            (item) =>
              `<tr><td><a href="#${escapeHtml(anchorOf(item.khi))}">${escapeHtml(item.what)}</a></td><td>${escapeHtml(item.change)}</td><td>${item.critical ? '<span class="tag">critical</span>' : ''}</td></tr>`,
          )
          .join('')}</tbody></table>`,
    `</section>`,
  ].join('');
}

/** What the latest judgement decided, while the verdict is not recorded. */
function decisionSentence(decision: Judgement['decision']): string {
  const reason = decision.reasons[0];
  if (decision.outcome === 'continue') return `The judge keeps looking: ${reason ?? 'not enough data yet'}.`;
  return `The latest judgement decided ${decision.outcome}; the verdict is not recorded yet${reason === undefined ? '' : ` (${reason})`}.`;
}

/** The impact summary; a wording failure must not cost the report, which falls back to reasons. */
function impactOf(
  input: ReportInput,
  verification: NonNullable<ReportInput['verification']>,
  verdict: NonNullable<ReportInput['verdict']>,
): { summary: ImpactSummary; problem?: undefined } | { summary?: undefined; problem: string } {
  try {
    const summary = summariseImpact({
      verification,
      verdict,
      journeys: input.journeys,
      ...(input.dependents !== undefined && { dependents: input.dependents }),
    });
    return { summary };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

function renderCallouts(input: ReportInput): string {
  const seal = input.verdict?.artifacts;
  const callouts: string[] = [];
  if (seal !== undefined && !seal.complete)
    callouts.push(
      `<strong>The evidence bundle is incomplete.</strong> ${escapeHtml(seal.problems.join(' '))}`,
    );
  if (input.notes.length > 0)
    callouts.push(
      `<strong>${input.notes.length} problem(s) reading the evidence bundle</strong>: parts of this report may be missing. <a href="#notes">See the notes.</a>`,
    );
  return callouts.map((callout) => `<p class="callout" role="note">⚠ ${callout}</p>`).join('');
}

function renderTimeline(input: ReportInput): string {
  if (input.steps.length === 0) return '';
  const rows = input.steps.map((step) => {
    const failures = Object.keys(step.failures);
    return `<tr><td>${step.interval}</td><td>${escapeHtml(step.recordedAt ?? '—')}</td><td>${step.score ?? '—'}</td><td>${escapeHtml(step.outcome)}</td><td>${failures.length === 0 ? '—' : escapeHtml(failures.join(', '))}</td></tr>`;
  });
  return `<section id="timeline"><h2>Interval by interval</h2><table><thead><tr><th>Interval</th><th>Recorded at</th><th>Score</th><th>Decision</th><th>Failing KHIs</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function renderNotes(input: ReportInput): string {
  if (input.notes.length === 0) return '';
  return `<section id="notes"><h2>Notes on the evidence bundle</h2><ul>${input.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`;
}

function renderFooter(input: ReportInput): string {
  const seal = input.verdict?.artifacts;
  const ruleSet = input.ruleSet;
  const totalBytes = input.files.reduce((sum, file) => sum + file.bytes, 0);
  const completeness =
    seal === undefined
      ? 'not sealed yet (no verdict with a manifest)'
      : seal.complete
        ? `complete: ${seal.files} file(s), ${formatBytes(seal.bytes)}`
        : `INCOMPLETE: ${seal.problems.join(' ')}`;
  const entries: [string, string][] = [
    ['Deployment', `<code>${escapeHtml(input.deploymentId)}</code>`],
    [
      'Rule set',
      ruleSet === undefined
        ? 'unknown'
        : `${escapeHtml(ruleSet.name)}, SHA-256 <code>${escapeHtml(ruleSet.sha256)}</code>`,
    ],
    [
      'Manifest SHA-256',
      seal?.manifestSha256 == null ? '—' : `<code>${escapeHtml(seal.manifestSha256)}</code>`,
    ],
    ['Bundle', escapeHtml(completeness)],
    ['Generated', escapeHtml(input.generatedAt)],
  ];
  const paths = new Set(input.files.map((file) => file.path));
  const keyFiles = [
    'marker.json',
    'rule-set/source.yaml',
    'rule-set/applied.json',
    'decision-log.json',
    'manifest.json',
  ].filter((path) => paths.has(path));
  const judgements = input.files
    .map((file) => file.path)
    .filter((path) => /^steps\/\d+\/judgement\.json$/.test(path));
  const exemplars = input.files.map((file) => file.path).filter((path) => path.startsWith('traces/'));
  const listed = [...keyFiles, ...judgements.slice(-MAX_LINKED_STEPS), ...exemplars.slice(0, 20)];
  return [
    `<footer><h2>About this report</h2>`,
    `<dl>${entries.map(([label, value]) => `<dt>${label}</dt><dd>${value}</dd>`).join('')}</dl>`,
    `<p>The bundle holds ${input.files.length} file(s), ${formatBytes(totalBytes)}. Links are relative to this report: they open when the bundle is unpacked beside <code>report.html</code>.</p>`,
    listed.length === 0
      ? ''
      : `<ul class="files">${listed.map((path) => `<li>${linkTo(path)}</li>`).join('')}</ul>`,
    `</footer>`,
  ].join('');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
