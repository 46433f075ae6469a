import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/delivery/webhook-signature.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"event":"verdict","verdict":{"outcome":"rollback"}}';
const NOW = 1_795_000_000;

describe('webhook signatures', () => {
  it('accepts what it signed, within the tolerance', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    expect(header).toMatch(/^t=1795000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook({ secret: SECRET, header, body: BODY, nowSeconds: NOW + 299 })).toEqual({
      ok: true,
    });
  });

  it('refuses a tampered body, another secret, a replay and a malformed header, saying why', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    const check = (overrides: { body?: string; secret?: string; nowSeconds?: number; header?: string }) =>
      verifyWebhook({ secret: SECRET, header, body: BODY, nowSeconds: NOW, ...overrides });
    expect(check({ body: BODY.replace('rollback', 'promote') })).toEqual({
      ok: false,
      reason: 'signature does not match the body',
    });
    expect(check({ secret: 'another-secret-0123456789' }).ok).toBe(false);
    expect(check({ nowSeconds: NOW + 301 })).toEqual({
      ok: false,
      reason: 'timestamp 1795000000 is outside the 300 s tolerance (replayed or clock skew)',
    });
    // A replay with a fresh timestamp but the old signature does not match.
    expect(check({ header: header.replace(`t=${NOW}`, `t=${NOW + 1000}`), nowSeconds: NOW + 1000 }).ok).toBe(
      false,
    );
    for (const bad of ['', 'v1=abc', 't=abc,v1=00', `t=${NOW}`])
      expect(check({ header: bad })).toEqual({
        ok: false,
        reason: 'vigil-signature must be t=<unix seconds>,v1=<hex>',
      });
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const old = signWebhook('old-secret-0123456789', NOW, BODY).split(',')[1];
    const header = `${signWebhook(SECRET, NOW, BODY)},${old}`;
    expect(verifyWebhook({ secret: 'old-secret-0123456789', header, body: BODY, nowSeconds: NOW }).ok).toBe(
      true,
    );
  });

  it('refuses an empty secret and signatures with anything but 64 hex digits', () => {
    const header = signWebhook(SECRET, NOW, BODY);
    expect(() => verifyWebhook({ secret: '', header, body: BODY, nowSeconds: NOW })).toThrow(
      'must not be empty',
    );
    expect(verifyWebhook({ secret: SECRET, header: `${header}zz`, body: BODY, nowSeconds: NOW }).ok).toBe(
      false,
    );
  });
});
