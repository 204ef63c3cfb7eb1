// Clients: the list with search, the new-client form and a client's page
// (details, contacts, rates, projects, tasks, recent time, invoices, portal
// users).

import { get, post, patch, put, del, qs, listAll, ApiError, available } from "../api.js";
import { h, s, mount, pageHeader, section, empty, table, badge, toast, linkButton, confirmButton } from "../dom.js";
import { field, form, changed, FieldError } from "../forms.js";
import { money, duration, date, weekday, dayOf, today } from "../format.js";
import { refs, serviceOptions } from "../refs.js";
import { setQuery } from "../router.js";
import { currencyOptions, invoiceStatusBadge } from "../widgets.js";

export const ROUNDING = [
  [0, "No rounding"],
  [6, "Up to 6 minutes"],
  [10, "Up to 10 minutes"],
  [15, "Up to 15 minutes"],
  [30, "Up to 30 minutes"],
  [60, "Up to a full hour"],
];

const STATUS = [
  ["active", "Active"],
  ["prospect", "Prospect"],
  ["archived", "Archived"],
];

export function statusBadge(status) {
  const kind = { active: "ok", prospect: "info", archived: "muted" }[status] || "";
  const label = (STATUS.find(([v]) => v === status) || [status, status])[1];
  return badge(label, kind);
}

/** The client list with a search box and a status filter. */
export async function clientsList(ctx) {
  const q = ctx.query.q || "";
  const status = ctx.query.status || "";
  const page = await get(`/clients${qs({ q, status, limit: 200 })}`);
  const results = h("div", { id: "client-results" });

  const draw = (items, filtered) => {
    if (!items.length) {
      mount(
        results,
        filtered
          ? empty("No clients match this search.")
          : empty("No clients yet. Add the first one: the people and businesses you work for.", ctx.app.isOwner ? linkButton("#/clients/new", "Add client", "primary") : null),
      );
      return;
    }
    mount(
      results,
      table(
        ["Name", "Company", "Email", "Status"],
        items.map((c) =>
          h("tr", null, h("td", null, h("a", { href: `#/clients/${c.id}` }, c.name)), h("td", null, c.company), h("td", null, c.email), h("td", null, statusBadge(c.status))),
        ),
        { caption: "Clients", stack: true },
      ),
    );
  };
  draw(page.items, !!(q || status));

  let timer = 0;
  const search = h("input", { type: "search", id: "client-search", name: "q", value: q, autocomplete: "off" });
  const statusSel = h("select", { id: "client-status", name: "status" }, [["", "All"], ...STATUS].map(([v, l]) => h("option", { value: v }, l)));
  statusSel.value = status;
  const refresh = async () => {
    const params = { q: search.value.trim(), status: statusSel.value };
    setQuery(params);
    const p = await get(`/clients${qs({ ...params, limit: 200 })}`);
    draw(p.items, !!(params.q || params.status));
  };
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  statusSel.addEventListener("change", refresh);

  return h(
    "div",
    null,
    pageHeader("Clients", ctx.app.isOwner ? linkButton("#/clients/new", "Add client", "primary") : null),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "client-search" }, "Search clients"), search),
      h("div", { class: "field" }, h("label", { for: "client-status" }, "Status"), statusSel),
    ),
    results,
  );
}

function clientFields(c, practiceCurrency) {
  return [
    field({ name: "name", label: "Name", required: true, value: c.name, autocomplete: "off" }),
    field({ name: "company", label: "Company", value: c.company }),
    field({ name: "email", label: "Email", type: "email", value: c.email }),
    field({ name: "phone", label: "Phone", type: "tel", value: c.phone }),
    field({ name: "website", label: "Website", value: c.website, placeholder: "https://" }),
    field({ name: "industry", label: "Industry", value: c.industry }),
    field({ name: "address", label: "Address", type: "textarea", value: c.address }),
    field({ name: "tax_id", label: "Tax ID", value: c.tax_id }),
    field({ name: "code", label: "Code", value: c.code, hint: "Short code for invoice numbers that use {CLIENT}." }),
    field({ name: "currency", label: "Currency", type: "select", options: currencyOptions(c.currency || practiceCurrency), value: c.currency || practiceCurrency }),
    field({ name: "payment_terms_days", label: "Payment terms (days)", type: "number", min: 0, max: 365, value: c.payment_terms_days ?? 14, kind: "int" }),
    field({ name: "rounding_minutes", label: "Round time", type: "select", options: ROUNDING, value: c.rounding_minutes ?? 0, kind: "int", hint: "Each billable entry is rounded up to this step." }),
    field({ name: "status", label: "Status", type: "select", options: STATUS, value: c.status || "active" }),
    field({ name: "notes", label: "Notes", type: "textarea", value: c.notes, wide: true }),
  ];
}

/** The new-client form. */
export async function clientNew(ctx) {
  const f = form(
    {
      submitLabel: "Save client",
      label: "New client",
      onSubmit: async (v) => {
        const c = await post("/clients", v);
        toast(`Added ${c.name}.`);
        ctx.navigate(`/clients/${c.id}`);
      },
      secondary: linkButton("#/clients", "Cancel"),
    },
    clientFields({}, ctx.app.settings.currency),
  );
  return h("div", null, pageHeader("New client"), h("section", { class: "card" }, f));
}

function facts(pairs) {
  const items = pairs.filter(([, v]) => v !== "" && v !== null && v !== undefined);
  if (!items.length) return null;
  return h("dl", { class: "facts" }, items.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
}

/** A client's page. */
export async function clientDetail(ctx) {
  const id = Number(ctx.params.id);
  const owner = ctx.app.isOwner;
  const c = await get(`/clients/${id}`);
  if (ctx.query.edit && owner) return clientEdit(ctx, c);

  const [r, hasInvoices, hasInvites] = await Promise.all([
    refs("services", "users"),
    // Invoices are the owner's: an assistant's probe answers 403, which
    // available() reads as "there", and the page would fail on it.
    owner ? available("/invoices") : Promise.resolve(false),
    owner ? available(`/clients/${id}/portal-users`) : Promise.resolve(false),
  ]);

  const parts = [
    pageHeader(
      c.name,
      linkButton(`#/time?client=${id}`, "Log time"),
      owner && hasInvoices ? linkButton(`#/invoices/new?client=${id}`, "New invoice") : null,
      owner ? linkButton(`#/clients/${id}?edit=1`, "Edit client") : null,
    ),
    h(
      "div",
      { class: "card client-summary" },
      h("div", { class: "summary-top" }, statusBadge(c.status), c.company ? h("span", { class: "muted" }, c.company) : null),
      facts([
        ["Email", c.email ? h("a", { href: `mailto:${c.email}` }, c.email) : ""],
        ["Phone", c.phone],
        ["Website", c.website],
        ["Currency", c.currency],
        ["Payment terms", `${c.payment_terms_days} days`],
        ["Rounding", (ROUNDING.find(([v]) => v === c.rounding_minutes) || [0, "None"])[1]],
        ["Code", c.code],
        ["Address", c.address],
        ["Notes", c.notes],
      ]),
    ),
  ];
  const [contacts, rates, projects, tasks] = await Promise.all([
    contactsSection(ctx, c),
    owner ? ratesSection(ctx, c, r.services) : null,
    projectsSection(ctx, c),
    tasksSection(ctx, c),
  ]);
  parts.push(h("div", { class: "two-col" }, h("div", null, contacts, projects), h("div", null, tasks)), rates);
  if (owner) parts.push(await retainersSection(ctx, c));
  parts.push(await recentTimeSection(ctx, c, r));
  parts.push(await expensesSection(ctx, c));
  if (hasInvoices) parts.push(await invoicesSection(ctx, c));
  if (hasInvites) parts.push(await portalSection(ctx, c));
  return h("div", null, parts);
}

async function clientEdit(ctx, c) {
  const f = form(
    {
      submitLabel: "Save changes",
      label: "Edit client",
      onSubmit: async (v) => {
        const body = changed(v, c);
        if (Object.keys(body).length) await patch(`/clients/${c.id}`, body);
        toast("Client saved.");
        ctx.navigate(`/clients/${c.id}`);
      },
      secondary: linkButton(`#/clients/${c.id}`, "Cancel"),
    },
    clientFields(c, ctx.app.settings.currency),
  );
  const remove = confirmButton("Delete client", "Delete this client? One with time or invoices is archived instead.", "Yes, delete", async () => {
    const res = await del(`/clients/${c.id}`);
    toast(res ? `${c.name} has history, so it was archived.` : `Deleted ${c.name}.`);
    ctx.navigate(res ? `/clients/${c.id}` : "/clients");
  });
  return h("div", null, pageHeader(`Edit ${c.name}`), h("section", { class: "card" }, f), h("section", { class: "card danger-zone" }, h("h2", null, "Delete"), remove));
}

async function contactsSection(ctx, c) {
  const page = await get(`/clients/${c.id}/contacts`);
  const owner = ctx.app.isOwner;
  const list = page.items.length
    ? h(
        "ul",
        { class: "plain-list" },
        page.items.map((ct) =>
          h(
            "li",
            { class: "row-item" },
            h("div", null, h("strong", null, ct.name), ct.role ? h("span", { class: "muted" }, ` · ${ct.role}`) : null, h("div", { class: "muted small" }, [ct.email, ct.phone].filter(Boolean).join(" · "))),
            owner
              ? confirmButton("Remove", `Remove ${ct.name}?`, "Remove", async () => {
                  await del(`/clients/${c.id}/contacts/${ct.id}`);
                  toast("Contact removed.");
                  ctx.rerender();
                })
              : null,
          ),
        ),
      )
    : empty("No contacts yet.");
  const add = owner
    ? h(
        "details",
        { class: "add" },
        h("summary", null, "Add contact"),
        form(
          {
            submitLabel: "Add contact",
            label: "Add contact",
            onSubmit: async (v) => {
              await post(`/clients/${c.id}/contacts`, v);
              toast("Contact added.");
              ctx.rerender();
            },
          },
          field({ name: "name", label: "Contact name", required: true }),
          field({ name: "email", label: "Contact email", type: "email" }),
          field({ name: "phone", label: "Contact phone", type: "tel" }),
          field({ name: "role", label: "Role", placeholder: "e.g. Office manager" }),
        ),
      )
    : null;
  return section("Contacts", list, add);
}

async function ratesSection(ctx, c, services) {
  const page = await get(`/clients/${c.id}/rates`);
  const rates = new Map(page.items.map((r) => [r.service_id, r]));
  const active = services.filter((s) => !s.archived);
  const rows = active.map((s) => {
    const r = rates.get(s.id);
    return h(
      "tr",
      null,
      h("th", { scope: "row" }, s.name),
      h("td", { class: "num" }, money(s.default_hourly_rate, c.currency)),
      h("td", { class: "num" }, r ? h("strong", null, money(r.hourly_rate, c.currency)) : h("span", { class: "muted" }, "default")),
      h(
        "td",
        { class: "actions-cell" },
        r
          ? h(
              "button",
              {
                type: "button",
                class: "btn small",
                "aria-label": `Use the default rate for ${s.name}`,
                onclick: async () => {
                  await del(`/clients/${c.id}/rates/${s.id}`);
                  toast(`${s.name}: back to the default rate.`);
                  ctx.rerender();
                },
              },
              "Use default",
            )
          : null,
      ),
    );
  });
  const f = form(
    {
      submitLabel: "Set rate",
      label: "Set a rate for this client",
      onSubmit: async (v) => {
        if (v.hourly_rate === null) {
          throw new FieldError("hourly_rate", "is required");
        }
        await put(`/clients/${c.id}/rates/${v.service_id}`, { hourly_rate: v.hourly_rate });
        toast("Rate saved.");
        ctx.rerender();
      },
    },
    field({ name: "service_id", label: "Service", type: "select", options: serviceOptions(active), kind: "id", required: true }),
    field({ name: "hourly_rate", label: "Hourly rate", type: "money", currency: c.currency, required: true }),
  );
  return section(
    "Rates",
    h("p", { class: "muted small" }, "What this client pays per hour for each service. Without a rate of its own, the service's default applies."),
    active.length ? table(["Service", { label: "Default", class: "num", card: "Default rate" }, { label: "This client", class: "num", card: "This client's rate" }, ""], rows, { caption: "Hourly rates", stack: true }) : empty("Add services in Settings first."),
    active.length ? f : null,
  );
}

const BILLING = [
  ["hourly", "Hourly"],
  ["fixed_fee", "Fixed fee"],
  ["non_billable", "Not billable"],
];

async function projectsSection(ctx, c) {
  let items;
  try {
    items = await listAll("/projects", { client_id: c.id });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const owner = ctx.app.isOwner;
  const list = items.length
    ? h(
        "ul",
        { class: "plain-list" },
        items.map((p) =>
          h(
            "li",
            { class: "row-item" },
            h(
              "div",
              null,
              h("strong", null, p.name),
              " ",
              p.status === "archived" ? badge("Archived", "muted") : null,
              h(
                "div",
                { class: "muted small" },
                [
                  (BILLING.find(([v]) => v === p.billing) || [0, p.billing])[1],
                  p.billing === "fixed_fee" && p.fixed_fee != null ? money(p.fixed_fee, p.currency) : "",
                  p.billing === "hourly" && p.hourly_rate != null ? `${money(p.hourly_rate, p.currency)}/h` : "",
                  p.budget_minutes ? `budget ${duration(p.budget_minutes)}` : "",
                ]
                  .filter(Boolean)
                  .join(" · "),
              ),
            ),
          ),
        ),
      )
    : empty("No projects. Projects group tasks and time, and can have a fixed fee or a rate of their own.");
  const add = owner
    ? h(
        "details",
        { class: "add" },
        h("summary", null, "Add project"),
        form(
          {
            submitLabel: "Add project",
            label: "Add project",
            onSubmit: async (v) => {
              const body = { client_id: c.id, name: v.project_name, billing: v.billing, description: v.description };
              if (v.hourly_rate !== null) body.hourly_rate = v.hourly_rate;
              if (v.fixed_fee !== null) body.fixed_fee = v.fixed_fee;
              if (v.budget_hours) body.budget_minutes = Math.round(Number(v.budget_hours) * 60);
              await post("/projects", body);
              toast("Project added.");
              ctx.rerender();
            },
          },
          field({ name: "project_name", label: "Project name", required: true }),
          field({ name: "billing", label: "Billing", type: "select", options: BILLING }),
          field({ name: "hourly_rate", label: "Project hourly rate", type: "money", currency: c.currency, hint: "Optional; a client rate still wins." }),
          field({ name: "fixed_fee", label: "Fixed fee", type: "money", currency: c.currency }),
          field({ name: "budget_hours", label: "Budget (hours)", type: "number", min: 0, step: "0.25" }),
          field({ name: "description", label: "Description", type: "textarea", wide: true }),
        ),
      )
    : null;
  return section("Projects", list, add);
}

const TASK_STATUS = { todo: "To do", in_progress: "In progress", waiting: "Waiting", done: "Done" };

async function tasksSection(ctx, c) {
  let items;
  try {
    items = await listAll("/tasks", { client_id: c.id, status: "todo,in_progress,waiting" });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const list = items.length
    ? h(
        "ul",
        { class: "plain-list" },
        items.slice(0, 8).map((t) =>
          h(
            "li",
            { class: "row-item" },
            h("div", null, h("a", { href: `#/tasks/${t.id}` }, t.title), t.requested_by_id ? [" ", badge("Client request", "info")] : null, h("div", { class: "muted small" }, [TASK_STATUS[t.status], t.due_on ? `due ${date(t.due_on)}` : ""].filter(Boolean).join(" · "))),
          ),
        ),
      )
    : empty("No open tasks.");
  return section("Open tasks", list, h("p", null, h("a", { href: `#/tasks?client=${c.id}` }, "All tasks for this client")));
}

async function recentTimeSection(ctx, c, r) {
  let page;
  try {
    page = await get(`/time-entries${qs({ client_id: c.id, limit: 10 })}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const owner = ctx.app.isOwner;
  if (!page.items.length) return section("Recent time", empty("No time logged for this client yet.", linkButton(`#/time?client=${c.id}`, "Log time")));
  return section(
    "Recent time",
    table(
      ["Date", "Service", "Note", { label: "Time", class: "num" }, owner ? { label: "Amount", class: "num" } : null].filter(Boolean),
      page.items.map((e) =>
        h(
          "tr",
          null,
          h("td", null, weekday(dayOf(e.started_at))),
          h("td", null, r.name("services", e.service_id)),
          h("td", { class: "wrap" }, e.note || h("span", { class: "muted" }, "—")),
          h("td", { class: "num" }, duration(e.minutes)),
          owner ? h("td", { class: "num" }, e.billable ? money(e.amount, e.currency) : h("span", { class: "muted" }, "not billable")) : null,
        ),
      ),
      { caption: "Recent time", stack: true },
    ),
    h("p", null, h("a", { href: `#/time?client=${c.id}` }, "All time for this client")),
  );
}

const AUTO = [
  ["off", "I invoice each month myself"],
  ["draft", "Draft an invoice on the 1st"],
  ["issue", "Issue an invoice on the 1st"],
];

function hoursInput(minutes) {
  return minutes ? String(Math.round((minutes / 60) * 100) / 100) : "";
}

function usageBar(u) {
  const total = u.included_minutes + u.rolled_over_minutes;
  const used = Math.min(u.used_minutes, total || u.used_minutes);
  const pct = total ? Math.min(100, (used / total) * 100) : 100;
  return h(
    "div",
    { class: "usage" },
    s("svg", { class: "usage-bar", viewBox: "0 0 100 8", preserveAspectRatio: "none", "aria-hidden": "true" }, s("rect", { x: 0, y: 0, width: 100, height: 8, rx: 3, class: "usage-track" }), s("rect", { x: 0, y: 0, width: Math.max(pct, 0.5), height: 8, rx: 3, class: u.overage_minutes ? "usage-over" : "usage-used" })),
    h(
      "p",
      { class: "small" },
      h("strong", null, `${duration(u.used_minutes)} used`),
      ` of ${duration(total)}`,
      u.rolled_over_minutes ? ` (incl. ${duration(u.rolled_over_minutes)} rolled over)` : "",
      " · ",
      u.overage_minutes ? h("span", { class: "bad-text" }, `${duration(u.overage_minutes)} over: ${money(u.overage_amount, u.currency)}`) : `${duration(u.remaining_minutes)} left`,
    ),
  );
}

async function retainersSection(ctx, c) {
  let items;
  try {
    items = (await get(`/clients/${c.id}/retainers`)).items || [];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const usages = await Promise.all(items.map((rt) => get(`/clients/${c.id}/retainers/${rt.id}/usage`).catch(() => null)));
  const thisMonth = today().slice(0, 7);
  const list = items.map((rt, i) => {
    const u = usages[i];
    const ended = rt.ends_on && rt.ends_on < today();
    const future = rt.starts_on > today();
    return h(
      "li",
      { class: "retainer" },
      h(
        "div",
        { class: "retainer-head" },
        h("strong", null, rt.name),
        ended
          ? badge("Ended", "muted")
          : future
            ? badge(`Starts ${date(rt.starts_on, { month: "long", year: "numeric" })}`, "muted")
            : rt.ends_on
              ? badge(`Ends ${date(rt.ends_on)}`, "warn")
              : badge("Active", "ok"),
        h("span", { class: "muted small" }, `${duration(rt.included_minutes)} a month for ${money(rt.fee, rt.currency)}, then ${money(rt.overage_hourly_rate, rt.currency)}/h`),
      ),
      u && !ended && !future ? [h("p", { class: "muted small" }, `This month (${date(u.from, { month: "long", year: "numeric" })})`), usageBar(u)] : null,
      ended
        ? null
        : h(
            "div",
            { class: "actions" },
            future
              ? null
              : u && u.invoice_id
              ? h("a", { class: "btn small", href: `#/invoices/${u.invoice_id}` }, "This month's invoice")
              : h(
                  "button",
                  {
                    type: "button",
                    class: "btn small",
                    onclick: async () => {
                      const period = u && /^\d{4}-\d{2}$/.test(u.period) ? u.period : thisMonth;
                      const out = await post(`/clients/${c.id}/retainers/${rt.id}/invoices`, { period });
                      toast("Retainer invoice drafted.");
                      ctx.navigate(`/invoices/${out.invoice_id}`);
                    },
                  },
                  "Invoice this month",
                ),
            confirmButton("End retainer", `End ${rt.name} after this month?`, "End it", async () => {
              await del(`/clients/${c.id}/retainers/${rt.id}`);
              toast("Retainer ended.");
              ctx.rerender();
            }),
          ),
    );
  });
  const f = form(
    {
      submitLabel: "Add retainer",
      label: "Add a retainer",
      onSubmit: async (v) => {
        const hrs = (x, field) => {
          const n = Number(String(x || "0").replace(",", "."));
          if (!Number.isFinite(n) || n < 0) throw new FieldError(field, "must be a number of hours");
          return Math.round(n * 60);
        };
        if (v.fee === null) throw new FieldError("fee", "is required");
        if (v.overage_hourly_rate === null) throw new FieldError("overage_hourly_rate", "is required");
        await post(`/clients/${c.id}/retainers`, {
          name: v.name,
          period: "month",
          included_minutes: hrs(v.included_hours, "included_hours"),
          rollover_minutes: hrs(v.rollover_hours, "rollover_hours"),
          fee: v.fee,
          overage_hourly_rate: v.overage_hourly_rate,
          starts_on: `${v.starts}-01`,
          auto_invoice: v.auto_invoice,
          service_ids: [],
        });
        toast("Retainer added.");
        ctx.rerender();
      },
    },
    field({ name: "name", label: "Retainer name", required: true, placeholder: "e.g. 10-hour package" }),
    field({ name: "included_hours", label: "Hours included a month", required: true, inputmode: "decimal" }),
    field({ name: "fee", label: "Monthly fee", type: "money", currency: c.currency, required: true }),
    field({ name: "overage_hourly_rate", label: "Hourly rate beyond the package", type: "money", currency: c.currency, required: true }),
    field({ name: "rollover_hours", label: "Unused hours that roll over (at most)", inputmode: "decimal", value: "0" }),
    field({ name: "starts", label: "First month", type: "month", required: true, value: thisMonth }),
    field({ name: "auto_invoice", label: "Invoicing", type: "select", options: AUTO }),
  );
  return section(
    "Retainer",
    items.length ? h("ul", { class: "plain-list retainers" }, list) : empty("No retainer. A retainer is a monthly package of hours at a fixed fee; time beyond it is billed at the overage rate."),
    h("details", { class: "add" }, h("summary", null, "Add retainer"), f),
  );
}

async function expensesSection(ctx, c) {
  let items;
  try {
    items = await listAll("/expenses", { client_id: c.id }, 200);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const f = form(
    {
      submitLabel: "Add expense",
      label: "Add an expense",
      onSubmit: async (v) => {
        if (v.amount === null) throw new FieldError("amount", "is required");
        await post("/expenses", { client_id: c.id, date: v.date, description: v.description, amount: v.amount, billable: v.billable });
        toast("Expense added.");
        ctx.rerender();
      },
    },
    field({ name: "date", label: "Expense date", type: "date", required: true, value: today() }),
    field({ name: "description", label: "Expense description", required: true, placeholder: "e.g. Canva Pro, postage" }),
    field({ name: "amount", label: "Expense amount", type: "money", currency: c.currency, required: true }),
    field({ name: "billable", label: "Bill to the client", type: "checkbox", value: true }),
  );
  return section(
    "Expenses",
    items.length
      ? table(
          ["Date", "Description", { label: "Amount", class: "num" }, "Status", ""],
          items.slice(0, 20).map((x) =>
            h(
              "tr",
              null,
              h("td", null, date(x.date)),
              h("td", { class: "wrap" }, x.description),
              h("td", { class: "num" }, money(x.amount, x.currency)),
              h("td", null, x.locked ? badge("Invoiced · locked", "muted") : x.draft_invoice_id ? badge("On a draft", "info") : x.billable ? badge("Unbilled", "warn") : badge("Not billable", "muted")),
              h(
                "td",
                { class: "actions-cell" },
                x.locked
                  ? null
                  : confirmButton("Delete", "Delete this expense?", "Delete", async () => {
                      await del(`/expenses/${x.id}`);
                      toast("Expense deleted.");
                      ctx.rerender();
                    }),
              ),
            ),
          ),
          { caption: "Expenses", stack: true },
        )
      : empty("No expenses. Costs you pay for this client (software, postage) go here, to be billed with your time."),
    h("details", { class: "add" }, h("summary", null, "Add expense"), f),
  );
}

async function invoicesSection(ctx, c) {
  const page = await get(`/invoices${qs({ client_id: c.id, limit: 20 })}`);
  if (!page.items.length) return section("Invoices", empty("No invoices yet."));
  return section(
    "Invoices",
    table(
      ["Number", "Status", "Issued", { label: "Total", class: "num" }, { label: "Balance", class: "num" }],
      page.items.map((inv) =>
        h(
          "tr",
          null,
          h("td", null, h("a", { href: `#/invoices/${inv.id}` }, inv.number || "Draft")),
          h("td", null, invoiceStatusBadge(inv)),
          h("td", null, inv.issue_date ? date(inv.issue_date) : "—"),
          h("td", { class: "num" }, money(inv.total, inv.currency)),
          h("td", { class: "num" }, inv.status === "void" ? "—" : money(inv.balance_due, inv.currency)),
        ),
      ),
      { caption: "Invoices", stack: true },
    ),
  );
}

const INVITE_STATUS = { pending: ["Invited", "info"], accepted: ["Accepted", "ok"], expired: ["Expired", "muted"], revoked: ["Withdrawn", "muted"] };

// The invite just created: its link is shown once, after the page redraws.
let lastInvite = null;

async function portalSection(ctx, c) {
  const access = await get(`/clients/${c.id}/portal-users`);
  const users = access.users || [];
  const invites = (access.invites || []).filter((i) => i.status !== "accepted");
  const out = h("div", { class: "invite-out", "aria-live": "polite" });
  const f = form(
    {
      submitLabel: "Invite",
      label: "Invite to the portal",
      onSubmit: async (v, el) => {
        const inv = await post(`/clients/${c.id}/portal-invites`, v);
        el.reset();
        toast(inv.emailed ? `Invite e-mailed to ${inv.email}.` : "Invite created. Send the link to your client.");
        lastInvite = { clientId: c.id, inv };
        ctx.rerender();
      },
    },
    field({ name: "email", label: "Invite email", type: "email", required: true }),
    field({ name: "name", label: "Invite name" }),
  );
  const rows = [
    ...users.map((u) =>
      h(
        "tr",
        null,
        h("td", null, u.name),
        h("td", null, u.email),
        h("td", null, u.disabled_at ? badge("Revoked", "muted") : badge("Has access", "ok")),
        h(
          "td",
          { class: "actions-cell" },
          !u.disabled_at
            ? confirmButton("Revoke access", `Revoke portal access for ${u.email}?`, "Revoke", async () => {
                await del(`/clients/${c.id}/portal-users/${u.id}`);
                toast("Access revoked.");
                ctx.rerender();
              })
            : null,
        ),
      ),
    ),
    ...invites.map((i) => {
      const [label, kind] = INVITE_STATUS[i.status] || [i.status, ""];
      return h(
        "tr",
        null,
        h("td", null, i.name || "—"),
        h("td", null, i.email),
        h("td", null, badge(label, kind)),
        h(
          "td",
          { class: "actions-cell" },
          i.status === "pending"
            ? confirmButton("Withdraw", `Withdraw the invite for ${i.email}?`, "Withdraw", async () => {
                await del(`/clients/${c.id}/portal-invites/${i.id}`);
                toast("Invite withdrawn.");
                ctx.rerender();
              })
            : null,
        ),
      );
    }),
  ];
  if (lastInvite && lastInvite.clientId === c.id) {
    showInviteLink(out, lastInvite.inv);
    lastInvite = null;
  }
  return section(
    "Client portal",
    h("p", { class: "muted small" }, "People at this client can log in to see their tasks, time and invoices, and ask for new tasks."),
    rows.length ? table(["Name", "Email", "Access", ""], rows, { caption: "Portal users", stack: true }) : empty("No one from this client has portal access yet."),
    f,
    out,
  );
}

function showInviteLink(out, inv) {
  let url = inv.url || "";
  if (url && url.startsWith("/")) url = location.origin + url;
  if (!url) return;
  const input = h("input", { type: "text", readonly: true, value: url, id: "invite-link", class: "copy-input" });
  mount(out, h("div", { class: "notice" }, h("label", { for: "invite-link" }, "Invite link (it works once)"), input));
}
