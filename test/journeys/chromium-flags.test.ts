/**
 * The flags the launcher gives Debian's Chromium, read back from the running browser: Chromium
 * keeps only the last `--disable-features`, so ours must still carry every feature Playwright
 * disables, and the omnibox WebUI it turns off must really be gone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import {
  createChromiumLauncher,
  DEFAULT_CHROMIUM_PATH,
  type ChromiumLauncher,
} from '../../src/journeys/chromium-launcher.js';

let launcher: ChromiumLauncher;
let browser: Browser;

beforeAll(async () => {
  launcher = createChromiumLauncher({
    executablePath: DEFAULT_CHROMIUM_PATH,
    launchTimeoutMs: 30_000,
    closeTimeoutMs: 5_000,
    logger: pino({ level: 'silent' }),
  });
  browser = await launcher.acquire();
});

afterAll(async () => {
  await launcher?.close();
});

describe('Chromium as the launcher starts it', () => {
  it('gets one effective --disable-features that keeps every feature Playwright disables', () => {
    const commandLines = browserCommandLines();
    expect(commandLines).toHaveLength(1);
    const lists = (commandLines[0] ?? [])
      .filter((arg) => arg.startsWith('--disable-features='))
      .map((arg) => arg.slice('--disable-features='.length).split(','));
    // Playwright's own list, then ours (the last one, the one Chromium applies).
    expect(lists.length).toBeGreaterThanOrEqual(2);
    const effective = new Set(lists.at(-1));
    const dropped = lists.flat().filter((feature) => !effective.has(feature));
    expect(dropped, 'features Playwright disables that our --disable-features would re-enable').toEqual([]);
    expect([...effective]).toContain('WebUIOmniboxPopup');
  });

  it('opens pages without the omnibox popup WebUI renderers', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto('about:blank');
      const session = await browser.newBrowserCDPSession();
      const { targetInfos } = (await session.send('Target.getTargets', { filter: [{}] })) as {
        targetInfos: { type: string; url: string }[];
      };
      await session.detach();
      expect(targetInfos.some((target) => target.type === 'page')).toBe(true);
      expect(targetInfos.filter((target) => target.url.startsWith('chrome://omnibox-popup'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** The command lines of this process's browser children (Playwright talks to them over a pipe). */
function browserCommandLines(): string[][] {
  const children = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((pid) => pid !== '');
  return children
    .map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'))
    .filter((args) => args.includes('--remote-debugging-pipe'));
}
