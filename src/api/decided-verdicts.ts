/**
 * Decided verdicts, kept as the bytes of their answer and answered ahead of Fastify.
 *
 * A verdict is recorded once and never changes, and pipelines poll it: once decided, reads of it
 * are most of the API's traffic. The verdict route stores each decided answer here. After that, a
 * `GET /v1/deployments/<id>/verdict` that needs nothing but the stored bytes (a known bearer token
 * granting `verdicts:read`, and no query or only `wait=N` within bounds) is answered from the
 * node:http request handler, before Fastify routes it: routing, hooks and the reply object cost as
 * much as the socket write itself (bench/daemon). The answer is the one Fastify gives — status,
 * body, headers, request id, the duration histogram — as test/api/decided-verdicts.test.ts checks.
 * Everything else (an unknown id, a missing or wrong token, any other query, a verification still
 * running, a daemon closing) goes through Fastify as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, hasScope, type Authenticator } from './authentication.js';

/** Decided answers kept per process (about 5 KB each for 12 KHIs). */
const DECIDED_ANSWERS_KEPT = 10_000;
const JSON_TYPE = 'application/json; charset=utf-8';
const PATH_PREFIX = '/v1/deployments/';
const PATH_SUFFIX = '/verdict';
/** The route pattern the duration histogram labels these answers with, as Fastify would. */
export const VERDICT_ROUTE = `${PATH_PREFIX}:id${PATH_SUFFIX}`;
/** `wait` as whole seconds; fractions and other spellings go through the route's validation. */
const WAIT_QUERY = /^wait=(\d{1,6})$/;

/** Serialised answers of decided verifications, by deployment id, oldest dropped first. */
export class DecidedVerdicts {
  private readonly answers = new Map<string, Buffer>();

  constructor(private readonly kept = DECIDED_ANSWERS_KEPT) {}

  get(id: string): Buffer | undefined {
    return this.answers.get(id);
  }

  remember(id: string, body: Buffer): void {
    if (this.answers.size >= this.kept && !this.answers.has(id)) {
      this.answers.delete(this.answers.keys().next().value as string);
    }
    this.answers.set(id, body);
  }
}

export interface DecidedVerdictAnswerer {
  readonly decided: DecidedVerdicts;
  readonly authenticate: Authenticator;
  readonly maxWaitSeconds: number;
  /** The request id Fastify would give: the caller's `x-request-id`, else a generated one. */
  readonly requestId: (request: IncomingMessage) => string;
  /** Records the answer in the API's duration histogram. */
  readonly observe: (method: string, route: string, statusCode: number, elapsedMs: number) => void;
  /** True once the app is closing: Fastify then answers 503, so nothing is taken here. */
  readonly closing: () => boolean;
}

/**
 * Answers the request when it asks for a stored decided verdict and needs nothing else; returns
 * false, having written nothing, for every other request.
 */
export function answerDecidedVerdict(
  answerer: DecidedVerdictAnswerer,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const started = performance.now();
  if (request.method !== 'GET') return false;
  const url = request.url;
  if (url === undefined || !url.startsWith(PATH_PREFIX)) return false;
  const queryAt = url.indexOf('?');
  const pathEnd = queryAt === -1 ? url.length : queryAt;
  if (!url.endsWith(PATH_SUFFIX, pathEnd)) return false;
  // Ids in the cache passed the route's id pattern, so an exact, undecoded match is the same id.
  const body = answerer.decided.get(url.slice(PATH_PREFIX.length, pathEnd - PATH_SUFFIX.length));
  if (body === undefined) return false;
  if (queryAt !== -1) {
    const wait = WAIT_QUERY.exec(url.slice(queryAt + 1));
    if (wait === null || Number(wait[1]) > answerer.maxWaitSeconds) return false;
  }
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return false;
  const principal = answerer.authenticate(token);
  if (principal === undefined || !hasScope(principal.scopes, 'verdicts:read')) return false;
  if (answerer.closing()) return false;

  response.writeHead(200, {
    'x-request-id': answerer.requestId(request),
    'content-type': JSON_TYPE,
    'content-length': body.length,
  });
  response.end(body);
  answerer.observe('GET', VERDICT_ROUTE, 200, performance.now() - started);
  return true;
}
