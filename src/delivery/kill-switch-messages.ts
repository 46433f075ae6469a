/**
 * Kill switches: on a rollback verdict, every feature flag the marker lists is turned off through
 * its flag provider — Unleash's admin API, or an HTTP request template of your own — as outbox
 * messages recorded with the verdict, so turning a flag off is retried like any delivery and
 * never lost. Pure: the request (method, URL, body) is fixed when the verdict is recorded; the
 * provider's credentials are added at delivery and never stored.
 */
import type { Verdict, Verification } from '../verification/verification.js';
import type { OutboxMessage } from './outbox.js';

export interface FlagProvider {
  readonly name: string;
  readonly kind: 'unleash' | 'http';
  readonly url: string;
  readonly token?: string;
  readonly project: string;
  readonly environment?: string;
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** One message per listed flag, when the verdict is rollback. */
export function killSwitchMessages(
  providers: readonly FlagProvider[],
  verification: Verification,
  verdict: Verdict,
): OutboxMessage[] {
  if (verdict.outcome !== 'rollback') return [];
  const { marker } = verification;
  return (marker.killSwitches ?? []).flatMap(({ provider: name, flag }) => {
    const provider = providers.find((p) => p.name === name);
    if (provider === undefined) return [];
    const values = { flag, service: marker.service, environment: marker.environment };
    const request =
      provider.kind === 'unleash'
        ? {
            method: 'POST' as const,
            url: `${provider.url.replace(/\/+$/, '')}/api/admin/projects/${encodeURIComponent(provider.project)}/features/${encodeURIComponent(flag)}/environments/${encodeURIComponent(provider.environment ?? marker.environment)}/off`,
            body: '',
          }
        : {
            method: provider.method,
            url: fill(provider.url, values, encodeURIComponent),
            body:
              provider.body === undefined
                ? ''
                : fill(provider.body, values, (v) => JSON.stringify(v).slice(1, -1)),
          };
    return [
      {
        id: `${verification.id}.kill-switch.${name}.${flag}`,
        notifier: name,
        event: 'kill-switch' as const,
        deploymentId: verification.id,
        body: request.body,
        request: { method: request.method, url: request.url },
        createdAt: verdict.decidedAt,
      },
    ];
  });
}

function fill(
  template: string,
  values: Readonly<Record<string, string>>,
  escape: (value: string) => string,
): string {
  return template.replace(/\{(flag|service|environment)\}/g, (_, key: string) => escape(values[key] ?? ''));
}
