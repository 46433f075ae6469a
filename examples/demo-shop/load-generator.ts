/**
 * Sends steady load to demo shops and prints a JSON summary per target.
 *   node dist/examples/demo-shop/load-generator.js --target http://127.0.0.1:8081 \
 *     --target http://127.0.0.1:8082 --rps 50 --seconds 60
 * `--rps` is per target. Loopback targets only. Stops early on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { sendLoad } from './send-load.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true },
      rps: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '60' },
    },
    strict: true,
  });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const summaries = await sendLoad({
    targets: values.target ?? [],
    rps: Number(values.rps),
    seconds: Number(values.seconds),
    signal: controller.signal,
  });
  console.log(JSON.stringify({ msg: 'load finished', targets: summaries }));
}

main().catch((error: unknown) => {
  console.error(`load generator: ${(error as Error).message}`);
  process.exit(2);
});
