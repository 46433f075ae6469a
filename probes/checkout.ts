/**
 * The demo shop's purchase: browse the products, add the lantern to the cart, check out. Fails
 * when the order is not confirmed, even if every page was served with 200 (a broken button).
 */
import type { Page } from 'playwright';
import type { ProbeRun } from '../src/journeys/probe.js';

export const name = 'checkout';
export const description =
  'Browse the products, add one to the cart and check out; the order must be confirmed.';
export const timeoutMs = 20_000;
export const steps = ['browse products', 'add to cart', 'check out'];

/** How long a click may take to show its next page before the step fails. */
const PAGE_WAIT_MS = 5_000;

export const run: ProbeRun = async ({ page, baseUrl, step }) => {
  await step('browse products', async () => {
    await page.goto(`${baseUrl}/products`);
    await expectShown(page, '#product-list li');
  });
  await step('add to cart', async () => {
    await page.click('#add-p1');
    await expectShown(page, '#cart-count');
    const count = (await page.textContent('#cart-count'))?.trim();
    if (count !== '1') throw new Error(`the cart shows ${count ?? 'nothing'} item(s) after adding one`);
  });
  await step('check out', async () => {
    await page.click('#checkout');
    await expectShown(page, '#order-confirmation');
  });
};

/** Waits for `selector`; fails sooner, and saying so, when the shop shows its error page. */
async function expectShown(page: Page, selector: string): Promise<void> {
  const shown = page.locator(`${selector}, #error`).first();
  await shown.waitFor({ timeout: PAGE_WAIT_MS }).catch((error: unknown) => {
    throw new Error(`${selector} did not appear within ${PAGE_WAIT_MS} ms on ${page.url()}`, {
      cause: error,
    });
  });
  if ((await page.locator('#error').count()) > 0)
    throw new Error(
      `the shop answered with its error page (status ${await page.getAttribute('#error', 'data-status')}) on ${page.url()}`,
    );
}
