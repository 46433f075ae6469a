/**
 * An axios instance whose answers come from recorded Prometheus fixtures (no socket), and the
 * KHIs of the default rule set, for the Prometheus adapter's unit tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { KhiRule } from '../../../src/analysis/rule-set.js';
import { loadRuleSetFile } from '../../../src/config/load-rule-set.js';

export interface RecordedAnswer {
  readonly httpStatus: number;
  readonly body: unknown;
}

/** A recorded answer from `fixtures/<name>.json`. */
export function recorded(name: string): RecordedAnswer {
  const fixture = JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'),
  ) as RecordedAnswer;
  return { httpStatus: fixture.httpStatus, body: fixture.body };
}

export type FakeAnswer =
  | RecordedAnswer
  | { readonly transportError: 'ECONNREFUSED' | 'ECONNABORTED' }
  | { readonly httpStatus: number; readonly text: string };

export interface FakeRequest {
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
}

/** An axios instance answering each request with `answer(request, index)`; records the requests. */
export function fakePrometheusHttp(answer: (request: FakeRequest, index: number) => FakeAnswer): {
  http: AxiosInstance;
  requests: FakeRequest[];
} {
  const requests: FakeRequest[] = [];
  const http = axios.create({
    adapter: (config: InternalAxiosRequestConfig) => {
      const request: FakeRequest = {
        url: config.url ?? '',
        params: Object.fromEntries(new URLSearchParams(typeof config.data === 'string' ? config.data : '')),
      };
      requests.push(request);
      const reply = answer(request, requests.length - 1);
      if ('transportError' in reply) {
        return Promise.reject(new AxiosError(`fake ${reply.transportError}`, reply.transportError, config));
      }
      const data = 'text' in reply ? reply.text : JSON.stringify(reply.body);
      return Promise.resolve({
        data,
        status: reply.httpStatus,
        statusText: String(reply.httpStatus),
        headers: {},
        config,
      });
    },
  });
  return { http, requests };
}

/** The KHIs of rules/web-service.yaml by name: error-rate (ratio), latency (distribution), cpu (gauge). */
export async function webServiceKhis(): Promise<Record<'error-rate' | 'latency' | 'cpu', KhiRule>> {
  const { ruleSet } = await loadRuleSetFile(join(import.meta.dirname, '../../../rules/web-service.yaml'));
  const byName = (name: string): KhiRule => {
    const khi = ruleSet.khis.find((k) => k.name === name);
    if (khi === undefined) throw new Error(`rules/web-service.yaml has no KHI ${name}`);
    return khi;
  };
  return { 'error-rate': byName('error-rate'), latency: byName('latency'), cpu: byName('cpu') };
}
