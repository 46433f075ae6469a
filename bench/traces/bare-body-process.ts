/**
 * Child-process entry, the OTLP ingest benchmark's reference: a bare `node:http` server that reads
 * each request body to its end and answers 200 with an empty body (an empty protobuf
 * ExportTraceServiceResponse is zero bytes). Reports `{ url }` over IPC, exits on `stop`.
 */
import { createServer } from 'node:http';
import { serveAsBenchmarkChild } from '../child-http-server.js';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    Buffer.concat(chunks);
    response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    response.end();
  });
});
serveAsBenchmarkChild(server);
