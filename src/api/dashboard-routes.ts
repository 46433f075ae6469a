/**
 * The built-in dashboard: plain HTML, ES modules and CSS from `dashboards/web/`, and uPlot from
 * node_modules, served as they are (no bundler, no build server). The shell and assets hold no
 * data, so they are public; every piece of data comes from the API with the reader's bearer token.
 * Served with a strict Content-Security-Policy: scripts only from this origin, no inline script.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './api-errors.js';

/** Images may be data: URLs (screenshots fetched with the token); a report opens in a sandboxed srcdoc frame. */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface DashboardOptions {
  /** False turns the dashboard off (404). Default: on. */
  readonly enabled?: boolean;
  /** Folder of the dashboard's sources; default: `dashboards/web` of the package. */
  readonly webDir?: string;
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};
/** Asset paths served: lowercase names, folders, one of the known extensions; nothing else is looked up. */
const ASSET_PATH = /^(?:[a-z0-9][a-z0-9-]*\/)*[a-z0-9][a-z0-9.-]*\.(?:html|js|css|svg)$/;

/** The package's root: the nearest folder above this module holding package.json (src/ or dist/src/). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${from}`);
    folder = parent;
  }
  return folder;
}

/** Registers GET /dashboard, /dashboard/ and /dashboard/* (uPlot under /dashboard/vendor/). */
export function registerDashboardRoutes(instance: FastifyInstance, options: DashboardOptions = {}): void {
  if (options.enabled === false) return;
  const webDir = resolve(options.webDir ?? join(packageRoot(), 'dashboards', 'web'));
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const vendor: Readonly<Record<string, string>> = {
    'vendor/uPlot.esm.js': join(uplotDir, 'uPlot.esm.js'),
    'vendor/uPlot.min.css': join(uplotDir, 'uPlot.min.css'),
  };

  const send = async (reply: FastifyReply, file: string, type: string) => {
    const body = await readFile(file).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') throw notFound(file);
      throw error;
    });
    return reply
      .type(type)
      .header('content-security-policy', DASHBOARD_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(body);
  };
  const hidden = { schema: { hide: true } };

  // Relative, so the dashboard also works behind a proxy that mounts the daemon under a path.
  instance.get('/dashboard', hidden, (_request, reply) => reply.redirect('dashboard/', 302));
  instance.get('/dashboard/', hidden, (_request, reply) =>
    send(reply, join(webDir, 'index.html'), TYPES['html']!),
  );
  instance.get('/dashboard/*', hidden, (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const vendored = vendor[path];
    if (vendored !== undefined)
      return send(reply, vendored, path.endsWith('.css') ? TYPES['css']! : TYPES['js']!);
    if (!ASSET_PATH.test(path)) throw notFound(path);
    const file = resolve(webDir, path);
    if (!file.startsWith(webDir + sep)) throw notFound(path);
    return send(reply, file, TYPES[path.slice(path.lastIndexOf('.') + 1)]!);
  });
}

function notFound(path: string): ApiError {
  return new ApiError('ROUTE_NOT_FOUND', `no dashboard file ${path.split(sep).pop() ?? path}`);
}
