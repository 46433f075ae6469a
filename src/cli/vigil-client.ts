/**
 * The HTTP client `vigil verify`, `vigil status` and `vigil artifacts pull` use: the daemon's API at VIGIL_URL with the
 * bearer token VIGIL_TOKEN. Answers are checked before use: the CLI trusts no input either.
 */
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';

export interface VerdictAnswer {
  readonly id: string;
  readonly status: string;
  readonly score: number | null;
  readonly decidedAt: string | null;
  readonly decidedAtInterval: number | null;
  readonly khis: readonly { name: string; classification: string; critical: boolean; reason: string }[];
  readonly reasons: readonly string[];
}

export interface DeploymentAnswer {
  readonly id: string;
  readonly status: string;
  readonly intervalsJudged?: number;
  readonly plan?: { intervalSeconds: number; minIntervals: number; maxIntervals: number };
  readonly marker?: { service?: string; version?: string; ruleSet?: string };
}

/** `GET /v1/deployments/:id/artifacts`, the parts `vigil artifacts pull` reads. */
export interface ArtifactListingAnswer {
  readonly deploymentId: string;
  readonly status: string;
  readonly seal: {
    readonly manifestSha256: string | null;
    readonly complete: boolean;
    readonly problems: readonly string[];
  } | null;
  readonly files: readonly { path: string; sha256: string; bytes: number }[];
}

/** The bundle download as it arrives, and the manifest hash the daemon sent with it. */
export interface BundleDownload {
  readonly body: Readable;
  /** The `vigil-manifest-sha256` header; null while the bundle is unsealed. */
  readonly manifestSha256: string | null;
}

/** An error answer from the daemon (or no answer), with the HTTP status when there was one. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface VigilClient {
  postMarker(marker: unknown): Promise<{ id: string; status: string; created: boolean }>;
  getDeployment(id: string): Promise<DeploymentAnswer>;
  waitForVerdict(id: string, waitSeconds: number): Promise<VerdictAnswer>;
  listArtifacts(id: string): Promise<ArtifactListingAnswer>;
  /** Streams the tar.gz; the caller reads (or destroys) `body`. */
  downloadBundle(id: string): Promise<BundleDownload>;
}

/** A client for the daemon at `baseUrl`. */
export function createVigilClient(baseUrl: string, token: string | undefined): VigilClient {
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    validateStatus: () => true,
    timeout: 120_000,
  });
  const call = async <T>(
    method: 'get' | 'post',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: T }> => {
    try {
      const response = await http.request<T>({ method, url: path, data: body });
      if (response.status >= 400) throw answerError(method, path, response.status, response.data);
      return { status: response.status, data: response.data };
    } catch (cause) {
      if (cause instanceof ClientError) throw cause;
      throw new ClientError(`cannot reach Vigil at ${baseUrl}: ${(cause as Error).message}`);
    }
  };
  return {
    async postMarker(marker) {
      const { status, data } = await call<{ id: string; status: string }>('post', '/v1/deployments', marker);
      if (typeof data?.id !== 'string') throw new ClientError('POST /v1/deployments: answer has no id');
      return { id: data.id, status: data.status, created: status === 201 };
    },
    async getDeployment(id) {
      const { data } = await call<DeploymentAnswer>('get', `/v1/deployments/${encodeURIComponent(id)}`);
      if (typeof data?.status !== 'string')
        throw new ClientError(`GET /v1/deployments/${id}: answer has no status`);
      return data;
    },
    async waitForVerdict(id, waitSeconds) {
      const { data } = await call<VerdictAnswer>(
        'get',
        `/v1/deployments/${encodeURIComponent(id)}/verdict?wait=${waitSeconds}`,
      );
      if (typeof data?.status !== 'string' || !Array.isArray(data.khis))
        throw new ClientError(`GET verdict of ${id}: malformed answer`);
      return data;
    },
    async listArtifacts(id) {
      const { data } = await call<ArtifactListingAnswer>(
        'get',
        `/v1/deployments/${encodeURIComponent(id)}/artifacts`,
      );
      if (typeof data?.status !== 'string' || !Array.isArray(data.files) || data.seal === undefined)
        throw new ClientError(`GET artifacts of ${id}: malformed answer`);
      return data;
    },
    async downloadBundle(id) {
      const path = `/v1/deployments/${encodeURIComponent(id)}/artifacts/bundle.tar.gz`;
      let response;
      try {
        // No overall timeout: a large bundle takes as long as it takes; a stalled socket still ends.
        response = await http.get<Readable>(path, { responseType: 'stream', timeout: 0 });
      } catch (cause) {
        throw new ClientError(`cannot reach Vigil at ${baseUrl}: ${(cause as Error).message}`);
      }
      if (response.status >= 400)
        throw answerError('get', path, response.status, await readErrorBody(response.data));
      const header = response.headers['vigil-manifest-sha256'] as unknown;
      return { body: response.data, manifestSha256: typeof header === 'string' ? header : null };
    },
  };
}

/** The ClientError for an error answer `{ code, message, details }`. */
function answerError(method: string, path: string, status: number, body: unknown): ClientError {
  const error = (body ?? {}) as {
    code?: string;
    message?: string;
    details?: { path: string; message: string }[];
  };
  const details = error.details?.map((d) => `\n  ${d.path}: ${d.message}`).join('') ?? '';
  return new ClientError(
    `${method.toUpperCase()} ${path}: ${status} ${error.code ?? ''} ${error.message ?? ''}${details}`,
    status,
    error.code,
  );
}

const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/** An error answer that arrived as a stream, parsed (at most 64 KiB of it). */
async function readErrorBody(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    bytes += chunk.byteLength;
    if (bytes > ERROR_BODY_LIMIT_BYTES) break;
  }
  stream.destroy();
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
