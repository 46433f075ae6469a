/**
 * Child-process entry, a diagnostic for the verdict-endpoint benchmark: a minimal Fastify app
 * (no hooks, no logger, no auth) answering one route with the fixed JSON body in
 * `VIGIL_BENCH_BODY`. It shows how close to the bare `node:http` server any Fastify route can get
 * on this machine, which bounds what the verdict route can reach. Reports `{ url }` over IPC and
 * exits on the message `stop`.
 */
import Fastify from 'fastify';

const body = Buffer.from(process.env['VIGIL_BENCH_BODY'] ?? '{}', 'utf8');
const app = Fastify({ logger: false });
app.get('/v1/deployments/:id/verdict', (_request, reply) => {
  void reply.type('application/json; charset=utf-8').send(body);
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ url });
process.on('message', (message) => {
  if (message === 'stop') void app.close().then(() => process.exit(0));
});
