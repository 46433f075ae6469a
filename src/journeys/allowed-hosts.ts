/**
 * Which hosts a journey's browser may reach: by default only those of the canary's and the
 * baseline's URLs, so a probe (or a page it opens) cannot be used to reach anything else from
 * where Vigil runs. A host is `hostname:port`, with the scheme's default port filled in.
 */

/** `hostname:port` of an http(s) or ws(s) URL; undefined for other schemes. */
export function hostOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const defaultPort = DEFAULT_PORTS[parsed.protocol];
  if (defaultPort === undefined) return undefined;
  return `${parsed.hostname}:${parsed.port === '' ? defaultPort : parsed.port}`;
}

/** The allowed hosts for these URLs (the journey's base URL and any extra origins). */
export function allowedHostsFor(urls: readonly string[]): ReadonlySet<string> {
  const hosts = new Set<string>();
  for (const url of urls) {
    const host = hostOf(url);
    if (host === undefined)
      throw new TypeError(`allowed origin ${JSON.stringify(url)} is not an http(s) URL`);
    hosts.add(host);
  }
  return hosts;
}

/**
 * The host a request must not reach, or undefined when it may go ahead. Schemes that never leave
 * the browser (`data:`, `blob:`, `about:`) are allowed; any other non-network scheme is refused
 * (named by its scheme).
 */
export function blockedHostOf(url: string, allowed: ReadonlySet<string>): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'data' || scheme === 'blob' || scheme === 'about') return undefined;
  const host = hostOf(url);
  if (host === undefined) return `${scheme ?? 'unknown'}:`;
  return allowed.has(host) ? undefined : host;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  'http:': '80',
  'https:': '443',
  'ws:': '80',
  'wss:': '443',
};
