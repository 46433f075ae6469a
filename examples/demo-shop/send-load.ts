/**
 * Steady load against demo shops: `rps` requests per second to each target for `seconds`, in a
 * fixed, repeating mix of pages (GET /, GET /products, POST /cart, POST /checkout). Loopback
 * targets only, bounded rate, duration and requests in flight.
 */

export interface LoadOptions {
  /** Shop base URLs; each must be on 127.0.0.1, ::1 or localhost. */
  readonly targets: readonly string[];
  /** Requests per second to each target (max 2000). */
  readonly rps: number;
  /** How long to send, in seconds (max 3600). */
  readonly seconds: number;
  /** Per-request timeout, in milliseconds. */
  readonly timeoutMs?: number;
  /** Requests in flight per target before new ones are skipped (default 256). */
  readonly maxInFlight?: number;
  /** Stops early when aborted. */
  readonly signal?: AbortSignal;
}

/** What was sent to one target: status code → count (`error` for network failures). */
export interface TargetLoadSummary {
  readonly target: string;
  readonly sent: number;
  readonly skipped: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

interface PlannedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** The repeating mix: 3 × home, 4 × products, 2 × add to cart, 1 × checkout in every 10. */
export const REQUEST_MIX: readonly PlannedRequest[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/products' },
  { method: 'POST', path: '/cart', body: 'productId=p1' },
  { method: 'GET', path: '/products' },
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/products' },
  { method: 'POST', path: '/cart', body: 'productId=p2' },
  { method: 'POST', path: '/checkout', body: '' },
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/products' },
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TICK_MS = 10;

/** Sends the load and resolves, after every request has settled, with a summary per target. */
export async function sendLoad(options: LoadOptions): Promise<TargetLoadSummary[]> {
  validateLoadOptions(options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 256;
  const states = options.targets.map((target) => ({
    target: target.replace(/\/+$/, ''),
    sent: 0,
    skipped: 0,
    inFlight: 0,
    byStatus: new Map<string, number>(),
  }));
  const pending = new Set<Promise<void>>();
  const total = Math.round(options.rps * options.seconds);
  const started = performance.now();
  let planned = 0;
  while (planned < total && options.signal?.aborted !== true) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rps));
    for (; planned < due; planned += 1) {
      const request = REQUEST_MIX[planned % REQUEST_MIX.length] as PlannedRequest;
      for (const state of states) {
        if (state.inFlight >= maxInFlight) {
          state.skipped += 1;
          continue;
        }
        state.sent += 1;
        state.inFlight += 1;
        const done = send(state.target, request, timeoutMs).then((status) => {
          state.inFlight -= 1;
          state.byStatus.set(status, (state.byStatus.get(status) ?? 0) + 1);
        });
        pending.add(done);
        void done.finally(() => pending.delete(done));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(pending);
  return states.map((s) => ({
    target: s.target,
    sent: s.sent,
    skipped: s.skipped,
    byStatus: Object.fromEntries(s.byStatus),
  }));
}

/** Throws a TypeError naming every bad option. */
export function validateLoadOptions(options: LoadOptions): void {
  const problems: string[] = [];
  if (options.targets.length === 0) problems.push('at least one target is required');
  for (const target of options.targets) {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch (error) {
      problems.push(`target ${target} is not a URL (${(error as Error).message})`);
    }
    if (url !== undefined && (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname))) {
      problems.push(`target ${target} must be http:// on a loopback address`);
    }
  }
  if (!(options.rps > 0 && options.rps <= 2000))
    problems.push(`rps must be within (0, 2000], got ${options.rps}`);
  if (!(options.seconds > 0 && options.seconds <= 3600))
    problems.push(`seconds must be within (0, 3600], got ${options.seconds}`);
  if (problems.length > 0) throw new TypeError(`invalid load options: ${problems.join('; ')}`);
}

async function send(target: string, request: PlannedRequest, timeoutMs: number): Promise<string> {
  try {
    const response = await fetch(`${target}${request.path}`, {
      method: request.method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body !== undefined && {
        body: request.body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    });
    await response.arrayBuffer();
    return String(response.status);
  } catch {
    return 'error';
  }
}
