// Talking to the quotaplan API. Mutations carry the token in the Authorization header (never a cookie), so
// another site cannot make the browser send it: the CSRF defence the server also checks.

const TOKEN_KEY = 'quotaplan.token';
const CLUSTER_KEY = 'quotaplan.cluster';

/** The cluster the pages show when the database holds several (empty: the server picks the only one). */
export function getCluster() {
  return sessionStorage.getItem(CLUSTER_KEY) ?? '';
}

export function setCluster(name) {
  if (name) sessionStorage.setItem(CLUSTER_KEY, name);
  else sessionStorage.removeItem(CLUSTER_KEY);
}

function withCluster(path) {
  const cluster = getCluster();
  if (!cluster || !path.startsWith('/api/') || path.startsWith('/api/meta')) return path;
  const url = new URL(path, location.origin);
  if (!url.searchParams.has('cluster')) url.searchParams.set('cluster', cluster);
  return `${url.pathname}${url.search}`;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An error response: `status`, the server's message and the field it names. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.field = body?.field ?? null;
  }
}

async function parse(response) {
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof body === 'object' ? body : { error: body });
  return body;
}

/** GET; the token goes along when set (a server beyond loopback needs it for reading too). */
export async function getJson(path) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return parse(await fetch(withCluster(path), { headers }));
}

export async function getText(path) {
  return parse(await fetch(path));
}

/** POST a JSON body; `auth` adds the bearer token when one is set. */
export async function postJson(path, body, { auth = false } = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = getToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  const cluster = getCluster();
  const payload = cluster && body && typeof body === 'object' && !('cluster' in body) ? { ...body, cluster } : body;
  return parse(await fetch(path, { method: 'POST', headers, body: JSON.stringify(payload) }));
}
