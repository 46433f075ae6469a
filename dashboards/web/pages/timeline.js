/**
 * The timeline: deployments over a time range (counts per bucket and verdict, alerts marked when
 * the daemon has the alerts endpoint), and the list, newest first, with links to each
 * deployment's page, report and evidence bundle.
 */
import { download, getJson, NotFoundError } from '../api.js';
import { stackedBars } from '../charts.js';
import { h, replace } from '../dom.js';
import {
  badge,
  formatNumber,
  formatTime,
  rangeOf,
  RANGES,
  select,
  STATUS_COLOURS,
  STATUSES,
} from '../format.js';

export async function showTimeline(main, _parameters, query) {
  const filters = {
    service: query.get('service') ?? '',
    environment: query.get('environment') ?? '',
    verdict: query.get('verdict') ?? '',
    range: query.get('range') ?? '7d',
  };
  const { from, to } = rangeOf(filters.range);
  const request = {
    from,
    to,
    service: filters.service,
    environment: filters.environment,
    verdict: filters.verdict,
  };
  const [timeline, alerts] = await Promise.all([
    getJson('/v1/timeline', request),
    getJson('/v1/alerts', { from, to, service: filters.service }).catch((error) => {
      if (error instanceof NotFoundError) return undefined; // no alerts endpoint on this daemon
      throw error;
    }),
  ]);

  const chart = h('div', { className: 'chart', id: 'timeline-chart' });
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', id: 'load-more', hidden: true }, 'Load more');
  const addItems = (page) => {
    for (const item of page.items) rows.append(itemRow(item));
    more.hidden = page.nextCursor === null;
    more.onclick = async () => {
      more.disabled = true;
      addItems(await getJson('/v1/timeline', { ...request, cursor: page.nextCursor }));
      more.disabled = false;
    };
  };

  replace(
    main,
    h('h1', {}, 'Deployments'),
    filterForm(filters, timeline.facets),
    h(
      'p',
      { id: 'timeline-total' },
      `${timeline.total} deployment(s) from ${formatTime(timeline.from)} to ${formatTime(timeline.to)}`,
    ),
    chart,
    alerts === undefined ? null : alertList(alerts.items),
    h(
      'table',
      { className: 'list', id: 'timeline' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Started', 'Service', 'Environment', 'Version', 'Strategy', 'Verdict', 'Score', 'Reason', ''].map(
            (title) => h('th', {}, title),
          ),
        ),
      ),
      rows,
    ),
    more,
  );
  addItems(timeline);
  stackedBars(chart, {
    title: `Deployments per ${timeline.bucketSeconds === 3600 ? 'hour' : 'day'}`,
    xsMs: timeline.buckets.map((bucket) => bucket.startMs),
    bucketSeconds: timeline.bucketSeconds,
    stacks: STATUSES.map((status) => ({
      label: status,
      colour: STATUS_COLOURS[status],
      values: timeline.buckets.map((bucket) => bucket.counts[status]),
    })),
    markers: (alerts?.items ?? []).map((alert) => ({
      atMs: Date.parse(alert.startsAt),
      label: alertName(alert),
      title: `${alertName(alert)} (${alert.status}) started ${formatTime(alert.startsAt)}`,
      kind: 'alert',
      id: alert.id,
    })),
  });
}

function filterForm(filters, facets) {
  const form = h(
    'form',
    {
      className: 'filters',
      id: 'timeline-filters',
      onchange: () => {
        const data = new FormData(form);
        const query = new URLSearchParams([...data.entries()].filter(([, value]) => value !== ''));
        location.hash = `#/?${query.toString()}`;
      },
      onsubmit: (event) => event.preventDefault(),
    },
    h(
      'label',
      {},
      'Service ',
      select('service', withSelected(facets.services, filters.service), filters.service, 'any'),
    ),
    h(
      'label',
      {},
      'Environment ',
      select(
        'environment',
        withSelected(facets.environments, filters.environment),
        filters.environment,
        'any',
      ),
    ),
    h('label', {}, 'Verdict ', select('verdict', STATUSES, filters.verdict, 'any')),
    h('label', {}, 'Range ', select('range', Object.keys(RANGES), filters.range)),
  );
  return form;
}

function withSelected(choices, selected) {
  return selected === '' || choices.includes(selected) ? choices : [...choices, selected];
}

function itemRow(item) {
  const deployment = `#/deployments/${encodeURIComponent(item.id)}`;
  return h(
    'tr',
    { dataset: { id: item.id, status: item.status, startedAt: item.startedAt } },
    h('td', {}, formatTime(item.startedAt)),
    h(
      'td',
      {},
      h(
        'a',
        {
          href: `#/services/${encodeURIComponent(item.service)}?environment=${encodeURIComponent(item.environment)}`,
        },
        item.service,
      ),
    ),
    h('td', {}, item.environment),
    h('td', {}, item.version),
    h('td', {}, item.strategy),
    h('td', {}, badge(item.status)),
    h('td', {}, formatNumber(item.score)),
    h('td', { className: 'reason' }, item.reason ?? ''),
    h(
      'td',
      { className: 'links' },
      h('a', { href: deployment, className: 'deployment-link' }, 'Details'),
      ' · ',
      h('a', { href: `${deployment}/report` }, 'Report'),
      ' · ',
      h(
        'button',
        {
          type: 'button',
          className: 'link',
          onclick: () =>
            void download(
              `/v1/deployments/${encodeURIComponent(item.id)}/artifacts/bundle.tar.gz`,
              `${item.id}.tar.gz`,
            ),
        },
        'Bundle',
      ),
    ),
  );
}

function alertList(alerts) {
  if (alerts.length === 0) return null;
  return h(
    'details',
    { className: 'alerts', open: true },
    h('summary', {}, `${alerts.length} alert(s) in the range`),
    h(
      'ul',
      {},
      alerts.map((alert) =>
        h(
          'li',
          { dataset: { alertId: alert.id } },
          `${formatTime(alert.startsAt)} ${alertName(alert)} (${alert.status})`,
          alert.service === null ? '' : ` — ${alert.service}`,
          alert.candidates.length === 0 ? '' : [' — most likely ', candidateLink(alert.candidates[0])],
        ),
      ),
    ),
  );
}

/** A stored alert's `alertname` label (`name`), or its fingerprint when it has none. */
function alertName(alert) {
  return alert.name ?? alert.fingerprint;
}

function candidateLink(candidate) {
  return h(
    'a',
    { href: `#/deployments/${encodeURIComponent(candidate.deploymentId)}` },
    `${candidate.service} ${candidate.version}`,
  );
}
