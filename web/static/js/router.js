// A small hash router: "#/clients/5?tab=time" → the view registered for
// "/clients/:id" with params {id: "5"} and query {tab: "time"}.

const routes = [];
let notFound = null;
let renderSeq = 0;
let renderer = null;
let listening = false;

/** Registers a view for a pattern such as "/clients/:id". */
export function route(pattern, view) {
  const keys = [];
  const re = new RegExp(
    `^${pattern.replace(/\//g, "\\/").replace(/:(\w+)/g, (_, k) => {
      keys.push(k);
      return "([^/]+)";
    })}$`,
  );
  routes.push({ re, keys, view });
}

/** The view for unknown paths. */
export function fallback(view) {
  notFound = view;
}

/** Clears the table (the app registers a different one per role). */
export function reset() {
  routes.length = 0;
  notFound = null;
}

/** The current location as {path, query}. */
export function current() {
  const raw = location.hash.startsWith("#/") ? location.hash.slice(1) : "/";
  const [path, q = ""] = raw.split("?");
  return { path: decodeURI(path) || "/", query: Object.fromEntries(new URLSearchParams(q)) };
}

/** Goes to a path ("/clients/5"), with an optional query object. */
export function navigate(path, query) {
  const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v != null)).toString() : "";
  const target = `#${path}${q ? `?${q}` : ""}`;
  if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

/** Replaces the query of the current path without adding history. */
export function setQuery(query) {
  const { path } = current();
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v != null)).toString();
  history.replaceState(null, "", `#${path}${q ? `?${q}` : ""}`);
}

/**
 * Starts routing: fn(view, ctx, isCurrent) is called with the matched view
 * on every change; isCurrent() tells whether a newer navigation has
 * happened meanwhile (so a slow view does not overwrite a newer one).
 */
export function start(fn) {
  renderer = fn;
  if (!listening) {
    listening = true;
    window.addEventListener("hashchange", () => {
      if (location.hash === "" || location.hash.startsWith("#/")) render();
    });
  }
  render();
}

/** Renders the current location again. */
export function render() {
  if (!renderer) return;
  renderSeq += 1;
  const seq = renderSeq;
  const { path, query } = current();
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1]);
      });
      renderer(r.view, { path, params, query }, () => seq === renderSeq);
      return;
    }
  }
  if (notFound) renderer(notFound, { path, params: {}, query }, () => seq === renderSeq);
}
