// Reports (owner only): for a period, hours per client (or service,
// project, person) per month with totals and a chart; what is not billed
// yet; who owes what and for how long; what was invoiced and paid per
// month; and the CSV and ZIP downloads of the same period.

import { get, qs } from "../api.js";
import { h, pageHeader, section, empty, table, linkButton } from "../dom.js";
import { field, form, FieldError } from "../forms.js";
import { money, moneyShort, duration, date, today, monthStart, monthEnd, addDays, weekday, settings } from "../format.js";
import { stackedHours, moneyColumns, bars } from "../chart.js";
import { stat, sumText, downloadLinks } from "../widgets.js";

const PERIODS = [
  ["this_month", "This month"],
  ["last_month", "Last month"],
  ["this_year", "This year"],
];

const GROUPS = [
  ["client", "Client", "Hours by client", "Other clients"],
  ["service", "Service", "Hours by service", "Other services"],
  ["project", "Project", "Hours by project", "Other projects"],
  ["user", "Person", "Hours by person", "Other people"],
];

// The longest custom period: the API takes about twenty years of months.
const MAX_DAYS = 20 * 365;

// Above this many days the chart shows months instead of weeks.
const WEEKLY_CHART_DAYS = 92;

const isDay = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v || "") && !Number.isNaN(Date.parse(v));

function daysBetween(a, b) {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86400000);
}

/** The period the query asks for: {key, from, to (inclusive), label}. */
export function periodOf(q) {
  const t = today();
  if (q.period === "custom" && isDay(q.from) && isDay(q.to) && q.from <= q.to) {
    return { key: "custom", from: q.from, to: q.to, label: `${date(q.from)} – ${date(q.to)}` };
  }
  if (q.period === "last_month") {
    const lm = addDays(monthStart(t), -1);
    return { key: "last_month", from: monthStart(lm), to: monthEnd(lm), label: date(lm, { month: "long", year: "numeric" }) };
  }
  if (q.period === "this_year") {
    const y = t.slice(0, 4);
    return { key: "this_year", from: `${y}-01-01`, to: t, label: y };
  }
  // Up to today, as the invoice form's "This month": the months still to
  // come would only be empty columns.
  return { key: "this_month", from: monthStart(t), to: t, label: date(t, { month: "long", year: "numeric" }) };
}

function amountsText(list) {
  const nonZero = (list || []).filter((a) => a.amount);
  return nonZero.length ? nonZero.map((a) => money(a.amount, a.currency)).join(" + ") : "—";
}

function monthLabel(isoDay, long) {
  return date(isoDay, long ? { month: "long", year: "numeric" } : { month: "short", year: "numeric" });
}

/** The reports page: ?period=this_month|last_month|this_year|custom, ?from=, ?to=, ?by=. */
export async function reportsView(ctx) {
  const q = ctx.query;
  const p = periodOf(q);
  const by = GROUPS.find((g) => g[0] === q.by) || GROUPS[0];
  const t = today();
  const asOf = p.to < t ? p.to : t;
  const weekly = daysBetween(p.from, p.to) < WEEKLY_CHART_DAYS;
  const range = { from: p.from, to: p.to, group_by: by[0] };
  const [hours, chartHours, unbilled, aging, revenue] = await Promise.all([
    get(`/reports/hours${qs({ ...range, interval: "month" })}`),
    weekly ? get(`/reports/hours${qs({ ...range, interval: "week" })}`) : null,
    get("/reports/unbilled"),
    get(`/reports/aging${qs({ as_of: asOf })}`),
    get(`/reports/revenue${qs({ from: p.from, to: p.to })}`),
  ]);

  const outstanding = (aging.totals || []).map((x) => ({ currency: x.currency, amount: x.total }));
  const stats = h(
    "div",
    { class: "stats" },
    stat("Hours", duration(hours.minutes), `${duration(hours.billable_minutes)} billable`, "stat-hours"),
    stat("Value", sumText(hours.amounts || []), "of these hours at their rates", "stat-value"),
    stat("Invoiced", sumText(revenue.total_issued || []), "by issue date", "stat-invoiced"),
    stat("Paid", sumText(revenue.total_paid || []), "by payment date", "stat-paid"),
    stat("Unbilled", sumText(unbilled.totals || []), "all open work", "stat-unbilled"),
    stat("Owed to you", sumText(outstanding), `as of ${date(asOf)}`, "stat-owed"),
  );

  return h(
    "div",
    { class: "reports" },
    pageHeader("Reports", h("span", { class: "muted", id: "period-label" }, p.label)),
    periodCard(ctx, p, by),
    stats,
    hoursSection(hours, chartHours || hours, by, weekly),
    unbilledSection(unbilled),
    agingSection(aging),
    revenueSection(revenue),
    downloadsSection(p),
  );
}

function periodCard(ctx, p, by) {
  const go = (extra) => ctx.navigate("/reports", { by: by[0] === "client" ? "" : by[0], ...extra });
  const link = ([key, label]) => {
    const params = new URLSearchParams({ period: key });
    if (by[0] !== "client") params.set("by", by[0]);
    return h("a", { href: `#/reports?${params}`, class: "btn small", "aria-current": p.key === key ? "true" : false }, label);
  };
  const custom = form(
    {
      submitLabel: "Show",
      label: "Custom period",
      class: "period-form",
      onSubmit: async (v) => {
        // The API takes dates of the years 1900 to 2999.
        for (const k of ["from", "to"]) {
          if (!isDay(v[k])) throw new FieldError(k, "must be a date");
          if (v[k] < "1900-01-01" || v[k] > "2999-12-31") throw new FieldError(k, "must be between 1900 and 2999");
        }
        if (v.to < v.from) throw new FieldError("to", "must not be before From");
        if (daysBetween(v.from, v.to) > MAX_DAYS) throw new FieldError("to", "must be at most 20 years after From");
        go({ period: "custom", from: v.from, to: v.to });
      },
    },
    field({ name: "from", label: "From", type: "date", required: true, value: p.from }),
    field({ name: "to", label: "To", type: "date", required: true, value: p.to }),
  );
  const groupSel = h(
    "select",
    { id: "report-by" },
    GROUPS.map(([v, label]) => h("option", { value: v }, label)),
  );
  groupSel.value = by[0];
  groupSel.addEventListener("change", () => {
    const keep = p.key === "custom" ? { period: "custom", from: p.from, to: p.to } : { period: p.key };
    ctx.navigate("/reports", { ...keep, by: groupSel.value === "client" ? "" : groupSel.value });
  });
  return h(
    "section",
    { class: "card period-card", "aria-label": "Period" },
    h("div", { class: "quick-periods", role: "group", "aria-label": "Quick periods" }, PERIODS.map(link)),
    custom,
    h("div", { class: "field group-by" }, h("label", { for: "report-by" }, "Group hours by"), groupSel),
  );
}

function hoursSection(rep, chartRep, by, weekly) {
  const [, groupName, title, other] = by;
  if (!rep.groups.length) {
    return section(title, empty("No time logged in this period. Change the period, or log time and it shows up here.", linkButton("#/time", "Go to Time")));
  }
  // The table: one column per month, a total per group and per month.
  const cols = rep.intervals;
  const at = new Map(cols.map((iv, i) => [iv.start, i]));
  const cell = new Map();
  const colTotal = cols.map(() => 0);
  for (const r of rep.rows) {
    const i = at.get(r.start);
    cell.set(`${r.group_id}|${i}`, r.minutes);
    colTotal[i] += r.minutes;
  }
  const rows = rep.groups.map((g) =>
    h(
      "tr",
      null,
      h("th", { scope: "row", class: "wrap" }, by[0] === "client" && g.id ? h("a", { href: `#/clients/${g.id}` }, g.label) : g.label),
      cols.map((_, i) => {
        const m = cell.get(`${g.id}|${i}`) || 0;
        return h("td", { class: "num" }, m ? duration(m) : "—");
      }),
      h("td", { class: "num strong" }, duration(g.minutes)),
      h("td", { class: "num" }, duration(g.billable_minutes)),
      h("td", { class: "num" }, amountsText(g.amounts)),
    ),
  );
  const foot = h(
    "tr",
    null,
    h("th", { scope: "row" }, "Total"),
    colTotal.map((m) => h("td", { class: "num" }, m ? duration(m) : "—")),
    h("td", { class: "num", id: "hours-total" }, duration(rep.minutes)),
    h("td", { class: "num" }, duration(rep.billable_minutes)),
    h("td", { class: "num" }, amountsText(rep.amounts)),
  );
  const tbl = table(
    [
      groupName,
      ...cols.map((iv) => ({ label: monthLabel(iv.start), class: "num month" })),
      { label: "Total", class: "num" },
      { label: "Billable", class: "num" },
      { label: "Value", class: "num" },
    ],
    rows,
    { caption: title, foot, class: "report-table" },
  );
  showLatestMonth(tbl);

  // The chart: weeks for a short period, months for a long one.
  const ccols = chartRep.intervals;
  const cat = new Map(ccols.map((iv, i) => [iv.start, i]));
  const series = chartRep.groups.map((g) => {
    const values = ccols.map(() => 0);
    for (const r of chartRep.rows) if (r.group_id === g.id) values[cat.get(r.start)] += r.minutes;
    return { name: g.label, values };
  });
  const chart = stackedHours({
    title: weekly ? `${title} per week` : `${title} per month`,
    columns: ccols.map((iv) =>
      weekly
        ? { label: weekday(iv.start).replace(/^\w+,\s*/, ""), long: `week of ${date(iv.start)}` }
        : { label: date(iv.start, { month: "short" }), long: monthLabel(iv.start, true) },
    ),
    series,
    groupName,
    other,
  });
  return section(title, tbl, h("div", { class: "report-chart" }, chart));
}

// The months run from the oldest, and on a phone only a few of them fit: the
// table opens scrolled to the latest month (the one people look for), the
// older ones a swipe away. Only where the names column stays put (app.css
// makes it sticky on narrow screens): scrolled without it, the numbers
// would lose their names. It waits for the table to be laid out, which
// happens once the view is on the page.
function showLatestMonth(wrap) {
  const seen = new ResizeObserver(() => {
    const last = [...wrap.querySelectorAll("thead th.month")].at(-1);
    if (!wrap.clientWidth || !last) return;
    seen.disconnect();
    const names = wrap.querySelector("thead th");
    if (getComputedStyle(names).position !== "sticky") return;
    const box = wrap.getBoundingClientRect();
    const beyond = last.getBoundingClientRect().right - (box.left + wrap.clientLeft + wrap.clientWidth);
    if (beyond > 0) wrap.scrollLeft += Math.ceil(beyond);
  });
  seen.observe(wrap);
}

function unbilledSection(rep) {
  const list = rep.clients || [];
  if (!list.length) return section("Unbilled work", empty("Everything you logged is on an invoice. Nice."));
  const oldest = (c) => [c.oldest_entry_date, c.oldest_expense_date].filter(Boolean).sort()[0];
  const rows = list.map((c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row", class: "wrap" }, h("a", { href: `#/clients/${c.client_id}` }, c.client_name), oldest(c) ? h("div", { class: "muted small" }, `since ${date(oldest(c))}`) : null),
      h("td", { class: "num" }, String(c.entries)),
      h("td", { class: "num" }, duration(c.billable_minutes)),
      h("td", { class: "num" }, money(c.time_amount, c.currency)),
      h("td", { class: "num" }, c.expenses ? money(c.expense_amount, c.currency) : "—"),
      h("td", { class: "num strong" }, money(c.total, c.currency)),
      h("td", { class: "actions-cell" }, h("a", { href: `#/invoices/new?client=${c.client_id}`, class: "btn small", "aria-label": `Create an invoice for ${c.client_name}` }, "Invoice")),
    ),
  );
  const totals = rep.totals || [];
  const foot = totals.map((tot) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, totals.length > 1 ? `Total ${tot.currency}` : "Total"),
      h("td", { colspan: "4" }),
      h("td", { class: "num", id: totals.length > 1 ? null : "unbilled-total" }, money(tot.amount, tot.currency)),
      h("td"),
    ),
  );
  return section(
    "Unbilled work",
    h("p", { class: "muted small" }, "Billable time and expenses that are on no issued invoice yet, whatever their date."),
    bars({
      title: "Unbilled money per client",
      items: list.map((c) => ({ label: c.client_name, value: c.total, text: money(c.total, c.currency), href: `#/clients/${c.client_id}` })),
    }),
    table(["Client", { label: "Entries", class: "num" }, { label: "Billable time", class: "num" }, { label: "Time", class: "num", card: "Time amount" }, { label: "Expenses", class: "num" }, { label: "Total", class: "num" }, ""], rows, {
      caption: "Unbilled work by client",
      foot,
      class: "report-table",
      stack: true,
    }),
  );
}

const BUCKETS = [
  ["current", "Not due yet"],
  ["days_1_30", "1–30 days late"],
  ["days_31_60", "31–60 days late"],
  ["days_61_90", "61–90 days late"],
  ["days_over_90", "Over 90 days late"],
];

function agingSection(rep) {
  const list = rep.clients || [];
  const asOf = h("p", { class: "muted small" }, `Balances of issued invoices as of ${date(rep.as_of)}, by how late they are.`);
  if (!list.length) return section("Owed to you", asOf, empty("Nobody owes you anything on this date."));
  const pictures = (rep.totals || []).map((tot) =>
    h(
      "div",
      { class: "aging-picture" },
      rep.totals.length > 1 ? h("h3", null, tot.currency) : null,
      bars({
        title: `Owed in ${tot.currency} by lateness`,
        items: BUCKETS.map(([k, label], i) => ({ label, value: tot[k], text: money(tot[k], tot.currency), cls: `age${i}` })),
      }),
    ),
  );
  const rows = list.map((c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row", class: "wrap" }, h("a", { href: `#/invoices?client=${c.client_id}` }, c.client_name)),
      h("td", { class: "num" }, String(c.invoices)),
      BUCKETS.map(([k], i) => h("td", { class: ["num", i >= 2 && c[k] ? "bad-text" : ""] }, c[k] ? money(c[k], c.currency) : "—")),
      h("td", { class: "num strong" }, money(c.total, c.currency)),
    ),
  );
  const foot = (rep.totals || []).map((tot) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, rep.totals.length > 1 ? `Total ${tot.currency}` : "Total"),
      h("td"),
      BUCKETS.map(([k]) => h("td", { class: "num" }, tot[k] ? money(tot[k], tot.currency) : "—")),
      h("td", { class: "num" }, money(tot.total, tot.currency)),
    ),
  );
  return section(
    "Owed to you",
    asOf,
    pictures,
    table(["Client", { label: "Invoices", class: "num" }, ...BUCKETS.map(([, label]) => ({ label: label.replace(" late", ""), class: "num" })), { label: "Total", class: "num" }], rows, {
      caption: "Owed to you by client",
      foot,
      class: "report-table",
      stack: true,
    }),
  );
}

function revenueSection(rep) {
  const issued = rep.total_issued || [];
  const paid = rep.total_paid || [];
  if (!issued.length && !paid.length) return section("Revenue", empty("No invoices issued and no payments received in this period."));
  // The chart is in one currency: the one with the most invoiced.
  const cur = [...issued, ...paid].sort((a, b) => b.amount - a.amount)[0]?.currency || settings().currency;
  const inCur = (list) => (list || []).find((a) => a.currency === cur)?.amount || 0;
  const months = rep.months || [];
  const chart = moneyColumns({
    title: `Invoiced and paid per month (${cur})`,
    columns: months.map((m) => ({ label: date(`${m.month}-01`, { month: "short" }), long: monthLabel(`${m.month}-01`, true) })),
    series: [
      { name: "Invoiced", cls: "s1", values: months.map((m) => inCur(m.issued)) },
      { name: "Paid", cls: "s0", values: months.map((m) => inCur(m.paid)) },
    ],
    fmt: (v) => money(v, cur),
    tick: (v) => moneyShort(v, cur),
  });
  const monthRows = months.map((m) =>
    h("tr", null, h("th", { scope: "row" }, monthLabel(`${m.month}-01`, true)), h("td", { class: "num" }, amountsText(m.issued)), h("td", { class: "num" }, amountsText(m.paid))),
  );
  const monthFoot = h("tr", null, h("th", { scope: "row" }, "Total"), h("td", { class: "num" }, amountsText(issued)), h("td", { class: "num" }, amountsText(paid)));
  const clients = rep.clients || [];
  const clientTable = clients.length
    ? table(
        ["Client", { label: "Invoices", class: "num" }, { label: "Invoiced", class: "num" }, { label: "Paid", class: "num" }, { label: "Billed hours", class: "num" }, { label: "Paid per hour", class: "num" }],
        clients.map((c) =>
          h(
            "tr",
            null,
            h("th", { scope: "row", class: "wrap" }, h("a", { href: `#/clients/${c.client_id}` }, c.client_name)),
            h("td", { class: "num" }, String(c.invoices)),
            h("td", { class: "num" }, money(c.invoiced, c.currency)),
            h("td", { class: "num" }, money(c.paid, c.currency)),
            h("td", { class: "num" }, duration(c.billed_minutes)),
            h("td", { class: "num" }, c.effective_hourly_rate === null || c.effective_hourly_rate === undefined ? "—" : money(c.effective_hourly_rate, c.currency)),
          ),
        ),
        { caption: "Revenue by client", captionVisible: true, class: "report-table", stack: true },
      )
    : null;
  return section(
    "Revenue",
    h("p", { class: "muted small" }, "Invoiced counts invoices by their issue date; paid counts payments by the day they came in. Paid per hour is what a client paid of this period's invoices for each hour billed on them."),
    h("div", { class: "report-chart" }, chart),
    table(["Month", { label: "Invoiced", class: "num" }, { label: "Paid", class: "num" }], monthRows, { caption: "Revenue by month", foot: monthFoot, class: "report-table", stack: true }),
    clientTable,
  );
}

function downloadsSection(p) {
  return section("Downloads", h("p", { class: "muted small" }, `For ${p.label}. Spreadsheets open these files as they are.`), downloadLinks(p));
}
