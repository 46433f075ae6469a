/**
 * One Chromium per worker process, started on first use and reused by every journey (each gets
 * its own context). Debian's Chromium through Playwright: `npx playwright install` cannot
 * download a browser where Vigil runs. If the browser crashes or is killed, the next `acquire`
 * starts a new one.
 */
import { chromium, type Browser } from 'playwright';
import type { Logger } from 'pino';

/** Where Debian's `chromium` package installs the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The features Playwright 1.65 disables (playwright-core's `chromiumSwitches`). Chromium honours
 * only the last `--disable-features` on its command line and Playwright puts ours after its own,
 * so ours must repeat these; a test fails, naming the feature, when an upgrade adds one.
 */
export const PLAYWRIGHT_DISABLED_FEATURES: readonly string[] = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Headless Chromium 156 is the full browser: it preloads the omnibox popup's WebUI in renderers
 * of its own and updates them on every navigation. No journey has an address bar to type in, and
 * those renderers were ~40% of a checkout journey's CPU (docs/benchmarks.md).
 */
const JOURNEY_DISABLED_FEATURES: readonly string[] = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * Flags that work on a closed network: without the background-networking ones Chromium keeps
 * trying to reach Google's services (refused connections, failed lookups) at every start.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...JOURNEY_DISABLED_FEATURES].join(',')}`,
];

export interface ChromiumLauncher {
  /** The running browser, started (again) when there is none or it disconnected. */
  acquire(): Promise<Browser>;
  /** Closes `browser` if it is the current one, so the next `acquire` starts a fresh one. */
  discard(browser: Browser): Promise<void>;
  /** Browsers started so far. */
  readonly launches: number;
  close(): Promise<void>;
}

export interface ChromiumLauncherOptions {
  readonly executablePath: string;
  readonly launchTimeoutMs: number;
  /** Bound on closing a browser; past it the browser is left to Playwright's exit handler. */
  readonly closeTimeoutMs: number;
  readonly logger: Logger;
}

/** Creates a launcher; nothing starts until the first `acquire`. */
export function createChromiumLauncher(options: ChromiumLauncherOptions): ChromiumLauncher {
  let current: Promise<Browser> | undefined;
  let launches = 0;
  let closed = false;
  const launch = async (): Promise<Browser> => {
    const started = performance.now();
    const browser = await chromium.launch({
      executablePath: options.executablePath,
      args: [...CHROMIUM_FLAGS],
      headless: true,
      timeout: options.launchTimeoutMs,
      // Stop signals are the daemon's to handle; it closes the launcher on its way out.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    launches += 1;
    options.logger.info(
      {
        executablePath: options.executablePath,
        version: browser.version(),
        launchMs: Math.round(performance.now() - started),
      },
      'chromium started',
    );
    browser.on('disconnected', () => {
      if (!closed)
        options.logger.warn(
          { executablePath: options.executablePath },
          'chromium disconnected; starting a new one on next use',
        );
    });
    return browser;
  };
  const close = async (browser: Browser): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), options.closeTimeoutMs);
    });
    const result = await Promise.race([browser.close().then(() => 'closed' as const), timedOut]).catch(
      (error: unknown) => {
        options.logger.warn({ err: error }, 'chromium close failed');
        return 'failed' as const;
      },
    );
    clearTimeout(timer);
    if (result === 'timed out')
      options.logger.warn({ closeTimeoutMs: options.closeTimeoutMs }, 'chromium did not close in time');
  };
  const acquire = async (): Promise<Browser> => {
    if (closed) throw new Error('the Chromium launcher is closed');
    const seen = current;
    if (seen !== undefined) {
      const browser = await seen.catch(() => undefined);
      if (browser?.isConnected() === true) return browser;
      // Another journey noticed first and is starting a new browser: share that one.
      if (current !== seen) return acquire();
    }
    const launching = launch();
    current = launching;
    return launching;
  };
  return {
    acquire,
    async discard(browser) {
      if (current !== undefined && (await current.catch(() => undefined)) === browser) current = undefined;
      await close(browser);
    },
    get launches() {
      return launches;
    },
    async close() {
      closed = true;
      const browser = current === undefined ? undefined : await current.catch(() => undefined);
      current = undefined;
      if (browser !== undefined) await close(browser);
    },
  };
}
