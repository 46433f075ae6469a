/**
 * A deployment's page: the verdict and its reasons, per KHI a chart of baseline and canary across
 * the intervals with the canary's uncertainty band, failed journey runs with their screenshots, and
 * trace findings. The report opens in a sandboxed frame, fetched with the token.
 */
import { dataUrlOf, download, getJson, getText } from '../api.js';
import { lineChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { badge, formatNumber, formatTime } from '../format.js';

/** Screenshots fetched at once; the others on a click. */
const SCREENSHOTS_SHOWN = 6;
/** Applied inside the frame too: the report runs no script and loads nothing. */
const REPORT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const path = (id, rest = '') => `/v1/deployments/${encodeURIComponent(id)}${rest}`;

export async function showDeployment(main, [id]) {
  const data = await getJson(path(id, '/intervals'));
  const charts = h('div', { className: 'charts' });
  replace(
    main,
    h('h1', {}, `${data.service} ${data.version}`, ' ', badge(data.status)),
    h(
      'p',
      { className: 'facts' },
      `${data.environment} · baseline ${data.baselineVersion ?? '—'} · started ${formatTime(data.startedAt)} · `,
      `${data.intervalsJudged} interval(s) judged`,
      data.verdict === null
        ? ''
        : ` · decided ${formatTime(data.verdict.decidedAt)} at interval ${data.verdict.decidedAtInterval}, score ${formatNumber(data.verdict.score)}`,
    ),
    h(
      'p',
      { className: 'links' },
      h('a', { href: `#/deployments/${encodeURIComponent(id)}/report` }, 'Report'),
      ' · ',
      h(
        'button',
        {
          type: 'button',
          className: 'link',
          onclick: () => void download(path(id, '/artifacts/bundle.tar.gz'), `${id}.tar.gz`),
        },
        'Evidence bundle',
      ),
      ' · ',
      h(
        'a',
        {
          href: `#/services/${encodeURIComponent(data.service)}?environment=${encodeURIComponent(data.environment)}`,
        },
        `${data.service} over time`,
      ),
    ),
    h('h2', {}, 'Reasons'),
    data.verdict === null
      ? h('p', {}, 'Still analysing.')
      : h(
          'ul',
          { id: 'reasons' },
          data.verdict.reasons.map((reason) => h('li', {}, reason)),
        ),
    h('h2', {}, 'KHIs, interval by interval'),
    h(
      'p',
      { className: 'hint' },
      "Cumulative estimates as judged after each interval; the band is where the effect's confidence interval puts the canary.",
    ),
    charts,
    journeySection(id, data.journeyRuns),
    traceSection(data.traceFindings),
    data.notes.length === 0
      ? null
      : h(
          'details',
          {},
          h('summary', {}, 'Notes'),
          h(
            'ul',
            {},
            data.notes.map((note) => h('li', {}, note)),
          ),
        ),
  );
  for (const khi of data.khis) {
    const container = h('div', {
      className: 'chart khi-chart',
      dataset: { khi: khi.name, classification: khi.classification },
    });
    charts.append(
      h(
        'section',
        { className: 'card' },
        h('h3', {}, khi.name, ' ', badge(khi.classification), khi.critical ? ' critical' : ''),
        h('p', { className: 'reason' }, khi.reason),
        container,
      ),
    );
    const byTime = khi.points.every((point) => point.endMs !== null);
    lineChart(container, {
      xs: khi.points.map((point) => (byTime ? point.endMs : point.interval)),
      xIsTime: byTime,
      series: [
        { label: 'baseline', colour: '#57606a', values: khi.points.map((point) => point.baseline) },
        { label: 'canary', colour: '#0969da', values: khi.points.map((point) => point.canary) },
      ],
      ...(khi.band !== null && {
        band: {
          label: 'canary band',
          colour: '#54aeff',
          fill: 'rgba(84, 174, 255, 0.2)',
          low: khi.points.map((point) => point.low),
          high: khi.points.map((point) => point.high),
        },
      }),
    });
  }
}

function journeySection(id, runs) {
  if (runs.length === 0) return [h('h2', {}, 'Journeys'), h('p', {}, 'No journey run failed.')];
  return [
    h('h2', {}, 'Journeys that did not pass'),
    h(
      'ul',
      { className: 'journeys', id: 'journeys' },
      runs.map((run, index) => {
        const figure = h('div', { className: 'screenshot' });
        const show = async () => {
          replace(
            figure,
            h('img', {
              alt: `screenshot of ${run.probe}`,
              src: await dataUrlOf(path(id, `/artifacts/files/${run.screenshot}`)),
            }),
          );
        };
        if (run.screenshot !== null) {
          if (index < SCREENSHOTS_SHOWN) void show().catch((error) => replace(figure, String(error.message)));
          else figure.append(h('button', { type: 'button', onclick: () => void show() }, 'Show screenshot'));
        }
        return h(
          'li',
          { className: 'card' },
          h('strong', {}, `${run.probe} (${run.group}, interval ${run.interval}) `),
          badge(run.outcome),
          h('p', {}, run.reason, run.failedStep === null ? '' : ` — at step “${run.failedStep}”`),
          figure,
        );
      }),
    ),
  ];
}

function traceSection(findings) {
  if (findings.length === 0) return [h('h2', {}, 'Trace findings'), h('p', {}, 'No new error signature.')];
  return [
    h('h2', {}, 'Trace findings'),
    h(
      'table',
      { className: 'list', id: 'trace-findings' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['KHI', 'Signature', 'Count', 'Operations', 'Exemplar'].map((title) => h('th', {}, title)),
        ),
      ),
      h(
        'tbody',
        {},
        findings.map((finding) =>
          h(
            'tr',
            {},
            h('td', {}, finding.khi),
            h('td', {}, finding.message ?? finding.signature),
            h('td', {}, formatNumber(finding.count)),
            h('td', {}, finding.operations.join(', ')),
            h('td', {}, finding.exemplarPath ?? '—'),
          ),
        ),
      ),
    ),
  ];
}

export async function showReport(main, [id]) {
  const html = await getText(path(id, '/report'));
  // No allow-scripts, no allow-same-origin: the report gets an opaque origin and runs nothing.
  const frame = h('iframe', {
    sandbox: '',
    className: 'report',
    title: `Validation report of ${id}`,
    referrerpolicy: 'no-referrer',
  });
  frame.srcdoc = `<meta http-equiv="Content-Security-Policy" content="${REPORT_POLICY}">${html}`;
  replace(main, h('p', {}, h('a', { href: `#/deployments/${encodeURIComponent(id)}` }, `← ${id}`)), frame);
}
