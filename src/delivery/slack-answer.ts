/**
 * What a Slack incoming webhook's answer means for the outbox. Slack answers 200 `ok`; a 4xx names
 * a problem that the same bytes to the same URL can never get past — 400 `invalid_payload` /
 * `invalid_blocks`, 403 `action_prohibited`, 404 `no_service` / `channel_not_found` (the webhook
 * was removed), 410 `channel_is_archived` — so the message goes to the dead letters at once, to be
 * redelivered once the webhook is fixed, instead of hammering Slack for hours. 429 means slow
 * down: the next attempt waits at least its Retry-After. 408 and 5xx are retried as usual. Pure.
 *
 * https://api.slack.com/messaging/webhooks (handling errors),
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks (statuses),
 * https://api.slack.com/docs/rate-limits (429 with Retry-After in seconds).
 */

export type SlackAnswer =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly outcome: 'dead'; readonly error: string };

/** Longest Retry-After honoured; a larger one is capped (the backoff still applies beyond it). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** `status`, `body` and Retry-After of Slack's answer → delivered, retry (after at least retryAfterMs), or dead. */
export function classifySlackAnswer(
  status: number,
  body: string,
  retryAfter: string | undefined,
): SlackAnswer {
  if (status >= 200 && status <= 299) return { outcome: 'delivered' };
  // Slack's error is a short word in the body; keep the first line, bounded, for the dead letter.
  const word = body.trim().split('\n')[0]?.slice(0, 200) ?? '';
  const error = word === '' ? `HTTP ${status}` : `HTTP ${status} ${word}`;
  if (status === 429) {
    const seconds = Number(retryAfter);
    return Number.isFinite(seconds) && seconds > 0
      ? { outcome: 'retry', error, retryAfterMs: Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) }
      : { outcome: 'retry', error };
  }
  if (status >= 400 && status <= 499 && status !== 408) return { outcome: 'dead', error };
  return { outcome: 'retry', error };
}
