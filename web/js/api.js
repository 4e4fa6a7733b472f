// The only way the app talks to the server: JSON under /api/v1.
//
// Cookie sessions need the CSRF token from sign-in on every change; it is
// kept in localStorage so a reload or a second tab can still write. When
// the session has ended (401, or a 403 about the CSRF token) the request
// waits while the app asks the person to sign in again (onSessionLost) and
// is then sent once more, so nothing typed is lost. Refused requests write
// nothing on the server, so sending them again is safe.
const BASE = "/api/v1";
const CSRF_KEY = "safar.csrf";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status; // 0: the server could not be reached
    this.problem = problem || {};
  }
  get errors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let csrf = null;
try {
  csrf = localStorage.getItem(CSRF_KEY);
} catch {
  csrf = null;
}

export function setCsrf(token) {
  csrf = token || null;
  try {
    if (csrf) localStorage.setItem(CSRF_KEY, csrf);
    else localStorage.removeItem(CSRF_KEY);
  } catch {
    /* kept in memory only */
  }
}

let sessionLost = null; // async () => void; throws when the person gives up
let pendingSignIn = null;

export function onSessionLost(fn) {
  sessionLost = fn;
}

function query(params) {
  if (!params) return "";
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

function isSessionLost(status, problem) {
  return status === 401 || (status === 403 && /CSRF/i.test(problem?.detail || ""));
}

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  if (res.status !== 204) data = await res.json().catch(() => null);
  if (res.ok) return data;
  if (isSessionLost(res.status, data) && !opts.noSignIn && sessionLost) {
    // one dialog for all the requests that failed at the same time
    pendingSignIn = pendingSignIn || sessionLost().finally(() => (pendingSignIn = null));
    await pendingSignIn;
    return request(method, path, body, { ...opts, noSignIn: true });
  }
  throw new ApiError(res.status, data);
}

export const api = {
  get: (path, params, opts) => request("GET", path + query(params), undefined, opts),
  post: (path, body, opts) => request("POST", path, body ?? {}, opts),
  patch: (path, body, opts) => request("PATCH", path, body, opts),
};

// Every page of a list (for small lists such as "my cases"), up to max items.
export async function getAll(path, params, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await api.get(path, { ...params, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}
