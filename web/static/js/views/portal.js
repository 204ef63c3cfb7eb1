// The client portal: what a client user sees of their own client's work —
// tasks and a request form, billable time, invoices with PDF download, and
// the retainer hours left.

import { get, post, listAll, ApiError } from "../api.js";
import { h, pageHeader, section, empty, table, badge, toast } from "../dom.js";
import { field, form, FieldError } from "../forms.js";
import { money, duration, date, today, monthStart, addDays, number } from "../format.js";
import { invoiceStatusBadge } from "../widgets.js";

const TASK_STATUS = { todo: "To do", in_progress: "In progress", waiting: "Waiting", done: "Done" };

let me = null;

function pdfLink(inv, primary) {
  return h("a", { href: `/api/v1/portal/invoices/${inv.id}/pdf`, class: `btn small ${primary ? "primary" : ""}`, download: "", "aria-label": `Download invoice ${inv.number} as PDF` }, "PDF");
}

async function retainerOf() {
  try {
    const r = await get("/portal/retainer");
    return r && r.retainer ? r.retainer : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

function retainerCard(r) {
  if (!r) return null;
  const left = r.minutes_left ?? r.remaining_minutes ?? null;
  const total = r.minutes ?? r.included_minutes ?? null;
  return section(
    "Retainer",
    h(
      "div",
      { class: "stats" },
      left !== null ? h("div", { class: "stat" }, h("span", { class: "stat-label" }, "Hours left"), h("strong", { class: "stat-value num" }, duration(left))) : null,
      total !== null ? h("div", { class: "stat" }, h("span", { class: "stat-label" }, "Included"), h("strong", { class: "stat-value num" }, duration(total))) : null,
    ),
  );
}

async function overview() {
  const month = monthStart(today());
  const [tasks, entries, invoices, retainer] = await Promise.all([listAll("/portal/tasks"), listAll("/portal/time-entries", { from: month, to: today() }), listAll("/portal/invoices"), retainerOf()]);
  const open = tasks.filter((t) => t.status !== "done");
  const unpaid = invoices.filter((i) => i.status === "issued" || i.status === "partially_paid");
  const monthMinutes = entries.reduce((p, e) => p + e.billable_minutes, 0);
  const due = new Map();
  for (const i of unpaid) due.set(i.currency, (due.get(i.currency) || 0) + i.balance_due);
  return h(
    "div",
    null,
    pageHeader(`Hello, ${me.user.name}`),
    h("p", { class: "lead" }, `Your work with ${me.practice.name} for ${me.client.name}.`),
    h(
      "div",
      { class: "stats" },
      h("div", { class: "stat" }, h("span", { class: "stat-label" }, "Open tasks"), h("strong", { class: "stat-value num" }, String(open.length))),
      h("div", { class: "stat" }, h("span", { class: "stat-label" }, "Hours this month"), h("strong", { class: "stat-value num" }, duration(monthMinutes))),
      h("div", { class: "stat" }, h("span", { class: "stat-label" }, "To pay"), h("strong", { class: "stat-value num" }, due.size ? [...due].map(([c, a]) => money(a, c)).join(" + ") : money(0, invoices[0]?.currency))),
    ),
    retainerCard(retainer),
    section(
      "Invoices to pay",
      unpaid.length
        ? h(
            "ul",
            { class: "plain-list" },
            unpaid.map((i) => h("li", { class: "row-item" }, h("div", null, h("a", { href: `#/invoices/${i.id}` }, i.number), " ", invoiceStatusBadge(i), h("div", { class: "muted small" }, i.due_date ? `due ${date(i.due_date)}` : "")), h("strong", { class: "num" }, money(i.balance_due, i.currency)), pdfLink(i))),
          )
        : empty("Nothing to pay right now."),
    ),
    section(
      "Open tasks",
      open.length ? h("ul", { class: "plain-list" }, open.slice(0, 6).map((t) => h("li", { class: "row-item" }, h("div", null, t.title, h("div", { class: "muted small" }, TASK_STATUS[t.status])), t.due_on ? h("span", { class: "muted small" }, `due ${date(t.due_on)}`) : null))) : empty("No open tasks."),
      h("p", null, h("a", { href: "#/tasks" }, "All tasks and requests")),
    ),
  );
}

async function tasksPage(ctx) {
  const tasks = await listAll("/portal/tasks");
  const f = form(
    {
      submitLabel: "Send request",
      label: "Ask for a task",
      onSubmit: async (v, el) => {
        await post("/portal/tasks", { title: v.title, description: v.description, due_on: v.due_on || null });
        el.reset();
        toast("Request sent.");
        ctx.rerender();
      },
    },
    field({ name: "title", label: "What do you need?", required: true, wide: true }),
    field({ name: "due_on", label: "Needed by", type: "date" }),
    field({ name: "description", label: "Details", type: "textarea", wide: true }),
  );
  const groups = ["todo", "in_progress", "waiting", "done"].map((st) => {
    const list = tasks.filter((t) => t.status === st);
    if (!list.length) return null;
    return section(
      TASK_STATUS[st],
      h(
        "ul",
        { class: "plain-list" },
        list.map((t) => h("li", { class: "row-item" }, h("div", null, h("strong", null, t.title), t.requested ? [" ", badge("Your request", "info")] : null, t.description ? h("div", { class: "muted small prewrap" }, t.description) : null), t.due_on ? h("span", { class: "muted small" }, `due ${date(t.due_on)}`) : null)),
      ),
    );
  });
  return h("div", null, pageHeader("Tasks"), section("Ask for a task", f), tasks.length ? groups : empty("No tasks yet."));
}

async function timePage(ctx) {
  const from = ctx.query.from || monthStart(today());
  const to = ctx.query.to || today();
  const entries = await listAll("/portal/time-entries", { from, to });
  const total = entries.reduce((p, e) => p + e.billable_minutes, 0);
  const fromIn = h("input", { type: "date", id: "pt-from", value: from });
  const toIn = h("input", { type: "date", id: "pt-to", value: to });
  const go = () => ctx.navigate("/time", { from: fromIn.value, to: toIn.value });
  fromIn.addEventListener("change", go);
  toIn.addEventListener("change", go);
  const prevMonth = monthStart(addDays(monthStart(today()), -1));
  return h(
    "div",
    null,
    pageHeader("Time"),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "pt-from" }, "From"), fromIn),
      h("div", { class: "field" }, h("label", { for: "pt-to" }, "To"), toIn),
      h("a", { class: "btn small", href: `#/time?from=${prevMonth}&to=${addDays(monthStart(today()), -1)}` }, "Last month"),
      h("div", { class: "stat-inline" }, h("span", { class: "muted" }, "Total"), h("strong", { class: "num" }, `${duration(total)} (${number(total / 60, 2)} h)`)),
    ),
    entries.length
      ? table(
          ["Date", "Service", "Note", { label: "Time", class: "num" }],
          entries.map((e) => h("tr", null, h("td", null, date(e.date)), h("td", null, e.service_name), h("td", { class: "wrap" }, e.note), h("td", { class: "num" }, duration(e.billable_minutes)))),
          { caption: "Time", stack: true },
        )
      : empty("No time in this period."),
  );
}

async function invoicesPage() {
  const items = await listAll("/portal/invoices");
  return h(
    "div",
    null,
    pageHeader("Invoices"),
    items.length
      ? table(
          ["Number", "Status", { label: "Total", class: "num" }, { label: "Balance", class: "num" }, "", "Issued", "Due"],
          items.map((i) =>
            h(
              "tr",
              null,
              h("td", null, h("a", { href: `#/invoices/${i.id}` }, i.number)),
              h("td", null, invoiceStatusBadge(i)),
              h("td", { class: "num" }, money(i.total, i.currency)),
              h("td", { class: "num" }, i.status === "void" ? "—" : money(i.balance_due, i.currency)),
              h("td", { class: "actions-cell" }, pdfLink(i)),
              h("td", null, i.issue_date ? date(i.issue_date) : ""),
              h("td", null, i.due_date ? date(i.due_date) : ""),
            ),
          ),
          { caption: "Invoices", stack: true },
        )
      : empty("No invoices yet."),
  );
}

async function invoicePage(ctx) {
  const inv = await get(`/portal/invoices/${Number(ctx.params.id)}`);
  const cur = inv.currency;
  return h(
    "div",
    null,
    pageHeader(`Invoice ${inv.number}`, h("a", { class: "btn primary", href: `/api/v1/portal/invoices/${inv.id}/pdf`, download: "" }, "Download PDF")),
    h(
      "div",
      { class: "card invoice-head" },
      h("div", { class: "summary-top" }, invoiceStatusBadge(inv)),
      h("dl", { class: "facts" }, h("dt", null, "Period"), h("dd", null, `${date(inv.period_from)} – ${date(inv.period_to)}`), inv.issue_date ? [h("dt", null, "Issued"), h("dd", null, date(inv.issue_date))] : null, inv.due_date ? [h("dt", null, "Due"), h("dd", null, date(inv.due_date))] : null),
    ),
    section(
      "Lines",
      table(
        ["Description", { label: "Qty", class: "num" }, { label: "Price", class: "num" }, { label: "Amount", class: "num" }],
        (inv.lines || []).map((l) => h("tr", null, h("td", { class: "wrap" }, l.description), h("td", { class: "num" }, l.quantity_minutes != null ? duration(l.quantity_minutes) : l.quantity_milli != null ? number(l.quantity_milli / 1000, 3) : ""), h("td", { class: "num" }, money(l.unit_price, cur)), h("td", { class: "num" }, money(l.amount, cur)))),
        { caption: "Lines", stack: true },
      ),
      h(
        "dl",
        { class: "totals" },
        h("dt", null, "Subtotal"),
        h("dd", { class: "num" }, money(inv.subtotal, cur)),
        inv.discount ? [h("dt", null, "Discount"), h("dd", { class: "num" }, `−${money(inv.discount, cur)}`)] : null,
        inv.tax_total ? [h("dt", null, inv.tax_name || "Tax"), h("dd", { class: "num" }, money(inv.tax_total, cur))] : null,
        h("dt", { class: "grand" }, "Total"),
        h("dd", { class: "num grand" }, money(inv.total, cur)),
        inv.amount_paid ? [h("dt", null, "Paid"), h("dd", { class: "num" }, money(inv.amount_paid, cur))] : null,
        inv.status !== "void" ? [h("dt", { class: "grand" }, "Balance due"), h("dd", { class: "num grand" }, money(inv.balance_due, cur))] : null,
      ),
    ),
    inv.payments && inv.payments.length ? section("Payments", table(["Date", { label: "Amount", class: "num" }], inv.payments.map((p) => h("tr", null, h("td", null, date(p.date)), h("td", { class: "num" }, money(p.amount, cur)))), { caption: "Payments", stack: true })) : null,
    inv.notes ? section("Notes", h("p", { class: "prewrap" }, inv.notes)) : null,
  );
}

/**
 * Registers the portal's routes; answers the navigation and what the shell
 * shows as the practice.
 */
export async function registerPortal(router) {
  me = await get("/portal/me");
  router.route("/", overview);
  router.route("/tasks", tasksPage);
  router.route("/time", timePage);
  router.route("/invoices", invoicesPage);
  router.route("/invoices/:id", invoicePage);
  router.fallback(() => h("div", null, h("h1", { tabindex: "-1" }, "Page not found"), h("p", null, h("a", { href: "#/" }, "Back to the start"))));
  return {
    settings: { name: `${me.practice.name} · ${me.client.name}`, locale: me.practice.locale, timezone: me.practice.timezone },
    nav: [
      { href: "#/", label: "Overview", icon: "today" },
      { href: "#/tasks", label: "Tasks", icon: "tasks" },
      { href: "#/time", label: "Time", icon: "time" },
      { href: "#/invoices", label: "Invoices", icon: "invoices" },
    ],
  };
}

/** The page behind an invite link: choose a password, and you are in. */
export function acceptView({ token, onDone }) {
  const f = form(
    {
      submitLabel: "Open my portal",
      label: "Accept the invite",
      grid: false,
      onSubmit: async (v) => {
        if (v.password !== v.confirm_password) {
          throw new FieldError("confirm_password", "does not match the password");
        }
        const session = await post("/portal/accept", { token, password: v.password }, { quiet: true });
        await onDone(session);
      },
    },
    field({ name: "password", label: "Choose a password", type: "password", required: true, autocomplete: "new-password", hint: "At least 12 characters." }),
    field({ name: "confirm_password", label: "Repeat the password", type: "password", required: true, autocomplete: "new-password" }),
  );
  if (!token) {
    return h("div", { class: "auth" }, h("section", { class: "card auth-card" }, h("h1", { tabindex: "-1" }, "Invite link incomplete"), h("p", null, "This link has no invite token. Open the link from your invite again, or ask for a new one.")));
  }
  return h(
    "div",
    { class: "auth" },
    h("div", { class: "auth-brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "v"), h("span", null, "vadesk")),
    h("section", { class: "card auth-card" }, h("h1", { tabindex: "-1" }, "Welcome to your client portal"), h("p", { class: "lead" }, "Choose a password to see your tasks, time and invoices."), f),
  );
}
