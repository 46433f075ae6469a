/**
 * Keeps a journey's browser context to its allowed hosts: every request (navigations, sub-resources,
 * fetch/XHR, workers, popups) and every WebSocket is checked before it leaves the browser, and
 * refused if its host is not allowed. Chromium follows a redirect without asking the route again,
 * so a redirect to another host is caught as it happens and reported as blocked too (that one
 * request has then gone out; the journey still ends as an `error`).
 */
import type { BrowserContext } from 'playwright';
import { blockedHostOf } from './allowed-hosts.js';

/** Installs the guard; `onBlocked(host)` is called for each refused (or escaped) request. */
export async function guardBrowserTraffic(
  context: BrowserContext,
  allowedHosts: ReadonlySet<string>,
  onBlocked: (host: string) => void,
): Promise<void> {
  await context.route('**/*', (route) => {
    const host = blockedHostOf(route.request().url(), allowedHosts);
    if (host === undefined) return route.fallback();
    onBlocked(host);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(
    () => true,
    (socket) => {
      const host = blockedHostOf(socket.url(), allowedHosts);
      if (host === undefined) {
        socket.connectToServer();
        return;
      }
      onBlocked(host);
      return socket.close({ code: 1008, reason: 'host not allowed' });
    },
  );
  context.on('request', (request) => {
    if (request.redirectedFrom() === null) return;
    const host = blockedHostOf(request.url(), allowedHosts);
    if (host !== undefined) onBlocked(host);
  });
}
