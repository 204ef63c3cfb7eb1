// The one way the app talks to the server: JSON over fetch to /api/v1, with
// the CSRF token that login or setup handed out, and problem+json errors
// turned into ApiError.

const BASE = "/api/v1";
const CSRF_KEY = "vadesk.csrf";

/** An error answer of the API (RFC 9457 problem document). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
  }

  /** The per-field errors of a 422 answer: [{field, message}]. */
  get fields() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let authLost = () => {};

/**
 * Registers what happens when the session is gone (401) or the CSRF token
 * is missing or stale (403 naming the CSRF header): the app sends the
 * person back to the login page.
 */
export function onAuthLost(fn) {
  authLost = fn;
}

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export function hasCsrf() {
  return !!sessionStorage.getItem(CSRF_KEY);
}

function isCsrfProblem(status, body) {
  return status === 403 && body && typeof body.detail === "string" && /csrf/i.test(body.detail);
}

/**
 * Sends one request. body is JSON-encoded when given (a FormData goes as
 * multipart/form-data). Answers the decoded JSON (null for 204) or throws
 * ApiError. opts.quiet skips the auth-lost handling (for the probes at
 * start-up and the login form itself).
 */
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body instanceof FormData) {
    // A file upload: the browser writes the multipart boundary itself.
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD") {
    const t = sessionStorage.getItem(CSRF_KEY);
    if (t) headers["X-CSRF-Token"] = t;
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, { title: "Network error", detail: "The server could not be reached. Check your connection and try again." });
  }
  let data = null;
  const ct = res.headers.get("Content-Type") || "";
  if (res.status !== 204 && ct.includes("json")) {
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
  }
  if (!res.ok) {
    if (!opts.quiet && (res.status === 401 || isCsrfProblem(res.status, data))) {
      authLost(res.status === 401 ? "expired" : "csrf");
    }
    throw new ApiError(res.status, data || { title: res.statusText });
  }
  return data;
}

/**
 * Sends a file as the raw body (e.g. a logo), with its own content type.
 * Answers the decoded JSON or null; throws ApiError.
 */
export async function putFile(path, file) {
  const headers = { Accept: "application/json", "Content-Type": file.type || "application/octet-stream" };
  const t = sessionStorage.getItem(CSRF_KEY);
  if (t) headers["X-CSRF-Token"] = t;
  const res = await fetch(BASE + path, { method: "PUT", headers, body: file, credentials: "same-origin" });
  const ct = res.headers.get("Content-Type") || "";
  const data = res.status !== 204 && ct.includes("json") ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401 || isCsrfProblem(res.status, data)) authLost(res.status === 401 ? "expired" : "csrf");
    throw new ApiError(res.status, data || { title: res.statusText });
  }
  return data;
}

export const get = (path, opts) => request("GET", path, undefined, opts);
export const post = (path, body, opts) => request("POST", path, body === undefined ? {} : body, opts);
export const patch = (path, body) => request("PATCH", path, body);
export const put = (path, body) => request("PUT", path, body);
export const del = (path) => request("DELETE", path);

/** Builds a query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "") continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : "";
}

/**
 * Fetches every page of a list (following next_cursor), up to maxItems, and
 * answers the items.
 */
export async function listAll(path, params = {}, maxItems = 5000) {
  const items = [];
  let cursor = "";
  for (;;) {
    const page = await get(path + qs({ ...params, limit: 500, cursor }));
    items.push(...(page.items || []));
    if (!page.next_cursor || items.length >= maxItems) return items;
    cursor = page.next_cursor;
  }
}

/**
 * Reports whether an optional part of the API exists on this server: a 404
 * or 405 means not (yet); anything else means yes. Remembered per path.
 */
const probes = new Map();
export function available(path) {
  if (!probes.has(path)) {
    probes.set(
      path,
      get(path + qs({ limit: 1 }), { quiet: true }).then(
        () => true,
        (e) => !(e instanceof ApiError && (e.status === 404 || e.status === 405)),
      ),
    );
  }
  return probes.get(path);
}
