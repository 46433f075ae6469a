/**
 * The demo shop: a small HTTP service instrumented with prom-client, run in two versions
 * (baseline and canary) so Vigil has something real to verify. Faults are configurable: a share
 * of requests answered with 500, extra latency, and a checkout button that silently stops working
 * (every response still 200: only a journey notices), or a checkout that throws an exception the
 * baseline never throws (seen in its traces). Each shop has its own metrics registry and, when
 * traced, its own tracer, so several can run in one process (tests start them in-process).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  renderAccountPage,
  renderCartPage,
  renderErrorPage,
  renderHomePage,
  renderLoginPage,
  renderOrderPage,
  renderProductsPage,
  PRODUCTS,
} from './pages.js';

export const SHOP_TRACKS = ['canary', 'baseline'] as const;
export type ShopTrack = (typeof SHOP_TRACKS)[number];

/** Request duration buckets in seconds, 5 ms to 5 s. */
/** The one account that can sign in: user name → password. */
export const DEMO_USERS: Readonly<Record<string, string>> = { demo: 'demo' };

export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5];

export interface ShopOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The `version` label on every metric. */
  readonly version: string;
  readonly track: ShopTrack;
  /** Probability (0–1) that a page request is answered with 500. */
  readonly errorRate?: number;
  /** Added to every page request's simulated work, in milliseconds. */
  readonly extraLatencyMs?: number;
  /** Multiplies every page request's simulated work (1 = unchanged). */
  readonly latencyFactor?: number;
  /** The cart's checkout button no longer places the order (a script error); responses stay 200. */
  readonly brokenCheckout?: boolean;
  /**
   * Probability (0–1) that a checkout throws a TypeError the baseline never throws (answered 500):
   * a new code path failing, for trace KHIs.
   */
  readonly newExceptionRate?: number;
  /** Traces every page request as a SERVER span (see shop-tracing.ts); untraced when absent. */
  readonly tracer?: Tracer;
  /** Uniform random numbers in [0, 1); injectable for reproducible runs. */
  readonly random?: () => number;
}

/** Every option with its default filled in (the tracer and random source aside). */
export type ShopSettings = Required<Omit<ShopOptions, 'random' | 'tracer'>>;

/** Requests the shop answered, by route and status code (`/metrics` excluded). */
export type ShopCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface RunningShop {
  readonly url: string;
  readonly port: number;
  readonly options: Readonly<ShopSettings>;
  /** Requests answered so far, by route then status code. */
  counts(): ShopCounts;
  /** The Prometheus exposition text, as served at `/metrics`. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** Base simulated work per route, in milliseconds (before jitter, factor and extra latency). */
const BASE_WORK_MS: Readonly<Record<string, number>> = {
  '/': 4,
  '/products': 12,
  '/cart': 8,
  '/checkout': 30,
  '/login': 10,
  '/account': 6,
};

/** Starts a shop listening on `host:port` (127.0.0.1 and a free port by default). */
export async function startShop(options: ShopOptions): Promise<RunningShop> {
  const settings = validateShopOptions(options);
  const random = options.random ?? Math.random;
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'demo-shop', version: settings.version, track: settings.track });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'code'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds.',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  // Every known series starts at zero, so `increase()` sees the first requests too.
  for (const [method, route] of KNOWN_ROUTES) {
    for (const code of ['200', '500']) {
      requests.inc({ method, route, code }, 0);
      durations.zero({ method, route, code });
    }
  }
  const counts = new Map<string, Map<string, number>>();
  const carts = new Map<string, string[]>();
  const sessions = new Map<string, string>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://shop.invalid');
    const method = request.method ?? 'GET';
    if (url.pathname === '/metrics' && method === 'GET') {
      response.writeHead(200, { 'content-type': registry.contentType });
      response.end(await registry.metrics());
      return;
    }
    if (url.pathname === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const body = method === 'POST' ? await readBody(request) : '';
    const cartId = cartIdOf(request) ?? randomUUID().replaceAll('-', '');
    const route = routeOf(method, url.pathname);
    let code = 404;
    let html = renderErrorPage(settings, 404, 'Not found');
    const cookies = [`cart=${cartId}; Path=/; SameSite=Lax`];
    const span = options.tracer?.startSpan(`${method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'http.route': route, 'url.path': url.pathname },
    });
    let failure: Error | undefined;
    if (route !== 'unmatched') {
      await delay(workMs(route, settings, random));
      if (random() < settings.errorRate) {
        code = 500;
        html = renderErrorPage(settings, 500, 'Something went wrong');
        failure = new Error('injected failure (error rate)');
      } else if (
        route === '/checkout' &&
        settings.newExceptionRate > 0 &&
        random() < settings.newExceptionRate
      ) {
        code = 500;
        html = renderErrorPage(settings, 500, 'Something went wrong');
        failure = new TypeError("Cannot read properties of undefined (reading 'price')");
      } else if (route === '/login' || route === '/account') {
        const page = renderSessionRoute(method, route, body, sessionIdOf(request), settings, sessions);
        code = page.code;
        html = page.html;
        if (page.sessionId !== undefined)
          cookies.push(`session=${page.sessionId}; Path=/; HttpOnly; SameSite=Lax`);
      } else {
        code = 200;
        html = renderRoute(route, body, cartId, settings, carts);
      }
    }
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', code);
      if (failure !== undefined) {
        span.recordException(failure);
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      }
      span.end();
    }
    const labels = { method, route, code: String(code) };
    requests.inc(labels);
    durations.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    const byCode = counts.get(route) ?? new Map<string, number>();
    byCode.set(String(code), (byCode.get(String(code)) ?? 0) + 1);
    counts.set(route, byCode);
    response.writeHead(code, {
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': cookies,
    });
    response.end(html);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`internal error: ${(error as Error).message}\n`);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    options: { ...settings, port },
    counts: () =>
      Object.fromEntries([...counts].map(([route, byCode]) => [route, Object.fromEntries(byCode)])),
    metrics: () => registry.metrics(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Fills defaults and rejects impossible settings, naming the setting. */
export function validateShopOptions(options: ShopOptions): ShopSettings {
  const settings = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    version: options.version,
    track: options.track,
    errorRate: options.errorRate ?? 0,
    extraLatencyMs: options.extraLatencyMs ?? 0,
    latencyFactor: options.latencyFactor ?? 1,
    brokenCheckout: options.brokenCheckout ?? false,
    newExceptionRate: options.newExceptionRate ?? 0,
  };
  const problems: string[] = [];
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535)
    problems.push(`port must be 0–65535, got ${settings.port}`);
  if (settings.version === '') problems.push('version must not be empty');
  if (!SHOP_TRACKS.includes(settings.track))
    problems.push(`track must be canary or baseline, got ${String(settings.track)}`);
  if (!(settings.errorRate >= 0 && settings.errorRate <= 1))
    problems.push(`errorRate must be within [0, 1], got ${settings.errorRate}`);
  if (!(settings.extraLatencyMs >= 0 && settings.extraLatencyMs <= 10_000))
    problems.push(`extraLatencyMs must be within [0, 10000], got ${settings.extraLatencyMs}`);
  if (!(settings.latencyFactor > 0 && settings.latencyFactor <= 100))
    problems.push(`latencyFactor must be within (0, 100], got ${settings.latencyFactor}`);
  if (!(settings.newExceptionRate >= 0 && settings.newExceptionRate <= 1))
    problems.push(`newExceptionRate must be within [0, 1], got ${settings.newExceptionRate}`);
  if (typeof settings.brokenCheckout !== 'boolean')
    problems.push(`brokenCheckout must be true or false, got ${String(settings.brokenCheckout)}`);
  if (problems.length > 0) throw new TypeError(`invalid demo shop options: ${problems.join('; ')}`);
  return settings;
}

const KNOWN_ROUTES: readonly (readonly [string, string])[] = [
  ['GET', '/'],
  ['GET', '/products'],
  ['GET', '/cart'],
  ['POST', '/cart'],
  ['POST', '/checkout'],
  ['GET', '/login'],
  ['POST', '/login'],
  ['GET', '/account'],
];

function routeOf(method: string, pathname: string): string {
  if (
    method === 'GET' &&
    (pathname === '/' ||
      pathname === '/products' ||
      pathname === '/cart' ||
      pathname === '/login' ||
      pathname === '/account')
  )
    return pathname;
  if (method === 'POST' && (pathname === '/cart' || pathname === '/checkout' || pathname === '/login'))
    return pathname;
  return 'unmatched';
}

/** Sign-in and account pages; a successful sign-in starts a session (returned to set as a cookie). */
function renderSessionRoute(
  method: string,
  route: string,
  body: string,
  sessionId: string | undefined,
  settings: ShopSettings,
  sessions: Map<string, string>,
): { code: number; html: string; sessionId?: string } {
  if (method === 'POST') {
    const form = new URLSearchParams(body);
    const username = form.get('username') ?? '';
    if (!Object.hasOwn(DEMO_USERS, username) || DEMO_USERS[username] !== form.get('password'))
      return { code: 401, html: renderLoginPage(settings, true) };
    const newSessionId = randomUUID().replaceAll('-', '');
    if (sessions.size >= 10_000) sessions.clear();
    sessions.set(newSessionId, username);
    return { code: 200, html: renderAccountPage(settings, username), sessionId: newSessionId };
  }
  const username = sessionId === undefined ? undefined : sessions.get(sessionId);
  if (route === '/account' && username !== undefined)
    return { code: 200, html: renderAccountPage(settings, username) };
  return { code: route === '/account' ? 401 : 200, html: renderLoginPage(settings, false) };
}

function renderRoute(
  route: string,
  body: string,
  cartId: string,
  settings: ShopSettings,
  carts: Map<string, string[]>,
): string {
  const cart = carts.get(cartId) ?? [];
  switch (route) {
    case '/products':
      return renderProductsPage(settings);
    case '/cart': {
      const productId = new URLSearchParams(body).get('productId');
      if (productId !== null && PRODUCTS.some((p) => p.id === productId)) {
        cart.push(productId);
        if (carts.size < 10_000) carts.set(cartId, cart.slice(-50));
      }
      return renderCartPage(settings, carts.get(cartId) ?? []);
    }
    case '/checkout':
      carts.delete(cartId);
      return renderOrderPage(settings, cart);
    default:
      return renderHomePage(settings);
  }
}

/** Simulated work: the route's base time with ±50% jitter, times the factor, plus the extra. */
function workMs(route: string, settings: ShopSettings, random: () => number): number {
  const base = BASE_WORK_MS[route] ?? 5;
  return base * (0.5 + random()) * settings.latencyFactor + settings.extraLatencyMs;
}

function sessionIdOf(request: IncomingMessage): string | undefined {
  const match = /(?:^|;\s*)session=([A-Za-z0-9]{1,32})/.exec(request.headers.cookie ?? '');
  return match?.[1];
}

function cartIdOf(request: IncomingMessage): string | undefined {
  const match = /(?:^|;\s*)cart=([A-Za-z0-9]{1,32})/.exec(request.headers.cookie ?? '');
  return match?.[1];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 16_384) request.destroy(new Error('request body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
