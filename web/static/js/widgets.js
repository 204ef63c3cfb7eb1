// Pieces that more than one view shows: option lists for selects, badges,
// figures and download links. Views import them from here, never from each
// other, so each view module stays a leaf the router alone depends on.

import { qs } from "./api.js";
import { h, badge } from "./dom.js";
import { money } from "./format.js";

const COMMON_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "INR", "PHP", "ZAR", "SGD", "HKD", "MXN", "BRL"];

/** Time zones the browser knows, the browser's own first. */
export function timeZoneOptions(selected) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch (e) {
    zones = ["UTC"];
  }
  if (!zones.includes("UTC")) zones = ["UTC", ...zones];
  if (selected && !zones.includes(selected)) zones = [selected, ...zones];
  return zones.map((z) => [z, z.replace(/_/g, " ")]);
}

/** Currencies: the common ones first, then every other ISO code. */
export function currencyOptions(selected) {
  let all = [];
  try {
    all = Intl.supportedValuesOf("currency");
  } catch (e) {
    all = [];
  }
  let names;
  try {
    names = new Intl.DisplayNames(["en"], { type: "currency" });
  } catch (e) {
    names = null;
  }
  const label = (c) => (names ? `${c} · ${names.of(c)}` : c);
  const rest = all.filter((c) => !COMMON_CURRENCIES.includes(c));
  const list = [...COMMON_CURRENCIES, ...rest];
  if (selected && !list.includes(selected)) list.unshift(selected);
  return list.map((c) => [c, label(c)]);
}

const INVOICE_STATUS = {
  draft: ["Draft", "muted"],
  issued: ["Issued", "info"],
  partially_paid: ["Partly paid", "warn"],
  paid: ["Paid", "ok"],
  void: ["Void", "muted"],
};

/** The status of an invoice as a badge; "Overdue" wins when it applies. */
export function invoiceStatusBadge(inv) {
  if (inv.overdue) return badge("Overdue", "bad");
  const [label, kind] = INVOICE_STATUS[inv.status] || [inv.status, ""];
  return badge(label, kind);
}

/** One figure of a row of stats: a label, the value, an optional line under it. */
export function stat(label, value, sub, id) {
  return h("div", { class: "stat" }, h("span", { class: "stat-label" }, label), h("strong", { class: "stat-value num", id }, value), sub ? h("span", { class: "stat-sub muted small" }, sub) : null);
}

/** Sums amounts per currency into "€1,200.00 + $300.00". */
export function sumText(amounts) {
  const list = amounts.filter((a) => a.amount);
  if (!list.length) return money(0);
  return list.map((a) => money(a.amount, a.currency)).join(" + ");
}

/** Download links for the exports of a period (or everything). */
export function downloadLinks(p) {
  const range = p ? qs({ from: p.from, to: p.to }) : "";
  const link = (path, label, what) => h("li", null, h("a", { href: `/api/v1/exports/${path}`, class: "btn small", download: "" }, label), h("span", { class: "muted small" }, what));
  return h(
    "ul",
    { class: "downloads plain-list" },
    link(`time-entries.csv${range}`, "Time entries (CSV)", p ? "Every entry of the period, with rate, amount and invoice number." : "Every entry, with rate, amount and invoice number."),
    link(`expenses.csv${range}`, "Expenses (CSV)", p ? "Expenses dated in the period." : "Every expense."),
    link(`invoices.csv${range}`, "Invoices (CSV)", p ? "Invoices issued in the period, with totals and balances." : "Every issued invoice, with totals and balances."),
    link(`invoices.zip${range}`, "Invoices with PDFs (ZIP)", "The same list and one PDF per invoice, for your accountant."),
    p ? null : link("clients.csv", "Clients (CSV)", "Every client with contact details and terms."),
  );
}
