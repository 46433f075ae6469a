/**
 * Delivers the outbox's messages to their notifiers: claims what is due (leased, so a daemon that
 * dies mid-delivery only delays a message), POSTs each body signed with its notifier's secret
 * (unsigned to Slack, which takes plain JSON), and completes it on a 2xx; otherwise it is retried
 * with exponential backoff and full jitter, and after the notifier's `maxAttempts` it goes to the
 * dead letters (at once for a Slack 4xx other than 408 and 429: see slack-answer.ts). Every daemon
 * runs one; the daemon that records a verdict kicks its own at once, the others poll.
 */
import { backoffDelayMs } from '../http/backoff.js';
import { boundedTextRequest } from '../http/bounded-request.js';
import axios from 'axios';
import type { Logger } from 'pino';
import type { DeliveryLog } from './delivery-log.js';
import type { Outbox, StoredMessage } from './outbox.js';
import type { FlagProvider } from './kill-switch-messages.js';
import { classifySlackAnswer, type SlackAnswer } from './slack-answer.js';
import type { Notifier } from './verdict-message.js';
import { signWebhook } from './webhook-signature.js';

export interface WebhookDelivererOptions {
  readonly outbox: Outbox;
  readonly notifiers: readonly Notifier[];
  /** Where kill-switch messages go. */
  readonly flagProviders?: readonly FlagProvider[];
  readonly logger: Logger;
  readonly now?: () => number;
  /** How often the outbox is looked at without a kick (retries, other daemons' verdicts). */
  readonly pollMs?: number;
  /**
   * How long a claimed message is this daemon's before another may claim it (default: the
   * longest target timeout plus 30 s, so an attempt still running is never claimed twice).
   */
  readonly leaseMs?: number;
  /** Messages claimed (and delivered concurrently) at a time. */
  readonly batch?: number;
  readonly random?: () => number;
  /** Each finished attempt: delivered, retried or dead, with how long since the verdict. */
  readonly onAttempt?: (
    message: StoredMessage,
    outcome: 'delivered' | 'retry' | 'dead',
    sinceCreatedMs: number,
  ) => void;
  /** Where every attempt is recorded with its verification. */
  readonly log?: DeliveryLog;
}

export interface WebhookDeliverer {
  /** Looks at the outbox now (after this daemon recorded a verdict). */
  kick(): void;
  /** Stops; in-flight deliveries finish. */
  close(): Promise<void>;
}

export const DELIVERY_HEADERS = {
  signature: 'vigil-signature',
  idempotencyKey: 'vigil-idempotency-key',
  event: 'vigil-event',
  attempt: 'vigil-delivery-attempt',
} as const;

/** A receiver's answer is read only for its status: a runaway body is cut off. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Messages for a target this daemon does not know are retried this often before being buried. */
const UNKNOWN_TARGET_ATTEMPTS = 10;
const UNKNOWN_TARGET_BACKOFF = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };

/** Delay before attempt `attempts + 1` (the shared backoff: exponential, equal jitter). */
export function backoffMs(
  target: { readonly backoffBaseMs: number; readonly backoffMaxMs: number },
  attempts: number,
  random: () => number,
): number {
  return Math.round(
    backoffDelayMs(Math.max(0, attempts - 1), target.backoffBaseMs, target.backoffMaxMs, random),
  );
}

export function startWebhookDeliverer(options: WebhookDelivererOptions): WebhookDeliverer {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const leaseMs =
    options.leaseMs ??
    Math.max(0, ...[...options.notifiers, ...(options.flagProviders ?? [])].map((t) => t.timeoutMs)) + 30_000;
  const batch = options.batch ?? 32;
  const notifiers = new Map(options.notifiers.map((notifier) => [notifier.name, notifier]));
  const providers = new Map((options.flagProviders ?? []).map((provider) => [provider.name, provider]));
  const http = axios.create();
  /** Reports an attempt's end to the metrics callback and the verification's delivery log. */
  const record = async (
    message: StoredMessage,
    outcome: 'delivered' | 'retry' | 'dead',
    error?: string,
  ): Promise<void> => {
    options.onAttempt?.(message, outcome, now() - Date.parse(message.createdAt));
    await options.log
      ?.append(message.deploymentId, {
        at: new Date(now()).toISOString(),
        messageId: message.id,
        event: message.event,
        target: message.notifier,
        outcome,
        attempt: message.attempts,
        ...(error !== undefined && { error }),
      })
      .catch((failure: unknown) => options.logger.warn({ err: failure }, 'delivery log not written'));
  };
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;

  /** The HTTP request for a message, or undefined when its target is not configured any more. */
  const requestFor = (message: StoredMessage) => {
    const common = {
      'user-agent': 'vigil-webhooks/1',
      [DELIVERY_HEADERS.idempotencyKey]: message.id,
      [DELIVERY_HEADERS.event]: message.event,
      [DELIVERY_HEADERS.attempt]: String(message.attempts),
    };
    if (message.event === 'kill-switch') {
      const provider = providers.get(message.notifier);
      if (provider === undefined || message.request === undefined) return undefined;
      return {
        target: provider,
        method: message.request.method,
        url: message.request.url,
        headers: {
          ...common,
          ...(message.body !== '' && { 'content-type': 'application/json' }),
          ...(provider.kind === 'unleash' &&
            provider.token !== undefined && { authorization: provider.token }),
          ...provider.headers,
        },
      };
    }
    const notifier = notifiers.get(message.notifier);
    if (notifier === undefined) return undefined;
    if (notifier.kind === 'slack') {
      // Slack's incoming webhooks take plain JSON; the URL itself is the credential, nothing is signed.
      return {
        target: notifier,
        method: 'POST',
        url: notifier.url,
        headers: { ...common, 'content-type': 'application/json' },
      };
    }
    if (notifier.kind === 'github-deployment-status') {
      if (message.request === undefined) return undefined;
      return {
        target: notifier,
        method: message.request.method,
        url: message.request.url,
        headers: {
          ...common,
          'content-type': 'application/json',
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          authorization: `Bearer ${notifier.token ?? ''}`,
        },
      };
    }
    return {
      target: notifier,
      method: 'POST',
      url: notifier.url,
      headers: {
        ...common,
        'content-type': 'application/json',
        [DELIVERY_HEADERS.signature]: signWebhook(
          notifier.secret ?? '',
          Math.floor(now() / 1000),
          message.body,
        ),
      },
    };
  };

  const deliver = async (message: StoredMessage): Promise<void> => {
    const request = requestFor(message);
    if (request === undefined) {
      // Another daemon may know it (a configuration change rolling out): retry, bury only at last.
      const reason = `${message.notifier} is not configured on this daemon`;
      if (message.attempts >= UNKNOWN_TARGET_ATTEMPTS) {
        await options.outbox.bury(message.id, reason, now());
        await record(message, 'dead', reason);
      } else {
        await options.outbox.retry(
          message.id,
          now() + backoffMs(UNKNOWN_TARGET_BACKOFF, message.attempts, random),
          reason,
        );
        await record(message, 'retry', reason);
      }
      return;
    }
    const notifier = request.target;
    let failure: string | undefined;
    /** Slack's answers say when retrying is pointless, or how long to wait (slack-answer.ts). */
    let slack: SlackAnswer | undefined;
    try {
      const response = await http.request<string>({
        ...boundedTextRequest(notifier.timeoutMs, MAX_ANSWER_BYTES),
        method: request.method,
        url: request.url,
        data: message.body,
        headers: request.headers,
      });
      if (notifier.kind === 'slack') {
        const retryAfter: unknown = response.headers['retry-after'];
        slack = classifySlackAnswer(
          response.status,
          typeof response.data === 'string' ? response.data : '',
          typeof retryAfter === 'string' ? retryAfter : undefined,
        );
        if (slack.outcome !== 'delivered') failure = slack.error;
      } else if (response.status < 200 || response.status > 299) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    if (failure === undefined) {
      await options.outbox.complete(message.id);
      await record(message, 'delivered');
      return;
    }
    const reason = `attempt ${message.attempts} to ${notifier.name}: ${failure}`;
    if (message.attempts >= notifier.maxAttempts || slack?.outcome === 'dead') {
      await options.outbox.bury(message.id, reason, now());
      options.logger.warn({ message: message.id, reason }, 'webhook given up: moved to the dead letters');
      await record(message, 'dead', failure);
    } else {
      const waitMs = Math.max(
        backoffMs(notifier, message.attempts, random),
        slack?.outcome === 'retry' ? (slack.retryAfterMs ?? 0) : 0,
      );
      await options.outbox.retry(message.id, now() + waitMs, reason);
      options.logger.info({ message: message.id, reason }, 'webhook failed; retrying');
      await record(message, 'retry', failure);
    }
  };

  const cycle = async (): Promise<void> => {
    do {
      again = false;
      for (;;) {
        const claimed = await options.outbox.claim(now(), batch, leaseMs);
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((message) => deliver(message)));
        if (closed) return;
      }
    } while (again && !closed);
  };
  const run = (): void => {
    if (closed) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = cycle()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'outbox unreachable; trying again'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, options.pollMs ?? 250);
  timer.unref();
  run();
  return {
    kick: run,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
