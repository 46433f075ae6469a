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
