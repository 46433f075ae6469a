/** Incident messages: who gets what, rendered from the repo's templates, within Slack's limits. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Judgement } from '../../src/analysis/judge/judge-interval.js';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import { resolveSettings, SettingsError } from '../../src/config/load-settings.js';
import { incidentMessages, type IncidentContext } from '../../src/delivery/incident-message.js';
import {
  INCIDENT_TEMPLATE_NAMES,
  IncidentTemplateError,
  parseIncidentTemplate,
  type IncidentTemplates,
} from '../../src/delivery/incident-template.js';
import {
  DEFAULT_INCIDENT_TEMPLATES_DIR,
  loadIncidentTemplates,
} from '../../src/delivery/load-incident-templates.js';
import { SLACK_LIMITS, type SlackBlock } from '../../src/delivery/slack-incident-payload.js';
import { progressMessages, verdictMessages, type Notifier } from '../../src/delivery/verdict-message.js';
import { summariseImpact } from '../../src/report/impact-summary.js';
import type { Verdict, VerdictOutcome, Verification } from '../../src/verification/verification.js';
import { sampleVerification } from '../store/sample-verification.js';

const retries = { timeoutMs: 1000, maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 10 };
const slack: Notifier = {
  ...retries,
  name: 'oncall-slack',
  kind: 'slack',
  url: 'https://hooks.slack.com/services/T000/B000/XXXX',
  incidentOn: ['rollback', 'inconclusive'],
};
const pager: Notifier = {
  ...retries,
  name: 'pager',
  kind: 'webhook',
  url: 'https://pager.example/hooks/vigil',
  secret: 'pager-secret-0123456789',
  events: ['verdict', 'incident'],
  incidentTemplate: 'incident-update',
};
const ci: Notifier = {
  ...retries,
  name: 'ci',
  kind: 'webhook',
  url: 'https://ci.example/hooks',
  secret: 'ci-secret-0123456789ab',
  events: ['verdict', 'progress'],
};
const github: Notifier = {
  ...retries,
  name: 'gh',
  kind: 'github-deployment-status',
  url: 'https://api.github.com',
  repository: 'shop/checkout',
  token: 'ghp_x',
};
const cartOnly: Notifier = { ...slack, name: 'cart-slack', services: ['cart'] };
const notifiers = [slack, pager, ci, github, cartOnly];

const base = sampleVerification({ id: 'd-7', service: 'checkout' });
const verification: Verification = {
  ...base,
  marker: { ...base.marker, version: 'v2.4.1', baselineVersion: 'v2.4.0' },
};

const errorRate: KhiResult = {
  name: 'error-rate',
  classification: 'high',
  critical: true,
  failed: true,
  test: 'poisson',
  effect: { baseline: 0.004, canary: 0.051, ratio: 12.75 },
  weight: 3,
  group: 'errors',
  reason: 'canary 5.1% vs baseline 0.4%',
};
const nastyError: KhiResult = {
  ...errorRate,
  name: 'ops.new-errors[TypeError: a < b && <!channel>]',
  weight: 0.5,
  effect: { baseline: 0, canary: 0.01 },
};

function verdict(outcome: VerdictOutcome, khis: readonly KhiResult[] = [errorRate, nastyError]): Verdict {
  return {
    outcome,
    decidedAt: '2026-11-28T10:03:15.000Z',
    decidedAtInterval: 3,
    score: 40,
    khis,
    reasons: [`decided ${outcome}`],
  };
}

let templates: IncidentTemplates;
let context: IncidentContext;
beforeAll(async () => {
  templates = await loadIncidentTemplates();
  context = {
    templates,
    publicBaseUrl: 'https://vigil.example/',
    services: {
      cart: { dependsOn: ['checkout'] },
      web: { dependsOn: ['cart'] },
      checkout: { dependsOn: [] },
    },
  };
});

function slackBlocks(body: string): { text: string; blocks: SlackBlock[] } {
  return JSON.parse(body) as { text: string; blocks: SlackBlock[] };
}

function texts(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((block) =>
    block.type === 'context'
      ? block.elements.map((element) => element.text)
      : 'text' in block
        ? [block.text.text]
        : [],
  );
}

describe('incidentMessages', () => {
  it('sends a rollback to Slack and to webhooks that asked for incidents, for the right service', () => {
    const messages = incidentMessages(notifiers, verification, verdict('rollback'), context);
    expect(messages.map((m) => [m.id, m.notifier, m.event])).toEqual([
      ['d-7.incident.oncall-slack', 'oncall-slack', 'incident'],
      ['d-7.incident.pager', 'pager', 'incident'],
    ]);
  });

  it('sends an inconclusive verdict only to notifiers that opted in, and nothing for promote or abort', () => {
    const inconclusive = incidentMessages(notifiers, verification, verdict('inconclusive', []), context);
    expect(inconclusive.map((m) => m.notifier)).toEqual(['oncall-slack']);
    expect(incidentMessages(notifiers, verification, verdict('promote', []), context)).toEqual([]);
    expect(incidentMessages(notifiers, verification, verdict('aborted', []), context)).toEqual([]);
  });

  it('never sends Slack the verdict or progress JSON it would refuse', () => {
    const verdicts = verdictMessages(notifiers, verification, verdict('rollback'), 'https://vigil.example');
    expect(verdicts.map((m) => m.notifier)).toEqual(['pager', 'ci']);
    const judgement = {
      interval: 1,
      score: 90,
      khis: [],
      decision: { outcome: 'continue', reasons: [] },
    } as unknown as Judgement;
    const everyone = notifiers.map((n) => ({ ...n, events: ['verdict', 'progress'] as const }));
    expect(progressMessages(everyone, verification, judgement, 'now').map((m) => m.notifier)).toEqual([
      'pager',
      'ci',
    ]);
  });

  it('gives message ids that collide with no verdict, progress or other incident message', () => {
    const ids = [
      ...verdictMessages(notifiers, verification, verdict('rollback')),
      ...incidentMessages(notifiers, verification, verdict('rollback'), context),
      ...incidentMessages(notifiers, { ...verification, id: 'd-8' }, verdict('rollback'), context),
    ].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends the generic webhook the rendered template, the impact, the verdict and absolute links', () => {
    const [, generic] = incidentMessages(notifiers, verification, verdict('rollback'), context);
    const body = JSON.parse(generic?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      payloadVersion: 1,
      id: 'd-7.incident.pager',
      event: 'incident',
      template: 'incident-update',
      title: 'Incident update: checkout v2.4.1 in production rolled back',
      deployment: { id: 'd-7', service: 'checkout', version: 'v2.4.1', baselineVersion: 'v2.4.0' },
      verdict: { outcome: 'rollback', decidedAt: '2026-11-28T10:03:15.000Z', reasons: ['decided rollback'] },
      links: {
        report: 'https://vigil.example/v1/deployments/d-7/report',
        bundle: 'https://vigil.example/v1/deployments/d-7/artifacts/bundle.tar.gz',
      },
    });
    const impact = summariseImpact({
      verification,
      verdict: verdict('rollback'),
      dependents: ['cart', 'web'],
    });
    expect(body['impact']).toEqual(impact);
    // The generic text is not escaped: a receiver gets the signature as the canary threw it.
    expect(body['text']).toContain('TypeError: a < b && <!channel>');
    expect(body['text']).toContain(impact.headline);
  });

  it('renders the impact into Slack blocks with only &, < and > escaped', () => {
    const [message] = incidentMessages(notifiers, verification, verdict('rollback'), context);
    const payload = slackBlocks(message?.body ?? '{}');
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Rolled back: checkout v2.4.1 in production', emoji: true },
    });
    const mrkdwn = texts(payload.blocks.slice(1)).join('\n');
    expect(mrkdwn).toContain('error rate: from 0.4% to 5.1% (×12.8)');
    expect(mrkdwn).toContain('TypeError: a &lt; b &amp;&amp; &lt;!channel&gt;');
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).toContain('*Depend on checkout:* cart, web');
    expect(payload.text).toBe(
      'Rolled back: checkout v2.4.1 in production: checkout v2.4.1 was rolled back: error rate rose from 0.4% to 5.1% (×12.8).',
    );
    expect(payload.blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open the report' },
          url: 'https://vigil.example/v1/deployments/d-7/report',
          action_id: 'vigil-report',
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Download the evidence bundle' },
          url: 'https://vigil.example/v1/deployments/d-7/artifacts/bundle.tar.gz',
          action_id: 'vigil-bundle',
        },
      ],
    });
  });

  it('shows relative links as text, not buttons, without a public base URL', () => {
    const { publicBaseUrl: _, ...relative } = context;
    const [message] = incidentMessages([slack], verification, verdict('rollback'), relative);
    const payload = slackBlocks(message?.body ?? '{}');
    expect(payload.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(texts(payload.blocks)).toContain('Report: /v1/deployments/d-7/report');
  });

  it('keeps within Block Kit limits however long the marker and the impact are', () => {
    const long: Verification = {
      ...verification,
      marker: { ...verification.marker, service: 's'.repeat(128), version: `v${'9'.repeat(255)}` },
    };
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...nastyError,
      name: `ops.new-errors[Error ${i}: ${'x'.repeat(200)} & more]`,
    }));
    for (const name of INCIDENT_TEMPLATE_NAMES) {
      const [message] = incidentMessages(
        [{ ...slack, incidentTemplate: name }],
        long,
        verdict('rollback', many),
        context,
      );
      const payload = slackBlocks(message?.body ?? '{}');
      expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of payload.blocks) {
        if (block.type === 'header') {
          expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
          expect(block.text.text.endsWith('…')).toBe(true);
        }
        if (block.type === 'section')
          expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        // A cut never leaves half an entity behind.
        for (const text of texts([block])) expect(text).not.toMatch(/&(a|am|l|g)?…/);
      }
      expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    }
  });

  it('renders every shipped template for rollback and inconclusive, with no tag left over', () => {
    for (const name of INCIDENT_TEMPLATE_NAMES)
      for (const outcome of ['rollback', 'inconclusive'] as const) {
        const [message] = incidentMessages(
          [{ ...pager, incidentTemplate: name, incidentOn: [outcome] }],
          verification,
          verdict(outcome, outcome === 'rollback' ? [errorRate] : []),
          context,
        );
        const body = JSON.parse(message?.body ?? '{}') as { title: string; text: string };
        expect(body.title).not.toBe('');
        expect(`${body.title}\n${body.text}`).not.toMatch(/\{\{|\}\}/);
      }
  });

  it('tells the public in the maintenance notice which journeys broke, without KHI jargon', () => {
    const journey: KhiResult = {
      ...errorRate,
      name: 'checkout-journey',
      effect: { baseline: 0, canary: 1, canarySamples: 10 },
      evidence: ['journeys/interval-3/canary/checkout/screenshot.png'],
    };
    const [message] = incidentMessages(
      [{ ...pager, incidentTemplate: 'maintenance-notice' }],
      verification,
      verdict('rollback', [journey]),
      context,
    );
    const body = JSON.parse(message?.body ?? '{}') as { title: string; text: string };
    expect(body.title).toBe('Maintenance notice: checkout in production');
    expect(body.text).toContain('Affected user journeys: checkout.');
    expect(body.text).toContain('may be affected too: cart, web.');
    expect(body.text).not.toMatch(/KHI|p-value|canary/);
  });
});

describe('notifier settings for incidents', () => {
  it('accepts a slack notifier and a webhook with incident events, filling in the defaults', () => {
    const settings = resolveSettings(
      {
        notifiers: [
          { name: 'oncall', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
          {
            name: 'pager',
            url: 'https://pager.example/hook',
            secret: 'pager-secret-0123456789',
            events: ['verdict', 'incident'],
            incidentOn: ['rollback', 'inconclusive'],
            incidentTemplate: 'maintenance-notice',
          },
        ],
      },
      {},
    );
    expect(settings.notifiers.map((n) => [n.kind, n.events, n.incidentOn, n.incidentTemplate])).toEqual([
      ['slack', ['verdict'], ['rollback'], 'rollback-notification'],
      ['webhook', ['verdict', 'incident'], ['rollback', 'inconclusive'], 'maintenance-notice'],
    ]);
  });

  it('refuses unknown outcomes and templates, naming the field', () => {
    const refused = (notifier: Record<string, unknown>): string[] => {
      try {
        resolveSettings({ notifiers: [{ name: 'n', url: 'https://x.example', ...notifier }] }, {});
      } catch (error) {
        expect(error).toBeInstanceOf(SettingsError);
        return (error as SettingsError).issues.map((issue) => issue.path);
      }
      throw new Error('expected the settings to be rejected');
    };
    expect(refused({ incidentOn: ['promote'] })).toContain('notifiers[0].incidentOn[0]');
    expect(refused({ incidentTemplate: 'postmortem' })).toContain('notifiers[0].incidentTemplate');
  });
});

describe('incident templates', () => {
  const check = (text: string) => () =>
    parseIncidentTemplate('incident-update', 'incident-update.mustache', text);

  it('refuses an empty title, naming the file', () => {
    expect(check('\nbody')).toThrow(IncidentTemplateError);
    expect(check('  \nbody')).toThrow(/incident-update\.mustache: the first line \(the title\) is empty/);
    expect(check('Title only')).toThrow(/incident-update\.mustache: the body/);
  });

  it('refuses unknown variables, naming the file and the variable', () => {
    expect(check('{{servise}} down\nbody')).toThrow(
      /incident-update\.mustache: unknown variable \{\{servise\}\}/,
    );
    expect(check('Title\n{{#worsened}}{{probe}}{{/worsened}}')).toThrow(/unknown variable \{\{probe\}\}/);
    expect(check('Title\n{{#hasWorsened}}{{.}}{{/hasWorsened}}')).toThrow(/unknown variable \{\{\.\}\}/);
    expect(
      check(
        'Title\n{{#brokenJourneys}}{{probe}} {{service}}{{/brokenJourneys}}{{#sentences}}{{.}}{{/sentences}}',
      ),
    ).not.toThrow();
  });

  it('refuses unescaped values and partials', () => {
    expect(check('Title\n{{{headline}}}')).toThrow(/would send headline unescaped/);
    expect(check('Title\n{{&headline}}')).toThrow(/would send headline unescaped/);
    expect(check('Title\n{{> footer}}')).toThrow(/partials are not supported/);
    expect(check('Title\n{{#worsened}}unclosed')).toThrow(/does not parse/);
  });

  it('refuses a directory with a template missing, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-incident-templates-'));
    for (const name of ['rollback-notification', 'incident-update'])
      await writeFile(
        join(dir, `${name}.mustache`),
        await readFile(new URL(`${name}.mustache`, DEFAULT_INCIDENT_TEMPLATES_DIR), 'utf8'),
      );
    await expect(loadIncidentTemplates(dir)).rejects.toThrow(
      new RegExp(`${join(dir, 'maintenance-notice.mustache')}: cannot be read`),
    );
  });
});
