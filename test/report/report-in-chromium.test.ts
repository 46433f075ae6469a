/**
 * The validation report as a person sees it: rendered from a realistic bundle, written to disk,
 * opened from file:// in real Chromium with JavaScript disabled and no network. The page's
 * screenshot is attached to the test output; `UPDATE_DOCS_SCREENSHOTS=1` also writes it to
 * docs/images/validation-report.png.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, DEFAULT_CHROMIUM_PATH } from '../../src/journeys/chromium-launcher.js';
import { loadReportInput } from '../../src/report/load-report-input.js';
import { renderReport } from '../../src/report/render-report.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import { writeRolledBackBundle } from './rolled-back-bundle.js';

const VIEWPORT = { width: 1280, height: 800 };
const DOCS_SCREENSHOT = 'docs/images/validation-report.png';

let browser: Browser;
let folder: string;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: DEFAULT_CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS],
    headless: true,
  });
  folder = await mkdtemp(join(tmpdir(), 'vigil-report-'));
});

afterAll(async () => {
  await browser?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

/** A real screenshot of a broken checkout page, taken by Chromium as a journey would. */
async function brokenCheckoutScreenshot(): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  try {
    await page.setContent(
      `<body style="font:16px sans-serif;margin:32px"><h1>Demo shop · Checkout</h1>
       <p>2 items · €41.80</p><button style="font-size:16px;padding:8px 20px">Place order</button>
       <p style="color:#b42318;font-weight:600;margin-top:24px">Something went wrong (500). Please try again.</p></body>`,
    );
    return await page.screenshot({ type: 'png' });
  } finally {
    await page.close();
  }
}

describe('validation report in Chromium', () => {
  it('reads the verdict in the first screen, draws every chart and screenshot, and fetches nothing', async ({
    annotate,
  }) => {
    const store = createMemoryArtifactStore();
    const bundle = await writeRolledBackBundle(store, { screenshot: await brokenCheckoutScreenshot() });
    const input = await loadReportInput(store, bundle.deploymentId, {
      verification: bundle.verification,
      generatedAt: '2025-06-02T11:00:00.000Z',
      dependents: ['storefront', 'mobile-api'],
    });
    const reportPath = join(folder, 'report.html');
    await writeFile(reportPath, renderReport(input));

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT });
    const leftThePage: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      leftThePage.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) leftThePage.push(url);
    });
    try {
      await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });

      const banner = page.locator('header.banner h1');
      await expect.poll(() => banner.textContent()).toBe('ROLLBACK');
      expect(await banner.isVisible()).toBe(true);
      const box = await banner.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThanOrEqual(VIEWPORT.height);
      const why = await page.locator('section.why .headline').boundingBox();
      expect((why?.y ?? Infinity) + (why?.height ?? 0)).toBeLessThanOrEqual(VIEWPORT.height);

      const cards = page.locator('article.khi');
      expect(await cards.count()).toBe(input.khis.length);
      for (const card of await cards.all()) {
        const name = await card.locator('h3').textContent();
        const chart = card.locator('svg.chart');
        expect(await chart.count(), `chart of ${name}`).toBe(1);
        const chartBox = await chart.boundingBox();
        expect(chartBox?.width ?? 0, `chart of ${name}`).toBeGreaterThan(300);
        expect(chartBox?.height ?? 0, `chart of ${name}`).toBeGreaterThan(100);
        const drawn = await card.locator('path.series, circle.point, rect.point').all();
        expect(drawn.length, `marks of ${name}`).toBeGreaterThan(0);
        for (const mark of drawn) {
          const markBox = await mark.boundingBox();
          expect((markBox?.width ?? 0) + (markBox?.height ?? 0), `mark of ${name}`).toBeGreaterThan(0);
        }
      }

      const screenshot = page.locator('article.run img').first();
      expect(await screenshot.isVisible()).toBe(true);
      // The project compiles without the DOM library: the image is typed by what is read of it.
      const naturalWidth = await screenshot.evaluate(
        (image) => (image as unknown as { naturalWidth: number }).naturalWidth,
      );
      expect(naturalWidth).toBeGreaterThan(0);

      expect(leftThePage).toEqual([]);

      const picture = await page.screenshot({ fullPage: true, type: 'png' });
      await annotate('the validation report as Chromium renders it (JavaScript off, from file://)', {
        body: picture.toString('base64'),
        contentType: 'image/png',
      });
      if (process.env['UPDATE_DOCS_SCREENSHOTS'] === '1') {
        await mkdir('docs/images', { recursive: true });
        await writeFile(DOCS_SCREENSHOT, picture);
      }
    } finally {
      await context.close();
    }
  });
});
