/**
 * The dashboard's shell: sign-in, hash routing, and the page lifecycle. `main[data-state]` says
 * whether the page is loading, ready or failed.
 */
import { AuthError, clearToken, setToken, token } from './api.js';
import { h, replace } from './dom.js';
import { showCorrelation } from './pages/correlation.js';
import { showDeployment, showReport } from './pages/deployment.js';
import { showService } from './pages/service.js';
import { showTimeline } from './pages/timeline.js';

const main = document.getElementById('main');
const signOut = document.getElementById('sign-out');

/** [pattern on the hash's path, page, name]: the first match wins. */
const ROUTES = [
  [/^\/?$/, showTimeline, 'timeline'],
  [/^\/deployments\/([^/]+)\/report$/, showReport, 'report'],
  [/^\/deployments\/([^/]+)$/, showDeployment, 'deployment'],
  [/^\/services\/([^/]+)$/, showService, 'service'],
  [/^\/correlate$/, showCorrelation, 'correlation'],
];

function showSignIn(message) {
  signOut.hidden = true;
  main.dataset.page = 'sign-in';
  main.dataset.state = 'ready';
  const input = h('input', {
    type: 'password',
    name: 'token',
    id: 'token',
    autocomplete: 'off',
    required: true,
  });
  replace(
    main,
    h(
      'form',
      {
        id: 'sign-in',
        className: 'card sign-in',
        onsubmit: (event) => {
          event.preventDefault();
          setToken(input.value.trim());
          void route();
        },
      },
      h('h1', {}, 'Sign in'),
      h('p', {}, 'A token with the verdicts:read scope. It is kept in this tab only (sessionStorage).'),
      h('label', { for: 'token' }, 'Read token'),
      input,
      h('button', { type: 'submit' }, 'Sign in'),
      message === undefined
        ? null
        : h('p', { className: 'error', role: 'alert', id: 'sign-in-error' }, message),
    ),
  );
  input.focus();
}

async function route() {
  if (!token()) return showSignIn();
  signOut.hidden = false;
  const [path, queryText = ''] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(queryText);
  const [pattern, page, name] = ROUTES.find(([candidate]) => candidate.test(path)) ?? ROUTES[0];
  const parameters = (pattern.exec(path) ?? []).slice(1).map(decodeURIComponent);
  main.dataset.page = name;
  main.dataset.state = 'loading';
  replace(main, h('p', {}, 'Loading…'));
  try {
    await page(main, parameters, query);
    main.dataset.state = 'ready';
  } catch (error) {
    if (error instanceof AuthError) {
      clearToken();
      return showSignIn(error.message);
    }
    main.dataset.state = 'error';
    main.append(
      h('p', { className: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
    );
  }
}

/** Sets the hash's query (filters) and routes again. */
export function navigate(path, query = {}) {
  const search = new URLSearchParams(
    Object.entries(query).filter(([, value]) => value !== '' && value !== undefined),
  );
  const text = search.toString();
  location.hash = `#${path}${text === '' ? '' : `?${text}`}`;
}

signOut.addEventListener('click', () => {
  clearToken();
  showSignIn();
});
window.addEventListener('hashchange', () => void route());
void route();
