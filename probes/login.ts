/**
 * The demo shop's sign-in: open the sign-in page, sign in as the demo user, and stay signed in on
 * the next page (the session cookie works).
 */
import type { Page } from 'playwright';
import type { ProbeRun } from '../src/journeys/probe.js';

export const name = 'login';
export const description = 'Sign in as the demo user and stay signed in on the account page.';
export const timeoutMs = 15_000;
export const steps = ['open sign-in page', 'sign in', 'stay signed in'];

const PAGE_WAIT_MS = 5_000;

export const run: ProbeRun = async ({ page, baseUrl, step }) => {
  await step('open sign-in page', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.locator('#login-form').waitFor({ timeout: PAGE_WAIT_MS });
  });
  await step('sign in', async () => {
    await page.fill('#username', 'demo');
    await page.fill('#password', 'demo');
    await page.click('#login-submit');
    await expectSignedInAs(page, 'demo');
  });
  await step('stay signed in', async () => {
    await page.goto(`${baseUrl}/account`);
    await expectSignedInAs(page, 'demo');
  });
};

async function expectSignedInAs(page: Page, user: string): Promise<void> {
  // Not `#login-form`: the page being left still shows it until the answer arrives.
  const welcome = page.locator('#welcome-user, #login-error, #error').first();
  await welcome.waitFor({ timeout: PAGE_WAIT_MS });
  const welcomeUser = page.locator('#welcome-user');
  const shown = (await welcomeUser.count()) > 0 ? await welcomeUser.textContent() : null;
  if (shown?.trim() !== user)
    throw new Error(
      `expected to be signed in as ${user} on ${page.url()}, but the page shows no signed-in user`,
    );
}
