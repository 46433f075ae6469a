/**
 * Child-process entry: the reference for the verdict-endpoint benchmark. A bare `node:http`
 * server answering every request with the fixed JSON body in `VIGIL_BENCH_BODY`, on a free
 * 127.0.0.1 port; reports `{ url }` over IPC and exits on the message `stop`.
 */
import { createServer } from 'node:http';

const body = Buffer.from(process.env['VIGIL_BENCH_BODY'] ?? '{}', 'utf8');
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
});
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
