/**
 * Signed webhooks, in the scheme Stripe and GitHub made familiar: `Vigil-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the notifier's secret>`. Signing the
 * timestamp with the body lets a receiver refuse replays (an old `t`) as well as tampering. This
 * module is also the verifier we ship (docs/integrations.md shows it in use).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'vigil-signature';
/** Receivers refuse signatures older (or newer) than this by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The header value for `body` sent at `timestampSeconds`. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Checks a received webhook: well-formed header, a fresh timestamp, a matching signature. */
export function verifyWebhook(options: {
  readonly secret: string;
  readonly header: string | undefined;
  /** The raw body, exactly as received. */
  readonly body: string;
  readonly nowSeconds?: number;
  readonly toleranceSeconds?: number;
}): SignatureCheck {
  const parts = new Map<string, string[]>();
  for (const item of (options.header ?? '').split(',')) {
    const at = item.indexOf('=');
    if (at > 0)
      parts.set(item.slice(0, at).trim(), [
        ...(parts.get(item.slice(0, at).trim()) ?? []),
        item.slice(at + 1).trim(),
      ]);
  }
  // An empty secret would accept anything signed with it: a misconfigured receiver, not a check.
  if (options.secret === '') throw new Error('verifyWebhook: the secret must not be empty');
  const t = parts.get('t')?.[0];
  const signatures = (parts.get('v1') ?? []).filter((signature) => /^[0-9a-f]{64}$/.test(signature));
  if (t === undefined || !/^\d+$/.test(t) || signatures.length === 0)
    return { ok: false, reason: `${SIGNATURE_HEADER} must be t=<unix seconds>,v1=<hex>` };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(t)) > tolerance)
    return {
      ok: false,
      reason: `timestamp ${t} is outside the ${tolerance} s tolerance (replayed or clock skew)`,
    };
  const expected = Buffer.from(hmac(options.secret, Number(t), options.body), 'hex');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: 'signature does not match the body' };
}

function hmac(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}
