/**
 * The correlation page: a service's KHI series with their change points, and for each change
 * point the deployments that could explain it, ranked, with the evidence behind each score.
 */
import { getJson, NotFoundError } from '../api.js';
import { h, replace } from '../dom.js';
import { badge, formatNumber, formatTime, rangeOf, RANGES, select } from '../format.js';
import { deploymentMarkers, drawSeries, notes, seriesFacts } from './service.js';

export async function showCorrelation(main, _parameters, query) {
  const service = query.get('service') ?? '';
  const range = query.get('range') ?? '6h';
  const environment = query.get('environment') ?? '';
  const form = h(
    'form',
    {
      className: 'filters',
      id: 'correlate-form',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(form);
        location.hash = `#/correlate?${new URLSearchParams([...data.entries()].filter(([, value]) => value !== '')).toString()}`;
      },
    },
    h('label', {}, 'Service ', h('input', { name: 'service', value: service, required: true })),
    h('label', {}, 'Environment ', h('input', { name: 'environment', value: environment })),
    h('label', {}, 'Range ', select('range', Object.keys(RANGES), range)),
    h('button', { type: 'submit' }, 'Correlate'),
  );
  replace(main, h('h1', {}, 'Which deployment changed this?'), form);
  if (service === '') return;
  const { from, to } = rangeOf(range);
  const data = await getJson('/v1/correlate', { service, from, to, environment }).catch((error) => {
    if (error instanceof NotFoundError && /route/i.test(error.message)) return undefined;
    throw error;
  });
  if (data === undefined) {
    main.append(
      h('p', { className: 'error' }, 'This daemon does not serve correlation (GET /v1/correlate).'),
    );
    return;
  }
  const charts = h('div', { className: 'charts' });
  main.append(
    h('p', { className: 'facts' }, seriesFacts(data)),
    h('h2', {}, 'Change points'),
    changePointList(data.changePoints),
    charts,
    notes(data.notes ?? []),
  );
  drawSeries(charts, data.khis, deploymentMarkers(data.deployments), (khi) =>
    data.changePoints
      .filter((point) => point.khi === khi.name)
      .map((point) => ({
        atMs: point.atMs,
        label: `change ${percent(point.relativeChange)}`,
        kind: 'change',
      })),
  );
}

function changePointList(changePoints) {
  if (changePoints.length === 0) return h('p', { id: 'no-change-points' }, 'No change point in this range.');
  return h(
    'div',
    { id: 'change-points' },
    changePoints.map((point) =>
      h(
        'section',
        { className: 'card change-point', dataset: { khi: point.khi, atMs: String(point.atMs) } },
        h(
          'h3',
          {},
          `${point.khi} ${point.direction === 'up' ? 'rose' : 'fell'} at ${formatTime(point.atMs)}: `,
          `${formatNumber(point.before)} → ${formatNumber(point.after)} (${percent(point.relativeChange)}, `,
          `${formatNumber(point.strength)} noise SD) `,
          point.bad
            ? h('span', { className: 'badge badge-rollback' }, 'bad')
            : h('span', { className: 'badge badge-aborted' }, 'not bad'),
        ),
        h('p', { className: 'reason' }, point.reason),
        candidateTable(point.candidates),
      ),
    ),
  );
}

function candidateTable(candidates) {
  if (candidates.length === 0) return h('p', {}, 'No deployment before it could explain it.');
  return h(
    'table',
    { className: 'list candidates' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Rank', 'Deployment', 'Verdict', 'Score', 'Before the change', 'Why'].map((title) =>
          h('th', {}, title),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      candidates.map((candidate) =>
        h(
          'tr',
          {
            className: 'candidate',
            dataset: { rank: String(candidate.rank), deploymentId: candidate.deploymentId },
          },
          h('td', {}, String(candidate.rank)),
          h(
            'td',
            {},
            h(
              'a',
              { href: `#/deployments/${encodeURIComponent(candidate.deploymentId)}` },
              `${candidate.service} ${candidate.version}`,
            ),
            ` (${candidate.environment}${candidate.relation === 'dependency' ? ', a dependency' : ''})`,
          ),
          h('td', {}, verdictCell(candidate.verdict)),
          h('td', {}, formatNumber(candidate.score)),
          h('td', {}, `${formatNumber(candidate.gapMs / 1000)} s`),
          h(
            'td',
            {},
            h('p', {}, candidate.explanation),
            h(
              'ul',
              { className: 'evidence' },
              (candidate.evidence ?? []).map((item) =>
                h('li', {}, `${item.factor} (${formatNumber(item.weight)}): ${item.detail}`),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The candidate's own verdict ({ outcome, failedKhis } or null while undecided) and the KHIs it failed. */
function verdictCell(verdict) {
  if (verdict === null || verdict === undefined) return badge('analyzing');
  return [
    badge(verdict.outcome),
    verdict.failedKhis.length === 0
      ? null
      : h('div', { className: 'hint' }, `failed ${verdict.failedKhis.join(', ')}`),
  ];
}

/** A relative change as a percentage; null (from a zero level) as a dash. */
function percent(relativeChange) {
  return relativeChange === null || relativeChange === undefined
    ? '—'
    : `${formatNumber(relativeChange * 100, 2)}%`;
}
