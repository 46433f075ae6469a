/** The demo shop's pages for journeys: sign-in with a session cookie, and the silent checkout fault. */
import { afterEach, describe, expect, it } from 'vitest';
import { startShop, validateShopOptions, type RunningShop } from '../../examples/demo-shop/shop.js';

const shops: RunningShop[] = [];
afterEach(async () => {
  await Promise.all(shops.splice(0).map((shop) => shop.stop()));
});

async function shop(brokenCheckout = false): Promise<RunningShop> {
  const started = await startShop({ version: 'v1', track: 'baseline', brokenCheckout });
  shops.push(started);
  return started;
}

function signIn(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

describe('demo shop sign-in', () => {
  it('signs the demo user in with a session cookie that the account page accepts', async () => {
    const { url } = await shop();
    const answer = await signIn(url, 'demo', 'demo');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('<span id="welcome-user">demo</span>');
    const session = answer.headers.getSetCookie().find((cookie) => cookie.startsWith('session='));
    expect(session).toMatch(/^session=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    const account = await fetch(`${url}/account`, { headers: { cookie: session?.split(';')[0] ?? '' } });
    expect(account.status).toBe(200);
    expect(await account.text()).toContain('id="welcome-user"');
  });

  it('refuses a wrong password with 401 and the form again, and an account page without a session', async () => {
    const started = await shop();
    const { url } = started;
    const refused = await signIn(url, 'demo', 'guess');
    expect(refused.status).toBe(401);
    const page = await refused.text();
    expect(page).toContain('id="login-error"');
    expect(page).toContain('id="login-form"');
    expect(refused.headers.getSetCookie().some((cookie) => cookie.startsWith('session='))).toBe(false);
    expect((await fetch(`${url}/account`)).status).toBe(401);
    expect(started.counts()['/login']).toEqual({ '401': 1 });
  });
});

describe('demo shop broken checkout', () => {
  it('serves the cart with 200 and a submit handler that throws, only when the fault is on', async () => {
    const healthy = await (await fetch(`${(await shop()).url}/cart`)).text();
    const broken = await fetch(`${(await shop(true)).url}/cart`);
    expect(broken.status).toBe(200);
    const page = await broken.text();
    expect(page).toContain('<form id="checkout-form" method="post" action="/checkout">');
    expect(page).toContain('submitOrderWithNewPaymentFlow(event.target);');
    expect(healthy).not.toContain('<script>');
  });

  it('rejects a non-boolean fault flag', () => {
    expect(() =>
      validateShopOptions({ version: 'v1', track: 'canary', brokenCheckout: 'yes' as unknown as boolean }),
    ).toThrow('brokenCheckout must be true or false, got yes');
  });
});
