/**
 * The baseline the runner is measured against: the same three steps as probes/checkout.ts in a
 * plain Playwright script, the way one would write it without Vigil — a fresh browser per journey.
 */
import { chromium, type Page } from 'playwright';
import { CHROMIUM_FLAGS } from '../../src/journeys/chromium-launcher.js';

/** One checkout journey in a browser of its own; resolves when the order is confirmed. */
export async function runBareCheckout(executablePath: string, baseUrl: string): Promise<void> {
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS], headless: true });
  try {
    const page = await browser.newPage();
    await checkoutSteps(page, baseUrl);
  } finally {
    await browser.close();
  }
}

/** The three steps, as the probe does them (without its error-page checks). */
export async function checkoutSteps(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/products`);
  await page.locator('#product-list li').first().waitFor();
  await page.click('#add-p1');
  await page.locator('#cart-count').waitFor();
  await page.click('#checkout');
  await page.locator('#order-confirmation').waitFor();
}
