/**
 * Child-process entry: the reference for the verdict-endpoint benchmark. A bare `node:http`
 * server answering every request with the fixed JSON body in `VIGIL_BENCH_BODY`, on a free
 * 127.0.0.1 port; reports `{ url }` over IPC and exits on the message `stop`.
 */
import { createServer } from 'node:http';
import { serveAsBenchmarkChild } from '../child-http-server.js';

const body = Buffer.from(process.env['VIGIL_BENCH_BODY'] ?? '{}', 'utf8');
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
});
serveAsBenchmarkChild(server);
