/**
 * Bearer-token authentication and scope checks. Tokens are configured only by their SHA-256; the
 * presented token's hash is compared with every configured hash in constant time (no early exit),
 * so neither a match nor its position leaks through timing. Tokens are never logged.
 *
 * Hashing is most of authentication's cost (OpenSSL's per-call set-up, several µs under load on the
 * verdict endpoint), so a token that matched is remembered in its configured token's slot, and
 * later requests first compare the presented token with every slot, in constant time too:
 * fixed-size buffers (length prefix, zero padding), all slots, no early exit. Only tokens that
 * already authenticated are ever held; anything else, and tokens too long for a slot, is hashed.
 */
import * as crypto from 'node:crypto';
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
/**
 * Size of a remembered-token slot: a 2-byte length, then the token's UTF-8 bytes, zero-padded.
 * Tokens up to 122 bytes fit (a 64-character token has room to spare); longer ones are hashed.
 */
const SLOT_BYTES = 128;
const LENGTH_BYTES = 2;
/** The most UTF-8 bytes one character takes: with this much room left, nothing was cut off. */
const MAX_CHARACTER_BYTES = 4;
/** A length no token in a slot can have: marks a slot not filled yet. */
const EMPTY_SLOT_LENGTH = 0xffff;

/** SHA-256 hex of a plaintext token, as configured in `tokenSha256`. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * SHA-256 hex of a presented token. The one-shot `crypto.hash` (Node ≥ 20.12) costs less than
 * `createHash`.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** Builds the authenticator; throws when a configured hash is not 64 hex digits. */
export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
  const known = tokens.map((token) => {
    if (!SHA256_HEX.test(token.tokenSha256)) {
      throw new Error(`API token ${token.name}: tokenSha256 must be 64 hex digits`);
    }
    const slot = Buffer.alloc(SLOT_BYTES);
    slot.writeUInt16BE(EMPTY_SLOT_LENGTH, 0);
    return {
      principal: { name: token.name, scopes: [...token.scopes] },
      digest: Buffer.from(token.tokenSha256, 'hex'),
      slot,
    };
  });
  // Buffers filled and compared synchronously, so one of each serves every request.
  const presentedDigest = Buffer.alloc(32);
  const presentedSlot = Buffer.alloc(SLOT_BYTES);

  /** The index of the slot holding `presentedSlot`, or -1: every slot is compared. */
  const findRemembered = (): number => {
    let found = -1;
    for (let index = 0; index < known.length; index += 1) {
      if (crypto.timingSafeEqual(known[index]!.slot, presentedSlot) && found === -1) found = index;
    }
    return found;
  };
  /** The index of the configured hash matching `token`, or -1: every hash is compared. */
  const findHashed = (token: string): number => {
    presentedDigest.write(sha256Hex(token), 0, 'hex');
    let found = -1;
    for (let index = 0; index < known.length; index += 1) {
      if (crypto.timingSafeEqual(known[index]!.digest, presentedDigest) && found === -1) found = index;
    }
    return found;
  };

  return (token) => {
    // `write` stops before a character that does not fit; with room for one more, none was left out.
    const length = presentedSlot.write(token, LENGTH_BYTES, 'utf8');
    const fits = LENGTH_BYTES + length + MAX_CHARACTER_BYTES <= SLOT_BYTES;
    if (fits) {
      presentedSlot.writeUInt16BE(length, 0);
      presentedSlot.fill(0, LENGTH_BYTES + length);
      const remembered = findRemembered();
      if (remembered !== -1) return known[remembered]!.principal;
    }
    const hashed = findHashed(token);
    if (hashed === -1) return undefined;
    if (fits) presentedSlot.copy(known[hashed]!.slot);
    return known[hashed]!.principal;
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

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}
