// The work sections of a client's page: projects, open tasks and recent
// time. Each is left out where the server has no such area (404).

import { get, post, qs, listAll, ApiError } from "../../api.js";
import { h, section, empty, table, badge, toast, linkButton } from "../../dom.js";
import { field, form } from "../../forms.js";
import { money, duration, date, weekday, dayOf } from "../../format.js";

const BILLING = [
  ["hourly", "Hourly"],
  ["fixed_fee", "Fixed fee"],
  ["non_billable", "Not billable"],
];

export async function projectsSection(ctx, c) {
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

export async function tasksSection(ctx, c) {
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

export async function recentTimeSection(ctx, c, r) {
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
