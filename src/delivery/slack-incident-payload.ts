/**
 * An incident as a Slack incoming-webhook payload: `{ text, blocks }` in Block Kit, where `text` is
 * the fallback Slack shows in notifications. Slack refuses a payload over Block Kit's limits
 * (`invalid_blocks`) and would never accept the same bytes on a retry, so every text is cut to its
 * limit with "…" here, when the message is built. Pure.
 *
 * Limits and escaping from Slack's documentation:
 * https://docs.slack.dev/reference/block-kit/blocks/header-block (header text ≤ 150 characters),
 * https://api.slack.com/reference/block-kit/blocks (≤ 50 blocks a message; section text ≤ 3000;
 * context ≤ 10 elements),
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element (text ≤ 75, url ≤ 3000),
 * https://api.slack.com/reference/surfaces/formatting#escaping (only &, < and > are escaped).
 */

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonUrl: 3000,
  blocks: 50,
  /** Slack cuts `text` far later (40,000); a notification needs no more than a screen. */
  fallbackText: 3000,
} as const;

type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
type Mrkdwn = { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn }
  | { type: 'context'; elements: Mrkdwn[] }
  | {
      type: 'actions';
      elements: { type: 'button'; text: PlainText; url: string; action_id: string }[];
    };

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's control characters as the entities Slack decodes; nothing else is touched. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` cut to `max` characters with "…", never inside an entity or a surrogate pair. */
export function truncateSlackText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // A lone half of a surrogate pair, or half of "&amp;", would show as garbage.
  if (/[\uDC00-\uDFFF]/.test(text.charAt(cut))) cut -= 1;
  const entity = text.lastIndexOf('&', cut - 1);
  if (
    entity >= 0 &&
    /^&(?:amp|lt|gt);/.test(text.slice(entity, entity + 5)) &&
    text.indexOf(';', entity) >= cut
  )
    cut = entity;
  return `${text.slice(0, cut)}…`;
}

/**
 * The payload: a header with `title` (plain text), `body` (mrkdwn, already escaped) in sections of
 * whole paragraphs, `context` lines (plain), and the links as buttons when they are absolute URLs,
 * as text otherwise (a button needs a URL a browser can open).
 */
export function slackIncidentPayload(input: {
  readonly title: string;
  readonly body: string;
  readonly summary: string;
  readonly context: readonly string[];
  readonly links: { readonly report: string; readonly bundle: string };
}): SlackPayload {
  const { report, bundle } = input.links;
  const clickable = [report, bundle].every(
    (url) => /^https?:\/\//.test(url) && url.length <= SLACK_LIMITS.buttonUrl,
  );
  const linkLines = clickable ? [] : [`Report: ${report}`, `Evidence bundle: ${bundle}`];
  const contextLines = [...input.context, ...linkLines].slice(0, SLACK_LIMITS.contextElements);
  const tail: SlackBlock[] = [
    ...(contextLines.length > 0
      ? [
          {
            type: 'context' as const,
            elements: contextLines.map((line) => ({
              type: 'mrkdwn' as const,
              text: truncateSlackText(escapeSlackText(line), SLACK_LIMITS.contextText),
            })),
          },
        ]
      : []),
    ...(clickable
      ? [
          {
            type: 'actions' as const,
            elements: [
              button('Open the report', report, 'vigil-report'),
              button('Download the evidence bundle', bundle, 'vigil-bundle'),
            ],
          },
        ]
      : []),
  ];
  const header: SlackBlock = {
    type: 'header',
    text: { type: 'plain_text', text: truncateSlackText(input.title, SLACK_LIMITS.headerText), emoji: true },
  };
  const room = SLACK_LIMITS.blocks - 1 - tail.length;
  const sections = sectionTexts(input.body);
  const kept = sections.length > room ? [...sections.slice(0, room - 1), '…'] : sections;
  return {
    text: truncateSlackText(escapeSlackText(`${input.title}: ${input.summary}`), SLACK_LIMITS.fallbackText),
    blocks: [
      header,
      ...kept.map((text): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
      ...tail,
    ],
  };
}

/** Whole paragraphs packed into section texts of at most 3000 characters; a longer one is cut. */
function sectionTexts(body: string): string[] {
  const paragraphs = body
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  const texts: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    const joined = current === '' ? paragraph : `${current}\n\n${paragraph}`;
    if (joined.length <= SLACK_LIMITS.sectionText) {
      current = joined;
      continue;
    }
    if (current !== '') texts.push(current);
    current = truncateSlackText(paragraph, SLACK_LIMITS.sectionText);
  }
  if (current !== '') texts.push(current);
  return texts;
}

function button(
  label: string,
  url: string,
  actionId: string,
): { type: 'button'; text: PlainText; url: string; action_id: string } {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncateSlackText(label, SLACK_LIMITS.buttonText) },
    url,
    action_id: actionId,
  };
}
