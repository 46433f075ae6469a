/**
 * Calls to the Vigil API with the reader's token. The token lives in sessionStorage (this tab
 * only, gone when it closes) and goes out only as `Authorization: Bearer`. A 401 or 403 raises
 * AuthError, which sends the user back to the sign-in form with the server's message.
 */
const TOKEN_KEY = 'vigil.readToken';

export class AuthError extends Error {}
export class NotFoundError extends Error {}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The API URL of `path` (`/v1/...`): relative to the dashboard, so a path prefix in front of the daemon works. */
export function apiUrl(path, query = {}) {
  const url = new URL(`..${path}`, new URL('.', location.href));
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

async function request(path, query) {
  const response = await fetch(apiUrl(path, query), {
    headers: { authorization: `Bearer ${token() ?? ''}` },
    cache: 'no-store',
  });
  if (response.ok) return response;
  const body = await response.json().catch(() => ({}));
  const message = body.message ?? `${response.status} ${response.statusText}`;
  if (response.status === 401 || response.status === 403) throw new AuthError(message);
  if (response.status === 404) throw new NotFoundError(message);
  const details = (body.details ?? []).map((detail) => `${detail.path} ${detail.message}`).join('; ');
  throw new Error(details === '' ? message : `${message}: ${details}`);
}

export async function getJson(path, query) {
  return (await request(path, query)).json();
}
export async function getText(path, query) {
  return (await request(path, query)).text();
}
export async function getBlob(path, query) {
  return (await request(path, query)).blob();
}

/** A bundle file (screenshot) as a data: URL, which the dashboard's CSP lets images show. */
export async function dataUrlOf(path) {
  const blob = await getBlob(path);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(blob);
  });
}

/** Downloads an authenticated file (the evidence bundle) under `filename`. */
export async function download(path, filename) {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
