/**
 * Child-process entry for the daemon benchmarks: starts the daemon with the settings document in
 * `VIGIL_BENCH_SETTINGS` (JSON), reports `{ url }` over IPC, and closes on the message `stop`.
 * Run in its own process so its CPU time and RSS can be read from /proc without the load
 * generator, the demo shops or wrk in the figures. The messages `profile-start` and
 * `{ profileStop: file }` run V8's CPU profiler (what `node --cpu-prof` uses) over just the
 * measured window, so start-up is not in the profile; `{ profiled: file }` answers.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { resolveSettings } from '../../src/config/load-settings.js';
import { startDaemon } from '../../src/main.js';

const document = JSON.parse(process.env['VIGIL_BENCH_SETTINGS'] ?? '{}') as Record<string, unknown>;
const settings = resolveSettings(document, {});
// The daemon's own logger (createLogger) at the configured level, as in production.
const daemon = await startDaemon(settings, { environment: {} });
const session = new Session();
process.send?.({ url: daemon.url });
process.on('message', (message: unknown) => {
  if (message === 'stop') {
    void daemon.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('daemon close failed', error);
        process.exit(1);
      },
    );
  } else if (message === 'profile-start') {
    void startProfiler().then(() => process.send?.({ profiling: true }));
  } else if (typeof message === 'object' && message !== null && 'profileStop' in message) {
    const file = String(message.profileStop);
    void stopProfiler(file).then(() => process.send?.({ profiled: file }));
  }
});

async function startProfiler(): Promise<void> {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
}

async function stopProfiler(file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  session.disconnect();
}
