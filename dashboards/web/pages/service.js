/**
 * A service's page: each KHI's series from Prometheus, with every deployment of the service (and
 * of the services it depends on, dashed) drawn as a labelled marker at its start.
 */
import { getJson, NotFoundError } from '../api.js';
import { lineChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { badge, formatTime, rangeOf, RANGES, select } from '../format.js';

const SERIES_COLOUR = '#424a53';

export async function showService(main, [service], query) {
  const range = query.get('range') ?? '24h';
  const environment = query.get('environment') ?? '';
  const { from, to } = rangeOf(range);
  const data = await getJson(`/v1/services/${encodeURIComponent(service)}/khis`, {
    from,
    to,
    environment,
  }).catch((error) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  const header = [
    h('h1', {}, service),
    h(
      'form',
      {
        className: 'filters',
        onchange: (event) => {
          const next = new URLSearchParams({ range: event.currentTarget.range.value, environment });
          location.hash = `#/services/${encodeURIComponent(service)}?${next.toString()}`;
        },
      },
      h('label', {}, 'Range ', select('range', Object.keys(RANGES), range)),
      ' ',
      h(
        'a',
        { href: `#/correlate?${new URLSearchParams({ service, environment, range }).toString()}` },
        'Correlate changes with deployments',
      ),
    ),
  ];
  if (data === undefined) {
    replace(
      main,
      header,
      h(
        'p',
        { className: 'error' },
        'This daemon does not serve service series (GET /v1/services/:service/khis).',
      ),
    );
    return;
  }
  const charts = h('div', { className: 'charts' });
  replace(
    main,
    header,
    h('p', { className: 'facts' }, seriesFacts(data)),
    charts,
    deploymentList(data.deployments),
    notes(data.notes),
  );
  const markers = deploymentMarkers(data.deployments);
  drawSeries(charts, data.khis, markers);
}

/** What the series are: range, step and the services whose deployments are marked. */
export function seriesFacts(data) {
  const dependencies =
    data.dependsOn.length === 0 ? '' : ` · dependencies (dashed): ${data.dependsOn.join(', ')}`;
  return `${formatTime(data.from)} to ${formatTime(data.to)} · one point every ${data.stepSeconds} s${dependencies}`;
}

/** Each deployment as a marker at its start: `self` or `dependency`. */
export function deploymentMarkers(deployments) {
  return deployments.map((deployment) => ({
    atMs: Date.parse(deployment.startedAt),
    label:
      deployment.relation === 'self' ? deployment.version : `${deployment.service} ${deployment.version}`,
    title: `${deployment.service} ${deployment.version} (${deployment.outcome ?? 'undecided'}) started ${formatTime(deployment.startedAt)}`,
    kind: deployment.relation === 'dependency' ? 'dependency' : 'self',
    id: deployment.id,
  }));
}

/** One chart per KHI series; `extraMarkers(khi)` adds per-KHI markers (change points). */
export function drawSeries(container, khis, markers, extraMarkers = () => []) {
  for (const khi of khis) {
    const chart = h('div', { className: 'chart series-chart', dataset: { khi: khi.name } });
    container.append(
      h(
        'section',
        { className: 'card' },
        h('h3', {}, `${khi.name} (${khi.kind}, bad when it ${khi.direction}s)`),
        khi.error ? h('p', { className: 'error' }, khi.error) : null,
        chart,
      ),
    );
    if (khi.points.length === 0) {
      chart.append(h('p', {}, 'No data in this range.'));
      continue;
    }
    lineChart(chart, {
      xs: khi.points.map(([atMs]) => atMs),
      // Not the deployment markers' blue, so a marker never looks like part of the series.
      series: [{ label: khi.name, colour: SERIES_COLOUR, values: khi.points.map(([, value]) => value) }],
      markers: [...markers, ...extraMarkers(khi)],
    });
  }
}

function deploymentList(deployments) {
  return [
    h('h2', {}, 'Deployments in the range'),
    h(
      'table',
      { className: 'list', id: 'service-deployments' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Started', 'Service', 'Version', 'Environment', 'Verdict', 'Relation'].map((title) =>
            h('th', {}, title),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        deployments.map((deployment) =>
          h(
            'tr',
            { dataset: { id: deployment.id, startedAt: deployment.startedAt } },
            h('td', {}, formatTime(deployment.startedAt)),
            h('td', {}, deployment.service),
            h(
              'td',
              {},
              h('a', { href: `#/deployments/${encodeURIComponent(deployment.id)}` }, deployment.version),
            ),
            h('td', {}, deployment.environment),
            h('td', {}, badge(deployment.outcome ?? 'analyzing')),
            h('td', {}, deployment.relation),
          ),
        ),
      ),
    ),
  ];
}

export function notes(list) {
  return list.length === 0
    ? null
    : h(
        'details',
        {},
        h('summary', {}, 'Notes'),
        h(
          'ul',
          {},
          list.map((note) => h('li', {}, note)),
        ),
      );
}
