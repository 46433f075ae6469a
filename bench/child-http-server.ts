/**
 * For benchmark child processes that are a plain `node:http` server: listens on a free
 * 127.0.0.1 port, reports `{ url }` over IPC (what `forkServer` in daemon/child-server.ts waits
 * for), and closes and exits on the message `stop`.
 */
import type { Server } from 'node:http';

export function serveAsBenchmarkChild(server: Server): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.send?.({ url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (message) => {
    if (message !== 'stop') return;
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
