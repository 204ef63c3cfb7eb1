// Small DOM helpers. Text always goes in as text nodes, never as HTML, so
// names and notes from the database cannot inject markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === "class") {
      el.setAttribute("class", Array.isArray(v) ? v.filter(Boolean).join(" ") : v);
    } else if (k === "dataset") {
      Object.assign(el.dataset, v);
    } else if (k === "value" && "value" in el && !(el instanceof SVGElement)) {
      el.value = v;
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === "") continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** h("a", {href: "#/x", class: "btn"}, "text", child...) builds an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** s() is h() for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let seq = 0;
/** A fresh id for label/control pairs. */
export function uid(prefix = "f") {
  seq += 1;
  return `${prefix}-${seq}`;
}

let toastTimer = 0;
/** Shows a short message in the polite live region. */
export function toast(message, kind = "ok") {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.className = "toast";
    el.textContent = "";
  }, 4000);
}

/** A page heading and an optional row of actions. */
export function pageHeader(title, ...actions) {
  return h(
    "header",
    { class: "page-header" },
    h("h1", { tabindex: "-1" }, title),
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

/** A card section with a heading. */
export function section(title, ...children) {
  const id = uid("sec");
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), children);
}

/** An empty state: what is missing and what to do about it. */
export function empty(message, action) {
  return h("div", { class: "empty" }, h("p", null, message), action || null);
}

/** A table that scrolls sideways on narrow screens. */
export function table(headers, rows, opts = {}) {
  const cap = opts.caption ? h("caption", { class: opts.captionVisible ? "" : "sr-only" }, opts.caption) : null;
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": opts.caption || "Table" },
    h(
      "table",
      { class: opts.class || "" },
      cap,
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((hd) => {
            const label = typeof hd === "string" ? hd : hd.label;
            const cls = typeof hd === "string" ? "" : hd.class || "";
            return h("th", { scope: "col", class: cls }, label);
          }),
        ),
      ),
      h("tbody", null, rows),
      opts.foot ? h("tfoot", null, opts.foot) : null,
    ),
  );
}

/** A status badge. */
export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}` }, text);
}

/**
 * A button that asks before it acts, inline (no window.confirm, which
 * blocks the page and cannot be styled): the first press shows the question
 * with a confirm and a cancel button.
 */
export function confirmButton(label, question, confirmLabel, action, kind = "danger") {
  const wrap = h("span", { class: "confirm" });
  const first = h("button", { type: "button", class: `btn ${kind === "danger" ? "subtle-danger" : ""}` }, label);
  const ask = () => {
    const yes = h("button", { type: "button", class: `btn ${kind}` }, confirmLabel);
    const no = h("button", { type: "button", class: "btn" }, "Cancel");
    no.addEventListener("click", () => {
      mount(wrap, first);
      first.focus();
    });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await action();
      } catch (e) {
        toast(e && e.message ? e.message : String(e), "bad");
        mount(wrap, first);
        first.focus();
      } finally {
        yes.disabled = false;
        no.disabled = false;
      }
    });
    mount(wrap, h("span", { class: "confirm-q", role: "alert" }, question), yes, no);
    yes.focus();
  };
  first.addEventListener("click", ask);
  wrap.appendChild(first);
  return wrap;
}

/** A link styled as a button. */
export function linkButton(href, text, kind = "") {
  return h("a", { href, class: `btn ${kind}` }, text);
}
