// Time: a week of entries grouped by day with day totals, quick manual
// entry, edit and delete (locked entries are shown as locked), filters.

import { post, patch, del, listAll } from "../api.js";
import { h, mount, pageHeader, empty, badge, toast, confirmButton, linkButton } from "../dom.js";
import { field, form, FieldError } from "../forms.js";
import { money, duration, today, weekStart, addDays, weekday, date, dayOf, time, instantOf, zoned } from "../format.js";
import { refs, clientOptions, serviceOptions } from "../refs.js";

/**
 * Parses a duration as people write it: "1:30", "1.5", "1,5h", "90m",
 * "1h 30m". A bare number is hours. Answers minutes, or NaN.
 */
export function parseDuration(text) {
  const t = String(text).trim().toLowerCase().replace(",", ".");
  if (!t) return NaN;
  let m = /^(\d+):([0-5]?\d)$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$/.exec(t);
  if (m && (m[1] || m[2])) return Math.round(Number(m[1] || 0) * 60 + Number(m[2] || 0));
  m = /^(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return Math.round(Number(m[1]) * 60);
  return NaN;
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** Fields shared by the new-entry and edit forms. */
export function entryFields(r, e, opts = {}) {
  const clientId = e.client_id ?? opts.clientId ?? "";
  const z = e.started_at ? zoned(e.started_at) : null;
  const day = e.started_at ? dayOf(e.started_at) : opts.day || today();
  const start = z ? `${pad(z.hour)}:${pad(z.minute)}` : "09:00";
  const taskOpts = [["", "No task"], ...r.tasks.filter((t) => !clientId || t.client_id === Number(clientId) || t.id === e.task_id).map((t) => [t.id, t.title])];
  const projOpts = [["", "No project"], ...r.projects.filter((p) => (!clientId || p.client_id === Number(clientId)) && (p.status !== "archived" || p.id === e.project_id)).map((p) => [p.id, p.name])];
  const fields = [
    field({ name: "day", label: "Date", type: "date", required: true, value: day }),
    field({ name: "start", label: "Start time", type: "time", required: true, value: start }),
    field({ name: "duration", label: "Duration", required: true, value: e.minutes ? `${Math.floor(e.minutes / 60)}:${pad(e.minutes % 60)}` : "", hint: "e.g. 1:30, 1.5 or 45m", autocomplete: "off" }),
    field({ name: "client_id", label: "Client", type: "select", required: true, kind: "id", options: clientOptions(r.clients, e.client_id, "Choose a client"), value: clientId }),
    field({ name: "service_id", label: "Service", type: "select", required: true, kind: "id", options: serviceOptions(r.services, e.service_id, "Choose a service"), value: e.service_id ?? "" }),
    r.projects.length ? field({ name: "project_id", label: "Project", type: "select", kind: "id", options: projOpts, value: e.project_id ?? "" }) : null,
    field({ name: "task_id", label: "Task", type: "select", kind: "id", options: taskOpts, value: e.task_id ?? "" }),
    field({ name: "billable", label: "Billable", type: "checkbox", value: e.billable ?? true }),
    field({ name: "note", label: "Note", value: e.note, hint: "The client sees this on the portal and the invoice timesheet.", wide: true }),
    field({ name: "internal_note", label: "Internal note", value: e.internal_note, hint: "Only your team sees this.", wide: true }),
  ];
  return fields;
}

/** Keeps the task and project selects to the chosen client's. */
export function linkClientSelects(formEl, r) {
  const client = formEl.querySelector('[name="client_id"]');
  const task = formEl.querySelector('[name="task_id"]');
  const project = formEl.querySelector('[name="project_id"]');
  if (!client) return;
  client.addEventListener("change", () => {
    const cid = Number(client.value);
    if (task) {
      const keep = task.value;
      mount(task, h("option", { value: "" }, "No task"), r.tasks.filter((t) => t.client_id === cid).map((t) => h("option", { value: String(t.id) }, t.title)));
      task.value = [...task.options].some((o) => o.value === keep) ? keep : "";
    }
    if (project) {
      mount(project, h("option", { value: "" }, "No project"), r.projects.filter((p) => p.client_id === cid && p.status !== "archived").map((p) => h("option", { value: String(p.id) }, p.name)));
    }
  });
}

/** Turns the form's values into an entry body. */
export function entryBody(v) {
  const minutes = parseDuration(v.duration);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new FieldError("duration", "must be a time such as 1:30, 1.5 or 45m");
  if (minutes > 1440) throw new FieldError("duration", "must be at most 24 hours");
  const [hh, mm] = String(v.start).split(":").map(Number);
  const body = {
    client_id: v.client_id,
    service_id: v.service_id,
    started_at: instantOf(v.day, hh, mm).toISOString(),
    minutes,
    billable: v.billable,
    note: v.note,
    internal_note: v.internal_note,
    task_id: v.task_id,
  };
  if ("project_id" in v) body.project_id = v.project_id;
  return body;
}

/** The time page: ?week=YYYY-MM-DD (a Monday), ?client=, ?service=, ?edit=. */
export async function timeView(ctx) {
  const q = ctx.query;
  const owner = ctx.app.isOwner;
  const monday = weekStart(q.week || today());
  const sunday = addDays(monday, 6);
  const r = await refs("clients", "services", "projects", "tasks");
  const entries = await listAll("/time-entries", { from: monday, to: sunday, client_id: q.client, service_id: q.service });

  const byDay = new Map();
  for (let i = 0; i < 7; i++) byDay.set(addDays(monday, i), []);
  for (const e of entries) {
    const d = dayOf(e.started_at);
    if (byDay.has(d)) byDay.get(d).push(e);
  }
  const weekMinutes = entries.reduce((p, e) => p + e.minutes, 0);
  const editing = Number(q.edit || 0);

  const go = (extra) => ctx.navigate("/time", { week: monday, client: q.client, service: q.service, ...extra });

  // Filters.
  const clientSel = h("select", { id: "time-client" }, [["", "All clients"], ...clientOptions(r.clients, Number(q.client))].map(([v, l]) => h("option", { value: String(v) }, l)));
  clientSel.value = q.client || "";
  clientSel.addEventListener("change", () => go({ client: clientSel.value }));
  const serviceSel = h("select", { id: "time-service" }, [["", "All services"], ...serviceOptions(r.services, Number(q.service))].map(([v, l]) => h("option", { value: String(v) }, l)));
  serviceSel.value = q.service || "";
  serviceSel.addEventListener("change", () => go({ service: serviceSel.value }));

  const weekNav = h(
    "div",
    { class: "week-nav" },
    h("a", { class: "btn", href: `#/time?week=${addDays(monday, -7)}${q.client ? `&client=${q.client}` : ""}`, "aria-label": "Previous week" }, "‹"),
    h("span", { class: "week-label" }, `${date(monday, { month: "short", day: "numeric" })} – ${date(sunday)}`),
    h("a", { class: "btn", href: `#/time?week=${addDays(monday, 7)}${q.client ? `&client=${q.client}` : ""}`, "aria-label": "Next week" }, "›"),
    monday !== weekStart(today()) ? h("a", { class: "btn", href: "#/time" }, "This week") : null,
  );

  // Quick entry.
  const addForm = form(
    {
      submitLabel: "Add time",
      label: "Add time",
      onSubmit: async (v) => {
        const e = await post("/time-entries", entryBody(v));
        toast(`Logged ${duration(e.minutes)} for ${r.name("clients", e.client_id)}.`);
        const wk = weekStart(dayOf(e.started_at));
        ctx.navigate("/time", { week: wk, client: q.client, service: q.service });
      },
    },
    entryFields(r, {}, { clientId: q.client, day: today() >= monday && today() <= sunday ? today() : monday }),
  );
  linkClientSelects(addForm, r);

  const days = [...byDay.entries()].map(([d, list]) => {
    const total = list.reduce((p, e) => p + e.minutes, 0);
    const isToday = d === today();
    return h(
      "section",
      { class: ["day", isToday ? "today" : "", list.length ? "" : "empty-day"], "aria-label": weekday(d) },
      h("header", { class: "day-head" }, h("h3", null, weekday(d), isToday ? h("span", { class: "muted" }, " · today") : null), h("span", { class: "day-total num" }, duration(total))),
      list.length
        ? h(
            "ul",
            { class: "entries" },
            list
              .slice()
              .sort((a, b) => (a.started_at < b.started_at ? -1 : 1))
              .map((e) => (editing === e.id && !e.locked ? editRow(ctx, r, e, go) : entryRow(ctx, r, e, owner, go))),
          )
        : null,
    );
  });

  return h(
    "div",
    null,
    pageHeader("Time", weekNav),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "time-client" }, "Client"), clientSel),
      h("div", { class: "field" }, h("label", { for: "time-service" }, "Service"), serviceSel),
      h("div", { class: "stat-inline" }, h("span", { class: "muted" }, "Week total"), h("strong", { class: "num", id: "week-total" }, duration(weekMinutes))),
    ),
    r.clients.length === 0
      ? empty("Add a client first; time is always logged for a client.", linkButton("#/clients/new", "Add client", "primary"))
      : h("details", { class: "card add-time", open: entries.length === 0 || undefined }, h("summary", null, h("span", { class: "h2" }, "Add time")), addForm),
    h("div", { class: "week" }, days),
  );
}

function entryRow(ctx, r, e, owner, go) {
  const end = new Date(new Date(e.started_at).getTime() + e.minutes * 60000);
  return h(
    "li",
    { class: ["entry", e.locked ? "locked" : ""] },
    h("div", { class: "entry-time muted small" }, `${time(e.started_at)}–${time(end)}`),
    h(
      "div",
      { class: "entry-main" },
      h("div", null, h("a", { href: `#/clients/${e.client_id}` }, r.name("clients", e.client_id)), h("span", { class: "muted" }, ` · ${r.name("services", e.service_id)}`), e.task_id ? h("span", { class: "muted" }, ` · ${r.name("tasks", e.task_id)}`) : null),
      e.note ? h("div", { class: "entry-note" }, e.note) : null,
      e.internal_note ? h("div", { class: "entry-note muted small" }, `Internal: ${e.internal_note}`) : null,
    ),
    h(
      "div",
      { class: "entry-side" },
      h("strong", { class: "num" }, duration(e.minutes)),
      e.billable && e.billable_minutes !== e.minutes ? h("span", { class: "muted small" }, `billed ${duration(e.billable_minutes)}`) : null,
      owner ? h("span", { class: "num muted small" }, e.billable ? money(e.amount, e.currency) : "not billable") : !e.billable ? h("span", { class: "muted small" }, "not billable") : null,
      e.locked ? badge("Invoiced · locked", "muted") : e.draft_invoice_id ? badge("On a draft", "info") : null,
    ),
    h(
      "div",
      { class: "entry-actions" },
      e.locked
        ? null
        : [
            h("button", { type: "button", class: "btn small", "aria-label": `Edit entry of ${duration(e.minutes)} for ${r.name("clients", e.client_id)}`, onclick: () => go({ edit: e.id }) }, "Edit"),
            confirmButton("Delete", "Delete this entry?", "Delete", async () => {
              await del(`/time-entries/${e.id}`);
              toast("Entry deleted.");
              ctx.rerender();
            }),
          ],
    ),
  );
}

function editRow(ctx, r, e, go) {
  const f = form(
    {
      submitLabel: "Save entry",
      label: "Edit entry",
      onSubmit: async (v) => {
        await patch(`/time-entries/${e.id}`, { ...entryBody(v), version: e.version });
        toast("Entry saved.");
        go({ edit: "" });
      },
      secondary: h("button", { type: "button", class: "btn", onclick: () => go({ edit: "" }) }, "Cancel"),
    },
    entryFields(r, e),
  );
  linkClientSelects(f, r);
  setTimeout(() => f.querySelector("input")?.focus(), 0);
  return h("li", { class: "entry editing" }, f);
}
