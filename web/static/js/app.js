// vadesk's web app: decides between setup, login, the VA's workspace and
// the client portal, draws the shell and hands each route to its view.

import { get, post, setCsrf, hasCsrf, onAuthLost, ApiError, available } from "./api.js";
import { h, s, mount, toast } from "./dom.js";
import { configure } from "./format.js";
import * as router from "./router.js";
import { setupView, loginView, accountView } from "./views/auth.js";
import { registerStaff } from "./views/staff.js";
import { registerPortal, acceptView } from "./views/portal.js";

/** What every view may read: the user, the practice's settings, helpers. */
export const app = {
  me: null,
  settings: null,
  get isOwner() {
    return this.me && this.me.role === "owner";
  },
  get isClient() {
    return this.me && this.me.role === "client";
  },
};

const root = document.getElementById("app");

function main() {
  return document.getElementById("main");
}

// The skip link jumps to the content without touching the hash route.
document.querySelector(".skip-link")?.addEventListener("click", (ev) => {
  ev.preventDefault();
  main()?.focus();
});

function bare(view) {
  const m = h("main", { id: "main", class: "bare", tabindex: "-1" }, view);
  mount(root, m);
  root.className = "app";
  markRendered();
  const first = m.querySelector("h1");
  if (first) document.title = `${first.textContent} · vadesk`;
}

// The route the page shows, once shown: tests and tools wait for it.
function markRendered() {
  document.documentElement.dataset.route = location.hash || "#/";
}

function showLogin(message) {
  app.me = null;
  router.reset();
  bare(loginView({ message, onLoggedIn: loggedIn }));
  document.querySelector("#main input")?.focus();
}

async function loggedIn(session) {
  setCsrf(session.csrf_token);
  await boot();
}

async function logout() {
  try {
    await post("/auth/logout", undefined, { quiet: true });
  } catch (e) {
    /* the session may be gone already */
  }
  setCsrf(null);
  showLogin("You have logged out.");
}

// A failed action in a click handler ends up here: show it rather than
// leaving an "Uncaught (in promise)" in the console and nothing on screen.
window.addEventListener("unhandledrejection", (ev) => {
  const e = ev.reason;
  if (e instanceof ApiError) {
    ev.preventDefault();
    if (e.status !== 401 && !/csrf/i.test(e.message)) toast(e.message, "bad");
  }
});

onAuthLost((why) => {
  setCsrf(null);
  showLogin(why === "csrf" ? "Please log in again to continue." : "Your session has ended. Please log in again.");
});

// Simple line icons (24×24, stroked) for the navigation.
const ICONS = {
  today: ["M12 3v2", "M12 19v2", "M3 12h2", "M19 12h2", "M5.6 5.6l1.4 1.4", "M17 17l1.4 1.4", "M5.6 18.4L7 17", "M17 7l1.4-1.4", "M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z"],
  time: ["M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z", "M12 7v5l3 2"],
  tasks: ["M4 5h16v14H4z", "M8 10l2 2 4-4", "M8 16h8"],
  clients: ["M9 11a3.5 3.5 0 1 0 0-7a3.5 3.5 0 1 0 0 7z", "M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6", "M16 4.5a3.5 3.5 0 0 1 0 6.5", "M18 14.5c2.2.7 3.5 2.8 3.5 5.5"],
  invoices: ["M6 3h9l4 4v14H6z", "M15 3v4h4", "M9 12h7", "M9 16h7", "M9 8h3"],
  reports: ["M4 20h16", "M7 16v-5", "M12 16V6", "M17 16v-8"],
  settings: ["M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z", "M4 12h2", "M18 12h2", "M12 4v2", "M12 18v2", "M6.3 6.3l1.4 1.4", "M16.3 16.3l1.4 1.4", "M6.3 17.7l1.4-1.4", "M16.3 7.7l1.4-1.4"],
};

function icon(name) {
  return s(
    "svg",
    { class: "icon", viewBox: "0 0 24 24", width: 18, height: 18, "aria-hidden": "true", fill: "none", stroke: "currentColor", "stroke-width": 1.8, "stroke-linecap": "round", "stroke-linejoin": "round" },
    (ICONS[name] || []).map((d) => s("path", { d })),
  );
}

function navLink(href, label, iconName) {
  return h("a", { href, class: "nav-link", dataset: { href } }, icon(iconName), h("span", null, label));
}

function shell(items) {
  const who = app.me;
  const nav = h(
    "nav",
    { class: "sidenav", "aria-label": "Main" },
    h("ul", null, items.map((it) => h("li", { dataset: { api: it.api || "" } }, navLink(it.href, it.label, it.icon)))),
  );
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { href: "#/", class: "brand" }, h("img", { src: "/assets/" + assetVersion() + "/favicon.svg", alt: "", width: "28", height: "28" }), h("span", null, "vadesk")),
    h("span", { class: "practice-name" }, app.settings ? app.settings.name : ""),
    h(
      "div",
      { class: "user" },
      h("a", { href: "#/account", class: "user-link", title: who.email }, who.name),
      h("button", { type: "button", class: "btn small", onclick: logout }, "Log out"),
    ),
  );
  const m = h("main", { id: "main", tabindex: "-1" });
  mount(root, header, nav, m);
  root.className = "app shell";
  // Hide the links of API areas this server does not have (yet).
  for (const li of nav.querySelectorAll("li[data-api]")) {
    const api = li.dataset.api;
    if (!api) continue;
    available(api).then((ok) => {
      li.hidden = !ok;
    });
  }
}

// The version segment of this page's asset URLs (see index.html).
function assetVersion() {
  const link = document.querySelector('link[rel="stylesheet"]');
  const m = link && /\/assets\/([^/]+)\//.exec(link.getAttribute("href"));
  return m ? m[1] : "dev";
}

function markCurrent(path) {
  for (const a of document.querySelectorAll(".sidenav a")) {
    const href = a.dataset.href.slice(1);
    const on = href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
    if (on) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

let firstRender = true;

async function renderView(view, ctx, isCurrent) {
  const m = main();
  markCurrent(ctx.path);
  m.setAttribute("aria-busy", "true");
  delete document.documentElement.dataset.route;
  const spinner = setTimeout(() => {
    if (isCurrent()) mount(m, h("p", { class: "muted loading", role: "status" }, "Loading…"));
  }, 150);
  let node;
  try {
    node = await view({ ...ctx, app, rerender: router.render, navigate: router.navigate });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || /csrf/i.test(e.message))) return; // handled by onAuthLost
    node = errorPanel(e);
    if (!(e instanceof ApiError)) console.warn(e);
  } finally {
    clearTimeout(spinner);
  }
  if (!isCurrent()) return;
  mount(m, node);
  m.removeAttribute("aria-busy");
  markRendered();
  const h1 = m.querySelector("h1");
  document.title = h1 ? `${h1.textContent} · vadesk` : "vadesk";
  if (!firstRender) {
    (h1 || m).focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function errorPanel(e) {
  const status = e instanceof ApiError ? e.status : 0;
  const title = status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something went wrong";
  const text =
    status === 404
      ? "This page does not exist, or it was deleted."
      : status === 403
        ? "Your account may not see this page."
        : e.message || String(e);
  return h("div", { class: "card error-panel" }, h("h1", { tabindex: "-1" }, title), h("p", null, text), h("p", null, h("a", { href: "#/" }, "Back to the start")));
}

async function boot() {
  // An invite link: /portal/accept?token=... (a real path, made by the
  // server; the SPA fallback serves this page for it).
  if (location.pathname === "/portal/accept") {
    const token = new URLSearchParams(location.search).get("token") || "";
    bare(
      acceptView({
        token,
        onDone: async (session) => {
          history.replaceState(null, "", "/#/");
          await loggedIn(session);
        },
      }),
    );
    document.querySelector("#main input")?.focus();
    return;
  }
  let needsSetup = false;
  try {
    needsSetup = (await get("/setup", { quiet: true })).needs_setup;
  } catch (e) {
    bare(errorPanel(e));
    return;
  }
  if (needsSetup) {
    bare(setupView({ onDone: loggedIn }));
    document.querySelector("#main input")?.focus();
    return;
  }
  let me;
  try {
    me = await get("/me", { quiet: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showLogin();
      return;
    }
    bare(errorPanel(e));
    return;
  }
  if (!hasCsrf()) {
    // The session cookie is alive, but this tab never saw the CSRF token
    // that came with it: without it no change can be saved.
    showLogin("Please log in to continue in this tab.");
    return;
  }
  app.me = me;
  router.reset();
  if (me.role === "client") {
    const portal = await registerPortal(router, app);
    app.settings = portal.settings;
    configure(portal.settings || {});
    shell(portal.nav);
  } else {
    app.settings = await get("/settings");
    configure(app.settings);
    const nav = registerStaff(router, app);
    shell(nav);
  }
  router.route("/account", () => accountView({ app, onPasswordChanged: () => toast("Password changed.") }));
  router.start(renderView);
}

boot();
