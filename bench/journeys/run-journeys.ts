/**
 * Journey benchmark (issue 4): checkout journeys (three steps) against a demo shop in its own
 * process, on this machine.
 * - Vigil's runner (one reused browser, a fresh context per journey, traffic guard, tracing
 *   started and discarded as for every passing journey) at concurrency 1 and 2: journeys/minute.
 * - Beside it, in the same run: a bare Playwright script doing the same steps with a fresh browser
 *   each time, and one reusing a browser with a fresh context (no guard, no tracing), so the
 *   runner's own overhead shows.
 * - Memory: PSS of the whole process tree (Node + Chromium) with K journeys parked mid-way, minus
 *   that with none, per journey.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright';
import { pino } from 'pino';
import { CHROMIUM_FLAGS, DEFAULT_CHROMIUM_PATH } from '../../src/journeys/chromium-launcher.js';
import { loadProbeFile } from '../../src/journeys/load-probe.js';
import { createPlaywrightJourneyRunner } from '../../src/journeys/playwright-journey-runner.js';
import type { Probe } from '../../src/journeys/probe.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { freePort } from '../../src/stack/free-port.js';
import { checkoutSteps, runBareCheckout } from './bare-journey.js';

interface BenchmarkRow {
  readonly label: string;
  readonly journeys: number;
  readonly seconds: number;
  /** CPU seconds of this process and its browsers (not the shop), user + system. */
  readonly cpuSeconds: number;
  readonly failures: number;
}

export interface JourneyBenchmark {
  readonly journeys: number;
  readonly rows: readonly BenchmarkRow[];
  /** Vigil sequential per-journey time ÷ bare fresh-browser per-journey time. */
  readonly overheadRatio: number;
  /** Vigil ÷ bare fresh browser, from journeys run alternately (both see the same machine load). */
  readonly paired: { readonly pairs: number; readonly vigilMs: number; readonly bareMs: number };
  readonly memory: readonly { concurrent: number; pssMiB: number; perJourneyMiB: number }[];
  readonly cpus: number;
}

/** Runs the benchmark; `quick` runs fewer journeys. */
export async function runJourneyBenchmark(options: { quick: boolean }): Promise<JourneyBenchmark> {
  const journeys = options.quick ? 12 : 40;
  const bareJourneys = options.quick ? 6 : 15;
  const shop = await startShopProcess();
  const executablePath = DEFAULT_CHROMIUM_PATH;
  const rows: BenchmarkRow[] = [];
  const cpu = () => treeCpuSeconds(process.pid, shop.process.pid ?? -1);
  try {
    const probe = await loadProbeFile('dist/probes/checkout.js');
    for (const concurrency of [1, 2]) {
      const runner = createPlaywrightJourneyRunner({
        logger: pino({ level: 'warn' }),
        executablePath,
        concurrency,
        artifactStore: createMemoryArtifactStore(),
      });
      try {
        // Warm-up: the browser start is paid once per worker, not per journey.
        await runner.run({ probe, baseUrl: shop.url });
        const started = performance.now();
        const cpuBefore = await cpu();
        const results = await Promise.all(
          Array.from({ length: journeys }, (_, index) =>
            runner.run({
              probe,
              baseUrl: shop.url,
              evidence: { verificationId: 'bench', pathPrefix: `j${index}`, policy: 'sampled' },
            }),
          ),
        );
        rows.push({
          label: `Vigil runner, concurrency ${concurrency} (browser reused, context per journey)`,
          journeys,
          seconds: (performance.now() - started) / 1000,
          cpuSeconds: (await cpu()) - cpuBefore,
          failures: results.filter((result) => result.outcome !== 'pass').length,
        });
      } finally {
        await runner.close();
      }
    }
    rows.push(
      await timeBare('bare Playwright, fresh browser per journey', bareJourneys, cpu, () =>
        runBareCheckout(executablePath, shop.url),
      ),
    );
    const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS], headless: true });
    try {
      rows.push(
        await timeBare('bare Playwright, browser reused, context per journey', journeys, cpu, async () => {
          const context = await browser.newContext();
          try {
            await checkoutSteps(await context.newPage(), shop.url);
          } finally {
            await context.close();
          }
        }),
      );
    } finally {
      await browser.close();
    }
    const paired = await measurePaired(probe, shop.url, executablePath, options.quick ? 6 : 15);
    const memory = await measureMemory(
      probe,
      shop.url,
      executablePath,
      options.quick ? [1, 4] : [1, 2, 4, 8],
    );
    return {
      journeys,
      rows,
      overheadRatio: paired.vigilMs / paired.bareMs,
      paired,
      memory,
      cpus: (await import('node:os')).availableParallelism(),
    };
  } finally {
    shop.process.kill('SIGTERM');
  }
}

/** The figures as a markdown section body for docs/benchmarks.md. */
export function renderJourneyBenchmark(result: JourneyBenchmark): string {
  const lines = [
    `Checkout journeys (3 steps) against a demo shop process, ${result.cpus} cores.`,
    '',
    '| how | journeys | wall s | journeys / min (wall) | ms / journey (wall) | CPU ms / journey | journeys / min that 2 idle cores allow (CPU) | not passed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of result.rows) {
    const cpuMs = (row.cpuSeconds / row.journeys) * 1000;
    // A closing browser leaves its renderers to exit unreaped: their CPU is not counted (reads low).
    const undercounted = row.label.includes('fresh browser');
    const wall = `${row.journeys} | ${row.seconds.toFixed(1)} | ${((row.journeys / row.seconds) * 60).toFixed(0)} | ${((row.seconds / row.journeys) * 1000).toFixed(0)}`;
    const capacity = undercounted ? '—' : ((result.cpus * 60_000) / cpuMs).toFixed(0);
    lines.push(
      `| ${row.label} | ${wall} | ${cpuMs.toFixed(0)}${undercounted ? '\\*' : ''} | ${capacity} | ${row.failures} |`,
    );
  }
  lines.push(
    '',
    `Per-journey time, ${result.paired.pairs} pairs run alternately (one Vigil journey at concurrency 1, one bare fresh-browser journey): Vigil ${result.paired.vigilMs.toFixed(0)} ms, bare ${result.paired.bareMs.toFixed(0)} ms — Vigil ÷ bare **${result.overheadRatio.toFixed(2)}×** (target ≤ 1.3×).`,
    '',
    'CPU is that of this process and its browsers, user + system, browsers that exited included; for the fresh-browser script it misses the renderer processes that outlive their browser by a moment (Chromium does not reap them), so it reads low.',
    '',
    '| journeys parked at once | PSS of Node + Chromium over idle (MiB) | per journey (MiB) |',
    '| ---: | ---: | ---: |',
    ...result.memory.map(
      (row) => `| ${row.concurrent} | ${row.pssMiB.toFixed(0)} | ${row.perJourneyMiB.toFixed(1)} |`,
    ),
  );
  return lines.join('\n');
}

async function timeBare(
  label: string,
  journeys: number,
  cpu: () => Promise<number>,
  journey: () => Promise<void>,
): Promise<BenchmarkRow> {
  await journey();
  let failures = 0;
  const started = performance.now();
  const cpuBefore = await cpu();
  for (let index = 0; index < journeys; index += 1) await journey().catch(() => (failures += 1));
  const seconds = (performance.now() - started) / 1000;
  return { label, journeys, seconds, cpuSeconds: (await cpu()) - cpuBefore, failures };
}

/**
 * CPU seconds used by `pid` and its descendants (except `excluded` and its own), live or already
 * reaped: each process's utime + stime + cutime + cstime from /proc/<pid>/stat, so a browser that
 * exited is counted in its parent's children times. Wall time on a shared 2-core machine varies
 * with whatever else runs; CPU time per journey does much less.
 */
async function treeCpuSeconds(pid: number, excluded: number): Promise<number> {
  const tree = await processTree();
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    if (current === excluded) continue;
    const fields = tree.stats.get(current);
    if (fields !== undefined)
      ticks += [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
    pending.push(...(tree.children.get(current) ?? []));
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Every process's parent and /proc stat fields (after the command name). */
async function processTree(): Promise<{ children: Map<number, number[]>; stats: Map<number, string[]> }> {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    stats.set(Number(entry), fields);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  return { children, stats };
}

/** Mean wall time of Vigil journeys and bare fresh-browser journeys, taken alternately. */
async function measurePaired(
  probe: Probe,
  baseUrl: string,
  executablePath: string,
  pairs: number,
): Promise<{ pairs: number; vigilMs: number; bareMs: number }> {
  const runner = createPlaywrightJourneyRunner({
    logger: pino({ level: 'warn' }),
    executablePath,
    concurrency: 1,
    artifactStore: createMemoryArtifactStore(),
  });
  let vigilMs = 0;
  let bareMs = 0;
  try {
    await runner.run({ probe, baseUrl });
    await runBareCheckout(executablePath, baseUrl);
    for (let pair = 0; pair < pairs; pair += 1) {
      let started = performance.now();
      const result = await runner.run({
        probe,
        baseUrl,
        evidence: { verificationId: 'bench', pathPrefix: `pair-${pair}`, policy: 'sampled' },
      });
      if (result.outcome !== 'pass') throw new Error(`paired journey ${pair} did not pass: ${result.reason}`);
      vigilMs += performance.now() - started;
      started = performance.now();
      await runBareCheckout(executablePath, baseUrl);
      bareMs += performance.now() - started;
    }
  } finally {
    await runner.close();
  }
  return { pairs, vigilMs: vigilMs / pairs, bareMs: bareMs / pairs };
}

/** PSS with `k` journeys parked in their last step, minus PSS with the browser idle. */
async function measureMemory(
  probe: Probe,
  baseUrl: string,
  executablePath: string,
  counts: readonly number[],
): Promise<{ concurrent: number; pssMiB: number; perJourneyMiB: number }[]> {
  const rows: { concurrent: number; pssMiB: number; perJourneyMiB: number }[] = [];
  for (const concurrent of counts) {
    const runner = createPlaywrightJourneyRunner({
      logger: pino({ level: 'warn' }),
      executablePath,
      concurrency: concurrent,
    });
    try {
      await runner.run({ probe, baseUrl });
      await settle();
      const idle = await treePssKiB(process.pid);
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let parked = 0;
      const parking: Probe = {
        ...probe,
        name: 'parked-checkout',
        timeoutMs: 60_000,
        steps: [...probe.steps, 'park'],
        run: async (context) => {
          await probe.run(context);
          await context.step('park', async () => {
            parked += 1;
            await gate;
          });
        },
      };
      const running = Array.from({ length: concurrent }, () => runner.run({ probe: parking, baseUrl }));
      while (parked < concurrent) await new Promise((resolve) => setTimeout(resolve, 50));
      await settle();
      const loaded = await treePssKiB(process.pid);
      release();
      await Promise.all(running);
      const pssMiB = (loaded - idle) / 1024;
      rows.push({ concurrent, pssMiB, perJourneyMiB: pssMiB / concurrent });
    } finally {
      await runner.close();
    }
  }
  return rows;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

/** Sum of PSS (kB) of `pid` and every descendant. */
async function treePssKiB(pid: number): Promise<number> {
  const { children } = await processTree();
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    const rollup = await readFile(`/proc/${current}/smaps_rollup`, 'utf8').catch(() => '');
    total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    pending.push(...(children.get(current) ?? []));
  }
  return total;
}

async function startShopProcess(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/examples/demo-shop/shop-server.js', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const message = JSON.parse(line) as { msg?: string; url?: string };
    if (message.msg === 'demo shop listening' && message.url !== undefined)
      return { url: message.url, process: child };
  }
  throw new Error('the demo shop exited before listening');
}
