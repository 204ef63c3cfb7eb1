// Invoices: the list with status and balances; a new draft from unbilled
// work (client + period, with a preview of what will be billed); a draft to
// edit and issue; an issued invoice to download, pay and void.

import { get, post, patch, del, listAll, ApiError } from "../api.js";
import { h, mount, pageHeader, section, empty, table, toast, linkButton, confirmButton } from "../dom.js";
import { field, form, changed, FieldError } from "../forms.js";
import { money, duration, date, today, monthStart, monthEnd, addDays, number, percentBP, dateTime } from "../format.js";
import { refs, clientOptions } from "../refs.js";
import { invoiceStatusBadge } from "../widgets.js";

const FILTERS = [
  ["", "All"],
  ["draft", "Drafts"],
  ["issued", "Issued"],
  ["partially_paid", "Partly paid"],
  ["overdue", "Overdue"],
  ["paid", "Paid"],
  ["void", "Void"],
];

/** The invoice list: ?status=, ?client=. */
export async function invoicesList(ctx) {
  const q = ctx.query;
  const r = await refs("clients");
  const items = await listAll("/invoices", { status: q.status, client_id: q.client }, 1000);
  const statusSel = h("select", { id: "inv-status" }, FILTERS.map(([v, l]) => h("option", { value: v }, l)));
  statusSel.value = q.status || "";
  const clientSel = h("select", { id: "inv-client" }, [["", "All clients"], ...clientOptions(r.clients, Number(q.client))].map(([v, l]) => h("option", { value: String(v) }, l)));
  clientSel.value = q.client || "";
  const go = () => ctx.navigate("/invoices", { status: statusSel.value, client: clientSel.value });
  statusSel.addEventListener("change", go);
  clientSel.addEventListener("change", go);

  const outstanding = new Map();
  for (const inv of items) {
    if (inv.status === "issued" || inv.status === "partially_paid") outstanding.set(inv.currency, (outstanding.get(inv.currency) || 0) + inv.balance_due);
  }
  const list = items.length
    ? table(
        ["Number", "Client", "Status", { label: "Total", class: "num" }, { label: "Balance", class: "num" }, "Issued", "Due"],
        items.map((inv) =>
          h(
            "tr",
            null,
            h("td", null, h("a", { href: `#/invoices/${inv.id}` }, inv.number || `Draft #${inv.id}`)),
            h("td", null, inv.client_name),
            h("td", null, invoiceStatusBadge(inv)),
            h("td", { class: "num" }, money(inv.total, inv.currency)),
            h("td", { class: "num" }, inv.status === "void" ? "—" : money(inv.balance_due, inv.currency)),
            h("td", null, inv.issue_date ? date(inv.issue_date) : "—"),
            h("td", null, inv.due_date ? date(inv.due_date) : "—"),
          ),
        ),
        { caption: "Invoices", stack: true },
      )
    : q.status || q.client
      ? empty("No invoices match these filters.")
      : empty("No invoices yet. Create one from the work you have logged.", linkButton("#/invoices/new", "New invoice", "primary"));

  return h(
    "div",
    null,
    pageHeader("Invoices", linkButton("#/invoices/new", "New invoice", "primary")),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "inv-status" }, "Status"), statusSel),
      h("div", { class: "field" }, h("label", { for: "inv-client" }, "Client"), clientSel),
      outstanding.size ? h("div", { class: "stat-inline" }, h("span", { class: "muted" }, "Outstanding"), h("strong", { class: "num" }, [...outstanding].map(([c, a]) => money(a, c)).join(" + "))) : null,
    ),
    list,
  );
}

/** A new draft from unbilled work: ?client=. */
export async function invoiceNew(ctx) {
  const r = await refs("clients", "services");
  const active = r.clients.filter((c) => c.status !== "archived");
  if (!active.length) return h("div", null, pageHeader("New invoice"), empty("Add a client and log some time first.", linkButton("#/clients/new", "Add client", "primary")));
  const clientId = Number(ctx.query.client) || "";
  // Last month by default: most VAs bill monthly in arrears.
  const t = today();
  const from = ctx.query.from || monthStart(addDays(monthStart(t), -1));
  const to = ctx.query.to || monthEnd(addDays(monthStart(t), -1));

  const preview = h("div", { class: "preview", "aria-live": "polite" });
  const f = form(
    {
      submitLabel: "Create draft",
      label: "New invoice",
      onSubmit: async (v) => {
        if (!v.client_id) throw new FieldError("client_id", "is required");
        const inv = await post("/invoices", { client_id: v.client_id, from: v.from, to: v.to, group_by: v.group_by });
        toast("Draft created. Check it, then issue it.");
        ctx.navigate(`/invoices/${inv.id}`);
      },
      secondary: linkButton("#/invoices", "Cancel"),
    },
    field({ name: "client_id", label: "Client", type: "select", required: true, kind: "id", options: clientOptions(r.clients, clientId, "Choose a client"), value: clientId }),
    field({ name: "from", label: "From", type: "date", required: true, value: from }),
    field({ name: "to", label: "To", type: "date", required: true, value: to }),
    field({
      name: "group_by",
      label: "Lines",
      type: "select",
      options: [
        ["service", "One line per service"],
        ["task", "One line per task"],
        ["entry", "One line per time entry"],
      ],
    }),
  );
  const setPeriod = (a, b) => {
    f.querySelector('[name="from"]').value = a;
    f.querySelector('[name="to"]').value = b;
    refresh();
  };
  const lastMonth = addDays(monthStart(t), -1);
  f.querySelector(".fields").append(
    h(
      "div",
      { class: "quick-periods wide", role: "group", "aria-label": "Quick periods" },
      h("button", { type: "button", class: "btn small", onclick: () => setPeriod(monthStart(lastMonth), monthEnd(lastMonth)) }, "Last month"),
      h("button", { type: "button", class: "btn small", onclick: () => setPeriod(monthStart(t), t) }, "This month"),
    ),
  );
  const refresh = async () => {
    const v = { client: f.querySelector('[name="client_id"]').value, from: f.querySelector('[name="from"]').value, to: f.querySelector('[name="to"]').value };
    if (!v.client || !v.from || !v.to || v.to < v.from) {
      mount(preview, h("p", { class: "muted" }, "Choose a client and a period to see what will be billed."));
      return;
    }
    mount(preview, h("p", { class: "muted" }, "Looking for unbilled work…"));
    try {
      mount(preview, await previewOf(r, Number(v.client), v.from, v.to));
    } catch (e) {
      mount(preview, h("p", { class: "bad-text" }, e.message));
    }
  };
  for (const n of ["client_id", "from", "to"]) f.querySelector(`[name="${n}"]`).addEventListener("change", refresh);
  refresh();
  return h("div", null, pageHeader("New invoice"), h("div", { class: "two-col wide-left" }, h("section", { class: "card" }, h("h2", null, "Bill work"), f), h("section", { class: "card", "aria-labelledby": "preview-h" }, h("h2", { id: "preview-h" }, "What will be billed"), preview)));
}

async function previewOf(r, clientId, from, to) {
  const client = r.byId.clients.get(clientId);
  const cur = client ? client.currency : undefined;
  const [entries, expenses] = await Promise.all([
    listAll("/time-entries", { client_id: clientId, from, to, billable: true, invoiced: false }),
    listAll("/expenses", { client_id: clientId, from, to, billable: true, invoiced: false }).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }),
  ]);
  const free = entries.filter((e) => !e.draft_invoice_id);
  const held = entries.length - free.length;
  const freeX = expenses.filter((x) => !x.draft_invoice_id);
  if (!free.length && !freeX.length) {
    return h("div", null, empty(held ? "All unbilled work in this period is already on a draft invoice." : "No unbilled billable work in this period."));
  }
  const byService = new Map();
  for (const e of free) {
    const k = e.service_id;
    const x = byService.get(k) || { minutes: 0, amount: 0 };
    x.minutes += e.billable_minutes;
    x.amount += e.amount;
    byService.set(k, x);
  }
  const rows = [...byService].map(([sid, x]) => h("tr", null, h("td", null, r.name("services", sid)), h("td", { class: "num" }, duration(x.minutes)), h("td", { class: "num" }, money(x.amount, cur))));
  for (const x of freeX) rows.push(h("tr", null, h("td", null, `Expense: ${x.description}`), h("td", null, ""), h("td", { class: "num" }, money(x.amount, x.currency))));
  const total = free.reduce((p, e) => p + e.amount, 0) + freeX.reduce((p, x) => p + x.amount, 0);
  return h(
    "div",
    null,
    table(["Work", { label: "Hours", class: "num" }, { label: "Amount", class: "num" }], rows, {
      caption: "Preview",
      foot: h("tr", null, h("th", { scope: "row" }, "Before tax"), h("td", { class: "num" }, duration(free.reduce((p, e) => p + e.billable_minutes, 0))), h("td", { class: "num" }, h("strong", { id: "preview-total" }, money(total, cur)))),
    }),
    h("p", { class: "muted small" }, `${free.length} time ${free.length === 1 ? "entry" : "entries"}${freeX.length ? `, ${freeX.length} expenses` : ""}. Fixed fees of projects are added when the draft is built.${held ? ` ${held} entries are already on another draft.` : ""}`),
  );
}

function quantity(l) {
  if (l.quantity_minutes != null) return duration(l.quantity_minutes);
  if (l.quantity_milli != null) return number(l.quantity_milli / 1000, 3);
  return "";
}

/** One invoice. */
export async function invoiceDetail(ctx) {
  const id = Number(ctx.params.id);
  const inv = await get(`/invoices/${id}`);
  const draft = inv.status === "draft";
  const cur = inv.currency;
  const payments = draft ? { items: [] } : await get(`/invoices/${id}/payments`);
  const pdf = `/api/v1/invoices/${id}/pdf`;

  const act = (label, path, done, kind = "") =>
    h(
      "button",
      {
        type: "button",
        class: `btn ${kind}`,
        onclick: async (ev) => {
          ev.currentTarget.disabled = true;
          try {
            await post(path);
            toast(done);
          } catch (e) {
            toast(e.message, "bad");
          }
          ctx.rerender();
        },
      },
      label,
    );

  const actions = [];
  if (draft) {
    actions.push(act("Issue invoice", `/invoices/${id}/issue`, "Invoice issued.", "primary"));
    actions.push(act("Refresh from work", `/invoices/${id}/refresh`, "Draft rebuilt from the latest work."));
    actions.push(h("a", { class: "btn", href: pdf, download: "" }, "Preview PDF"));
  } else {
    actions.push(h("a", { class: "btn primary", href: pdf, download: "" }, "Download PDF"));
    actions.push(h("a", { class: "btn", href: `${pdf}?timesheet=true`, download: "" }, "PDF with timesheet"));
  }

  const title = inv.number ? `Invoice ${inv.number}` : "Draft invoice";
  const lines = inv.lines.length
    ? table(
        ["Description", { label: "Qty", class: "num" }, { label: "Price", class: "num" }, { label: "Amount", class: "num" }, draft ? "" : null].filter((x) => x !== null),
        inv.lines.map((l) =>
          h(
            "tr",
            null,
            h("td", { class: "wrap" }, l.description, l.kind !== "manual" && l.kind !== "time" ? h("span", { class: "muted small" }, ` · ${l.kind.replace("_", " ")}`) : null),
            h("td", { class: "num" }, quantity(l)),
            h("td", { class: "num" }, money(l.unit_price, cur)),
            h("td", { class: "num" }, money(l.amount, cur)),
            draft
              ? h(
                  "td",
                  { class: "actions-cell" },
                  confirmButton("Remove", "Remove this line? Its work goes back to unbilled.", "Remove", async () => {
                    await del(`/invoices/${id}/lines/${l.id}`);
                    toast("Line removed.");
                    ctx.rerender();
                  }),
                )
              : null,
          ),
        ),
        { caption: "Lines", stack: true },
      )
    : empty(draft ? "This draft has no lines. Add one below, or refresh it from work." : "No lines.");

  const totals = h(
    "dl",
    { class: "totals" },
    h("dt", null, "Subtotal"),
    h("dd", { class: "num" }, money(inv.subtotal, cur)),
    inv.discount ? [h("dt", null, "Discount"), h("dd", { class: "num" }, `−${money(inv.discount, cur)}`)] : null,
    inv.tax_rate || inv.tax_total ? [h("dt", null, `${inv.tax_name || "Tax"} (${percentBP(inv.tax_rate)})`), h("dd", { class: "num" }, money(inv.tax_total, cur))] : null,
    h("dt", { class: "grand" }, "Total"),
    h("dd", { class: "num grand", id: "invoice-total" }, money(inv.total, cur)),
    !draft && inv.amount_paid ? [h("dt", null, "Paid"), h("dd", { class: "num" }, money(inv.amount_paid, cur))] : null,
    !draft && inv.status !== "void" ? [h("dt", { class: "grand" }, "Balance due"), h("dd", { class: "num grand", id: "invoice-balance" }, money(inv.balance_due, cur))] : null,
  );

  const parts = [
    pageHeader(title, ...actions),
    h(
      "div",
      { class: "card invoice-head" },
      h("div", { class: "summary-top" }, invoiceStatusBadge(inv), h("a", { href: `#/clients/${inv.client_id}` }, inv.client_name)),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Period"),
        h("dd", null, `${date(inv.period_from)} – ${date(inv.period_to)}`),
        inv.issue_date ? [h("dt", null, "Issued"), h("dd", null, date(inv.issue_date))] : null,
        inv.due_date ? [h("dt", null, "Due"), h("dd", null, date(inv.due_date))] : null,
        inv.voided_at ? [h("dt", null, "Voided"), h("dd", null, dateTime(inv.voided_at))] : null,
      ),
    ),
    section("Lines", lines, draft ? addLineForm(ctx, inv) : null, totals),
  ];
  if (draft) parts.push(section("Details", draftForm(ctx, inv)));
  else if (inv.notes) parts.push(section("Notes", h("p", { class: "prewrap" }, inv.notes)));
  if (!draft) parts.push(paymentsSection(ctx, inv, payments.items));
  if (draft) {
    parts.push(
      h(
        "section",
        { class: "card danger-zone" },
        h("h2", null, "Delete draft"),
        confirmButton("Delete draft", "Delete this draft? Its work becomes unbilled again.", "Yes, delete", async () => {
          await del(`/invoices/${id}`);
          toast("Draft deleted.");
          ctx.navigate("/invoices");
        }),
      ),
    );
  } else if (inv.status !== "void") {
    parts.push(
      h(
        "section",
        { class: "card danger-zone" },
        h("h2", null, "Void"),
        h("p", { class: "muted small" }, "Voiding keeps the number used and releases the work for a new invoice. Delete any payments first."),
        confirmButton("Void invoice", `Void invoice ${inv.number}?`, "Yes, void it", async () => {
          try {
            await post(`/invoices/${id}/void`);
            toast("Invoice voided.");
          } catch (e) {
            toast(e.message, "bad");
          }
          ctx.rerender();
        }),
      ),
    );
  }
  return h("div", null, parts);
}

function addLineForm(ctx, inv) {
  return h(
    "details",
    { class: "add" },
    h("summary", null, "Add a line"),
    form(
      {
        submitLabel: "Add line",
        label: "Add a line",
        onSubmit: async (v) => {
          const qty = Number(String(v.quantity || "1").replace(",", "."));
          if (!Number.isFinite(qty) || qty <= 0) throw new FieldError("quantity", "must be a number above zero");
          if (v.unit_price === null) throw new FieldError("unit_price", "is required");
          await post(`/invoices/${inv.id}/lines`, { description: v.description, quantity_milli: Math.round(qty * 1000), unit_price: v.unit_price });
          toast("Line added.");
          ctx.rerender();
        },
      },
      field({ name: "description", label: "Description", required: true, wide: true }),
      field({ name: "quantity", label: "Quantity", value: "1", inputmode: "decimal" }),
      field({ name: "unit_price", label: "Unit price", type: "money", currency: inv.currency, required: true }),
    ),
  );
}

function draftForm(ctx, inv) {
  const before = { notes: inv.notes, footer: inv.footer, discount: inv.discount, tax_rate: inv.tax_rate, tax_name: inv.tax_name, issue_date: inv.issue_date || "", due_date: inv.due_date || "" };
  return form(
    {
      submitLabel: "Save details",
      label: "Invoice details",
      onSubmit: async (v) => {
        const body = changed({ ...v, discount: v.discount ?? 0 }, before);
        for (const k of ["issue_date", "due_date"]) if (k in body && body[k] === "") body[k] = null;
        if (Object.keys(body).length) await patch(`/invoices/${inv.id}`, { ...body, version: inv.version });
        toast("Draft saved.");
        ctx.rerender();
      },
    },
    field({ name: "issue_date", label: "Issue date", type: "date", value: inv.issue_date || "", hint: "Empty: the day you issue it." }),
    field({ name: "due_date", label: "Due date", type: "date", value: inv.due_date || "", hint: "Empty: issue date plus the client's payment terms." }),
    field({ name: "discount", label: "Discount", type: "money", currency: inv.currency, value: inv.discount }),
    field({ name: "tax_name", label: "Tax name", value: inv.tax_name }),
    field({ name: "tax_rate", label: "Tax rate (%)", type: "percent", value: inv.tax_rate }),
    field({ name: "notes", label: "Notes", type: "textarea", value: inv.notes, wide: true }),
    field({ name: "footer", label: "Footer", type: "textarea", value: inv.footer, wide: true }),
  );
}

function paymentsSection(ctx, inv, payments) {
  const cur = inv.currency;
  const list = payments.length
    ? table(
        ["Date", { label: "Amount", class: "num" }, "Method", "Reference", ""],
        payments.map((p) =>
          h(
            "tr",
            null,
            h("td", null, date(p.date)),
            h("td", { class: "num" }, money(p.amount, cur)),
            h("td", null, p.method),
            h("td", null, p.reference),
            h(
              "td",
              { class: "actions-cell" },
              confirmButton("Delete", "Delete this payment?", "Delete", async () => {
                await del(`/invoices/${inv.id}/payments/${p.id}`);
                toast("Payment deleted.");
                ctx.rerender();
              }),
            ),
          ),
        ),
        { caption: "Payments", stack: true },
      )
    : empty(inv.status === "void" ? "No payments." : "No payments yet.");
  const canPay = inv.status === "issued" || inv.status === "partially_paid";
  const f = canPay
    ? form(
        {
          submitLabel: "Record payment",
          label: "Record a payment",
          onSubmit: async (v) => {
            if (v.amount === null) throw new FieldError("amount", "is required");
            await post(`/invoices/${inv.id}/payments`, v);
            toast("Payment recorded.");
            ctx.rerender();
          },
        },
        field({ name: "amount", label: "Amount", type: "money", currency: cur, required: true, value: inv.balance_due }),
        field({ name: "date", label: "Payment date", type: "date", required: true, value: today() }),
        field({ name: "method", label: "Method", placeholder: "e.g. bank transfer" }),
        field({ name: "reference", label: "Reference" }),
      )
    : null;
  return section("Payments", list, f);
}
