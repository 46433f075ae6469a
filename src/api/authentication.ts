/**
 * Bearer-token authentication and scope checks. Tokens are known only by their SHA-256; the
 * presented token's hash is compared with every configured hash in constant time (no early exit),
 * so neither a match nor its position leaks through timing. Tokens are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ApiError } from './api-errors.js';
import type { ApiToken, Scope } from './api-deps.js';

/** The caller a request was authenticated as. */
export interface Principal {
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** Finds the principal for a plaintext token, or undefined. */
export type Authenticator = (token: string) => Principal | undefined;

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const REALM = 'Bearer realm="vigil"';

/** SHA-256 hex of a plaintext token, as configured in `tokenSha256`. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Builds the authenticator; throws when a configured hash is not 64 hex digits. */
export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
  const known = tokens.map((token) => {
    if (!SHA256_HEX.test(token.tokenSha256)) {
      throw new Error(`API token ${token.name}: tokenSha256 must be 64 hex digits`);
    }
    return {
      principal: { name: token.name, scopes: [...token.scopes] },
      digest: Buffer.from(token.tokenSha256, 'hex'),
    };
  });
  return (token) => {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const candidate of known) {
      // Every candidate is compared, even after a match.
      if (timingSafeEqual(candidate.digest, presented) && found === undefined) found = candidate.principal;
    }
    return found;
  };
}

/** True when `scopes` grant `needed` (`admin` grants everything). */
export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}

/** An onRequest hook that answers 401 without a known bearer token and 403 without `scope`. */
export function requireScope(authenticate: Authenticator, scope: Scope): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done) => {
    const token = bearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : authenticate(token);
    if (principal === undefined) {
      const challenge = token === undefined ? REALM : `${REALM}, error="invalid_token"`;
      void reply.header('www-authenticate', challenge);
      done(new ApiError('UNAUTHENTICATED'));
      return;
    }
    // The caller's name (never the token) on every later log line of this request.
    request.log = request.log.child({ tokenName: principal.name });
    reply.log = request.log;
    if (!hasScope(principal.scopes, scope)) {
      void reply.header('www-authenticate', `${REALM}, error="insufficient_scope", scope="${scope}"`);
      done(new ApiError('FORBIDDEN', `token ${principal.name} lacks the scope ${scope}`));
      return;
    }
    done();
  };
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}
