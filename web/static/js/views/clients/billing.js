// The money sections of a client's page that are lists: hourly rates per
// service, expenses to bill, and the client's invoices.

import { get, post, put, del, qs, listAll, ApiError } from "../../api.js";
import { h, section, empty, table, badge, toast, confirmButton } from "../../dom.js";
import { field, form, FieldError } from "../../forms.js";
import { money, date, today } from "../../format.js";
import { serviceOptions } from "../../refs.js";
import { invoiceStatusBadge } from "../../widgets.js";

export async function ratesSection(ctx, c, services) {
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

export async function expensesSection(ctx, c) {
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

export async function invoicesSection(ctx, c) {
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
