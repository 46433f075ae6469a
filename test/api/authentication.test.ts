import { describe, expect, it } from 'vitest';
import { createAuthenticator, hashToken, hasScope } from '../../src/api/authentication.js';

describe('createAuthenticator', () => {
  const authenticate = createAuthenticator([
    { name: 'ci', scopes: ['markers:write', 'verdicts:read'], tokenSha256: hashToken('ci-secret') },
    { name: 'ops', scopes: ['admin'], tokenSha256: hashToken('ops-secret').toUpperCase() },
  ]);

  it('finds the principal of a known token by its hash', () => {
    expect(authenticate('ci-secret')).toEqual({ name: 'ci', scopes: ['markers:write', 'verdicts:read'] });
    expect(authenticate('ops-secret')).toEqual({ name: 'ops', scopes: ['admin'] });
  });

  it('returns undefined for an unknown token', () => {
    expect(authenticate('ci-secret ')).toBeUndefined();
    expect(authenticate('')).toBeUndefined();
  });

  it('keeps answering the same once a token is remembered, and refuses its near misses', () => {
    const fresh = createAuthenticator([
      { name: 'ci', scopes: ['verdicts:read'], tokenSha256: hashToken('ci-secret') },
      { name: 'ops', scopes: ['admin'], tokenSha256: hashToken('ops-secret') },
    ]);
    for (let round = 0; round < 3; round += 1) {
      expect(fresh('ci-secret')).toEqual({ name: 'ci', scopes: ['verdicts:read'] });
      expect(fresh('ops-secret')).toEqual({ name: 'ops', scopes: ['admin'] });
      // Slots are zero-padded behind a length: padding, prefixes and extensions do not match.
      for (const nearMiss of [
        'ci-secret\u0000',
        'ci-secre',
        'ci-secrets',
        'CI-SECRET',
        'ops-secret\u0000\u0000',
        '',
      ])
        expect(fresh(nearMiss)).toBeUndefined();
    }
  });

  it('authenticates tokens of any length, around the remembered size too, and non-ASCII ones', () => {
    // Slots hold tokens up to 122 UTF-8 bytes; longer ones are hashed every time.
    const tokens = {
      fits: 'a'.repeat(122),
      tooLong: 'b'.repeat(123),
      long: 'x'.repeat(300),
      accented: 'jeton-é-🔑-0123456789',
    };
    const fresh = createAuthenticator(
      Object.entries(tokens).map(([name, token]) => ({
        name,
        scopes: ['admin'],
        tokenSha256: hashToken(token),
      })),
    );
    for (let round = 0; round < 2; round += 1) {
      for (const [name, token] of Object.entries(tokens)) expect(fresh(token)?.name).toBe(name);
      // A remembered token followed by a character that would not fit in the slot is another token.
      for (const nearMiss of [
        `${tokens.fits}é`,
        `${tokens.fits}🔑`,
        `${'a'.repeat(121)}🔑`,
        tokens.tooLong.slice(1),
        tokens.long.slice(0, 122),
        `${tokens.accented}x`,
      ])
        expect(fresh(nearMiss)).toBeUndefined();
    }
  });

  it('refuses a configured hash that is not 64 hex digits', () => {
    expect(() => createAuthenticator([{ name: 'bad', scopes: [], tokenSha256: 'abc' }])).toThrow(
      /bad: tokenSha256 must be 64 hex digits/,
    );
  });
});

describe('hasScope', () => {
  it.each([
    [['markers:write'], 'markers:write', true],
    [['markers:write'], 'verdicts:read', false],
    [['admin'], 'verdicts:read', true],
    [['admin'], 'markers:write', true],
    [[], 'verdicts:read', false],
  ] as const)('%j grants %s: %s', (scopes, needed, expected) => {
    expect(hasScope(scopes, needed)).toBe(expected);
  });
});
