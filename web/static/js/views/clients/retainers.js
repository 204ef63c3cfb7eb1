// The retainer section of a client's page: monthly packages of hours, this
// month's use of each as a bar, and the form that adds one.

import { get, post, del, ApiError } from "../../api.js";
import { h, s, section, empty, badge, toast, confirmButton } from "../../dom.js";
import { field, form, FieldError } from "../../forms.js";
import { money, duration, date, today } from "../../format.js";

const AUTO = [
  ["off", "I invoice each month myself"],
  ["draft", "Draft an invoice on the 1st"],
  ["issue", "Issue an invoice on the 1st"],
];

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

export async function retainersSection(ctx, c) {
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
