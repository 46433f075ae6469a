/**
 * The demo shop's HTML pages: plain markup with stable ids (`#product-list`, `#add-<id>`,
 * `#cart-count`, `#checkout`, `#order-confirmation`, `#error`, `#login-form`, `#welcome-user`) for
 * the journeys that drive it.
 */

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'p1', name: 'Lantern', priceCents: 2400 },
  { id: 'p2', name: 'Compass', priceCents: 1800 },
  { id: 'p3', name: 'Field notebook', priceCents: 650 },
  { id: 'p4', name: 'Thermos', priceCents: 2900 },
];

interface PageSettings {
  readonly version: string;
  readonly track: string;
  /** The checkout fault: the cart page's checkout button runs a script that throws. */
  readonly brokenCheckout?: boolean;
}

/** The landing page. */
export function renderHomePage(settings: PageSettings): string {
  return layout(
    settings,
    'Demo shop',
    `<p id="welcome">Welcome to the demo shop.</p>
<p><a id="browse" href="/products">Browse products</a> · <a id="view-cart" href="/cart">Cart</a> · <a id="sign-in" href="/login">Sign in</a></p>`,
  );
}

/** The product list; each product has an "add to cart" form posting to `/cart`. */
export function renderProductsPage(settings: PageSettings): string {
  const items = PRODUCTS.map(
    (
      p,
    ) => `<li id="product-${p.id}"><span class="name">${escapeHtml(p.name)}</span> <span class="price">${formatPrice(p.priceCents)}</span>
<form method="post" action="/cart"><input type="hidden" name="productId" value="${p.id}"><button id="add-${p.id}" type="submit">Add to cart</button></form></li>`,
  ).join('\n');
  return layout(
    settings,
    'Products',
    `<ul id="product-list">\n${items}\n</ul>\n<p><a id="view-cart" href="/cart">Cart</a></p>`,
  );
}

/** The cart, with a checkout form posting to `/checkout`. */
export function renderCartPage(settings: PageSettings, productIds: readonly string[]): string {
  const lines = productIds
    .map((id) => `<li>${escapeHtml(PRODUCTS.find((p) => p.id === id)?.name ?? id)}</li>`)
    .join('\n');
  return layout(
    settings,
    'Cart',
    `<p>Items: <span id="cart-count">${productIds.length}</span></p>
<ul id="cart-items">${lines}</ul>
<form id="checkout-form" method="post" action="/checkout"><button id="checkout" type="submit">Check out</button></form>
<p><a id="browse" href="/products">Continue shopping</a></p>${settings.brokenCheckout === true ? BROKEN_CHECKOUT_SCRIPT : ''}`,
  );
}

// The fault a metric cannot see: the page is served with 200 like any other, but the submit
// handler cancels the form and then calls a function that does not exist, so no order is posted.
const BROKEN_CHECKOUT_SCRIPT = `
<script>
document.getElementById('checkout-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submitOrderWithNewPaymentFlow(event.target);
});
</script>`;

/** The sign-in form posting to `/login`; `failed` shows why the last attempt was refused. */
export function renderLoginPage(settings: PageSettings, failed: boolean): string {
  return layout(
    settings,
    'Sign in',
    `${failed ? '<p id="login-error">Unknown user name or wrong password.</p>\n' : ''}<form id="login-form" method="post" action="/login">
<label>User name <input id="username" name="username" autocomplete="username"></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
<button id="login-submit" type="submit">Sign in</button>
</form>`,
  );
}

/** The signed-in user's account page. */
export function renderAccountPage(settings: PageSettings, username: string): string {
  return layout(
    settings,
    'Your account',
    `<p>Signed in as <span id="welcome-user">${escapeHtml(username)}</span>.</p>
<p><a id="browse" href="/products">Browse products</a> · <a id="view-cart" href="/cart">Cart</a></p>`,
  );
}

/** The order confirmation after `/checkout`. */
export function renderOrderPage(settings: PageSettings, productIds: readonly string[]): string {
  const totalCents = productIds.reduce(
    (sum, id) => sum + (PRODUCTS.find((p) => p.id === id)?.priceCents ?? 0),
    0,
  );
  return layout(
    settings,
    'Order placed',
    `<p id="order-confirmation">Thank you! Your order of <span id="order-items">${productIds.length}</span> item(s) totalling <span id="order-total">${formatPrice(totalCents)}</span> is on its way.</p>
<p><a id="home" href="/">Home</a></p>`,
  );
}

/** An error page (`#error` holds the status code). */
export function renderErrorPage(settings: PageSettings, status: number, message: string): string {
  return layout(
    settings,
    `Error ${status}`,
    `<p id="error" data-status="${status}">${escapeHtml(message)}</p><p><a id="home" href="/">Home</a></p>`,
  );
}

function layout(settings: PageSettings, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · demo shop</title></head>
<body><header><h1 id="title">${escapeHtml(title)}</h1><small id="version" data-track="${escapeHtml(settings.track)}">${escapeHtml(settings.version)} (${escapeHtml(settings.track)})</small></header>
<main>
${body}
</main></body></html>
`;
}

function formatPrice(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
