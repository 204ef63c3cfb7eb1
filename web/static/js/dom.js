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

/**
 * A table that scrolls sideways on narrow screens. With opts.stack, a phone
 * shows each row as a small card of labelled cells instead (see .stack in
 * app.css): for lists whose key figures would otherwise sit off-screen. A
 * header may name its cells differently on a card ({label: "Default",
 * card: "Default rate"}), where the other columns' names are not in sight.
 */
export function table(headers, rows, opts = {}) {
  const cap = opts.caption ? h("caption", { class: opts.captionVisible ? "" : "sr-only" }, opts.caption) : null;
  const wrap = h(
    "div",
    { class: ["table-wrap", opts.stack ? "stack" : ""], tabindex: "0", role: "region", "aria-label": opts.caption || "Table" },
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
  if (opts.stack) stackable(wrap.querySelector("table"), headers);
  return wrap;
}

// A stacked row's cells show their column's header as a label (the first
// cell is the row's title and needs none); so do a footer's, whose totals
// would otherwise be bare figures. The parts also get their table roles:
// some browsers drop a table's semantics once CSS changes how it is
// displayed, and a screen reader should still read a table.
function stackable(tbl, headers) {
  const labels = headers.map((hd) => (typeof hd === "string" ? hd : hd.card || hd.label));
  const roles = { THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };
  tbl.setAttribute("role", "table");
  for (const el of tbl.querySelectorAll("thead, tbody, tfoot, tr, th, td")) {
    el.setAttribute("role", el.tagName === "TH" ? (el.scope === "row" ? "rowheader" : "columnheader") : roles[el.tagName]);
  }
  for (const tr of tbl.querySelectorAll("tbody tr, tfoot tr")) {
    let col = 0;
    for (const cell of tr.children) {
      if (col > 0 && labels[col]) cell.dataset.label = labels[col];
      col += cell.colSpan || 1;
    }
  }
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
