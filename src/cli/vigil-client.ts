/**
 * The HTTP client `vigil verify` and `vigil status` use: the daemon's API at VIGIL_URL with the
 * bearer token VIGIL_TOKEN. Answers are checked before use: the CLI trusts no input either.
 */
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
      if (response.status >= 400) {
        const error = response.data as {
          code?: string;
          message?: string;
          details?: { path: string; message: string }[];
        };
        const details = error.details?.map((d) => `\n  ${d.path}: ${d.message}`).join('') ?? '';
        throw new ClientError(
          `${method.toUpperCase()} ${path}: ${response.status} ${error.code ?? ''} ${error.message ?? ''}${details}`,
          response.status,
          error.code,
        );
      }
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
  };
}
