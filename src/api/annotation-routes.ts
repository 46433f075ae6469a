/**
 * GET /v1/annotations — Vigil's deployments as Grafana annotations: each verification whose span
 * (marker startedAt → verdict) overlaps the range is a region, titled with its outcome, that
 * Grafana's Infinity (or JSON API) data source draws on any panel (docs/grafana.md).
 *
 * The SimpleJSON contract (`POST /annotations` with `{range, annotation}`) is not served: Grafana
 * deprecated that plugin in 2024, and its successors (Infinity, simPod's JSON data source) take
 * annotations from ordinary queries, as this endpoint answers them.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { VerificationStore } from '../store/verification-store.js';
import type { Verification } from '../verification/verification.js';
import {
  AnnotationListSchema,
  AnnotationQuerySchema,
  DEFAULT_ANNOTATION_RANGE_HOURS,
  MAX_ANNOTATION_RANGE_DAYS,
  type Annotation,
  type AnnotationQuery,
} from './annotation-schemas.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import { errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';
import type { Links } from './verification-views.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * How long before `from` a verification may have been created and still overlap the range. The
 * store lists by creation time; a verification lasts its rule set's intervals (minutes to hours),
 * so one created a day before `from` has long been decided.
 */
export const OVERLAP_LOOKBACK_MS = DAY_MS;
/** The store's largest page. */
const PAGE_SIZE = 500;
/** Epoch milliseconds, as Grafana's `${__from}` and `${__to}` expand. */
const EPOCH_MS = /^\d{1,15}$/;
/** A date, or a date-time with a zone (a time without one would depend on the daemon's zone). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** The range and filters of one request, checked. */
export interface AnnotationRange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly service?: string;
  readonly environment?: string;
  readonly limit: number;
}

/** Registers GET /v1/annotations. */
export function registerAnnotationRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store, links, authenticate } = context;

  app.get(
    '/v1/annotations',
    {
      onRequest: requireScope(authenticate, 'verdicts:read'),
      schema: {
        summary: 'Deployment markers and verdicts as Grafana annotations',
        description:
          'Scope verdicts:read. Every verification whose span (marker startedAt to verdict, or to now while ' +
          'undecided) overlaps [from, to], newest first: a JSON array for the Infinity or JSON API data source ' +
          `(docs/grafana.md). from and to are epoch milliseconds or ISO-8601; at most ${MAX_ANNOTATION_RANGE_DAYS} ` +
          'days apart.',
        tags: ['verdicts'],
        security: BEARER_SECURITY,
        querystring: AnnotationQuerySchema,
        response: { 200: AnnotationListSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request): Promise<Annotation[]> => {
      const nowMs = Date.now();
      const range = checkAnnotationQuery(request.query, nowMs);
      const verifications = await findOverlapping(store, range, nowMs);
      return verifications.map((verification) => toAnnotation(verification, links));
    },
  );
}

/** Parses and checks the query; throws VALIDATION_FAILED naming the field. */
export function checkAnnotationQuery(query: AnnotationQuery, nowMs: number): AnnotationRange {
  const toMs = query.to === undefined ? nowMs : parseTime(query.to, 'to');
  const fromMs =
    query.from === undefined
      ? toMs - DEFAULT_ANNOTATION_RANGE_HOURS * HOUR_MS
      : parseTime(query.from, 'from');
  if (fromMs > toMs) {
    throw invalid(
      'from',
      `must not be after to (${new Date(fromMs).toISOString()} > ${new Date(toMs).toISOString()})`,
    );
  }
  if (toMs - fromMs > MAX_ANNOTATION_RANGE_DAYS * DAY_MS) {
    throw invalid(
      'from',
      `the range is ${((toMs - fromMs) / DAY_MS).toFixed(1)} days long; at most ${MAX_ANNOTATION_RANGE_DAYS} are allowed`,
    );
  }
  return {
    fromMs,
    toMs,
    ...(query.service !== undefined && query.service !== '' && { service: query.service }),
    ...(query.environment !== undefined && query.environment !== '' && { environment: query.environment }),
    limit: query.limit,
  };
}

/**
 * The verifications overlapping the range, newest first, at most `limit`: pages through the store
 * from the newest down to those created `OVERLAP_LOOKBACK_MS` before `from`, where it stops.
 */
export async function findOverlapping(
  store: VerificationStore,
  range: AnnotationRange,
  nowMs: number,
): Promise<Verification[]> {
  const sinceMs = Math.max(0, range.fromMs - OVERLAP_LOOKBACK_MS);
  // Nothing is created in the future: a range that starts there overlaps nothing.
  if (sinceMs > nowMs) return [];
  const found: Verification[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({
      ...(range.service !== undefined && { service: range.service }),
      ...(range.environment !== undefined && { environment: range.environment }),
      since: new Date(sinceMs).toISOString(),
      limit: PAGE_SIZE,
      ...(cursor !== undefined && { cursor }),
    });
    for (const verification of page.items) {
      if (!overlaps(verification, range, nowMs)) continue;
      found.push(verification);
      if (found.length === range.limit) return found;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return found;
}

/** True when [startedAt, decidedAt — or now while undecided] meets [from, to]. */
function overlaps(verification: Verification, range: AnnotationRange, nowMs: number): boolean {
  const startMs = Date.parse(verification.marker.startedAt);
  const endMs = verification.verdict === null ? nowMs : Date.parse(verification.verdict.decidedAt);
  return startMs <= range.toMs && Math.max(startMs, endMs) >= range.fromMs;
}

/** One verification as an annotation: a region when decided, a point while undecided. */
export function toAnnotation(verification: Verification, links: Links): Annotation {
  const { marker, verdict, status } = verification;
  const state = verdict?.outcome ?? status;
  const timeMs = Date.parse(marker.startedAt);
  const reportUrl = `${links.deployment(verification.id)}/report`;
  const tags = [marker.service, marker.environment, marker.strategy, state];
  return {
    id: verification.id,
    time: timeMs,
    ...(verdict !== null && { timeEnd: Math.max(timeMs, Date.parse(verdict.decidedAt)) }),
    title: escapeHtml(`${marker.service} ${marker.version} → ${state}`),
    text: describe(verification, reportUrl),
    tags,
    tagsCsv: tags.map((tag) => tag.replaceAll(',', ' ')).join(','),
    status,
    reportUrl,
  };
}

/** The annotation's HTML text: what was compared, how it ended and why, and the report link. */
function describe(verification: Verification, reportUrl: string): string {
  const { marker, verdict, intervalsJudged, plan } = verification;
  const against = marker.baselineVersion === undefined ? '' : ` against ${marker.baselineVersion}`;
  const lines = [
    `${marker.version}${against} in ${marker.environment} (${marker.strategy}, rule set ${marker.ruleSet})`,
  ];
  if (verdict === null) {
    const of = plan === undefined ? '' : ` of at most ${plan.maxIntervals}`;
    lines.push(`${verification.status}: ${intervalsJudged}${of} intervals judged`);
  } else {
    const score = verdict.score === null ? 'no score' : `score ${Math.round(verdict.score * 10) / 10}`;
    lines.push(
      `${verdict.outcome} after ${verdict.decidedAtInterval} interval(s), ${score}`,
      ...verdict.reasons,
    );
  }
  const html = lines.map(escapeHtml);
  html.push(`<a href="${escapeHtml(reportUrl)}">Validation report</a>`);
  return html.join('<br>');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to place in HTML (Grafana renders annotation titles and texts as HTML). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function parseTime(text: string, field: 'from' | 'to'): number {
  const ms = EPOCH_MS.test(text) ? Number(text) : ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms) || ms > 8.64e15) {
    throw invalid(field, `"${text}" is neither epoch milliseconds nor an ISO-8601 time with a zone`);
  }
  return ms;
}

function invalid(path: 'from' | 'to', message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `invalid query string: ${path} ${message}`, [{ path, message }]);
}
