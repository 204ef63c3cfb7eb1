// Tasks: a board by status for one client or all, with due dates and the
// client's own requests marked; a task's page to edit it and see its time.

import { get, post, patch, del, listAll, ApiError } from "../api.js";
import { h, pageHeader, section, empty, badge, toast, confirmButton, linkButton, table } from "../dom.js";
import { field, form, changed } from "../forms.js";
import { date, today, duration, weekday, dayOf, money } from "../format.js";
import { refs, clientOptions, serviceOptions } from "../refs.js";

export const STATUSES = [
  ["todo", "To do"],
  ["in_progress", "In progress"],
  ["waiting", "Waiting"],
  ["done", "Done"],
];

export const PRIORITIES = [
  ["low", "Low"],
  ["normal", "Normal"],
  ["high", "High"],
  ["urgent", "Urgent"],
];

function dueBadge(t) {
  if (!t.due_on) return null;
  const overdue = t.status !== "done" && t.due_on < today();
  const isToday = t.due_on === today();
  return h("span", { class: ["due", overdue ? "overdue" : "", isToday ? "due-today" : ""] }, overdue ? `Overdue · ${date(t.due_on)}` : isToday ? "Due today" : `Due ${date(t.due_on)}`);
}

function priorityBadge(p) {
  if (p === "normal") return null;
  return badge((PRIORITIES.find(([v]) => v === p) || [p, p])[1], { low: "muted", high: "warn", urgent: "bad" }[p] || "");
}

function card(ctx, r, t, showClient) {
  const sel = h("select", { id: `task-status-${t.id}`, class: "compact" }, STATUSES.map(([v, l]) => h("option", { value: v }, l)));
  sel.value = t.status;
  sel.addEventListener("change", async () => {
    try {
      await patch(`/tasks/${t.id}`, { status: sel.value, version: t.version });
      toast(`Moved to ${STATUSES.find(([v]) => v === sel.value)[1]}.`);
    } catch (e) {
      toast(e instanceof ApiError && e.status === 409 ? "Someone changed this task meanwhile; showing the latest." : e.message, "bad");
    }
    ctx.rerender();
  });
  return h(
    "li",
    { class: "task-card" },
    h("a", { href: `#/tasks/${t.id}`, class: "task-title" }, t.title),
    h("div", { class: "task-meta" }, showClient ? h("span", { class: "muted small" }, r.name("clients", t.client_id)) : null, t.requested_by_id ? badge("Client request", "info") : null, priorityBadge(t.priority), dueBadge(t)),
    h("div", { class: "task-move" }, h("label", { for: sel.id, class: "sr-only" }, `Status of ${t.title}`), sel),
  );
}

/** The board: ?client= narrows it to one client. */
export async function tasksView(ctx) {
  const q = ctx.query;
  const r = await refs("clients", "services", "projects", "users");
  const tasks = await listAll("/tasks", { client_id: q.client });
  const clientSel = h("select", { id: "task-client" }, [["", "All clients"], ...clientOptions(r.clients, Number(q.client))].map(([v, l]) => h("option", { value: String(v) }, l)));
  clientSel.value = q.client || "";
  clientSel.addEventListener("change", () => ctx.navigate("/tasks", { client: clientSel.value }));

  const cols = STATUSES.map(([st, label]) => {
    let list = tasks.filter((t) => t.status === st);
    list.sort((a, b) => (a.due_on || "9999") .localeCompare(b.due_on || "9999") || a.id - b.id);
    if (st === "done") list = list.slice(-20).reverse();
    return h(
      "section",
      { class: ["column", `col-${st}`], "aria-label": label },
      h("header", { class: "column-head" }, h("h2", null, label), h("span", { class: "count" }, String(list.length))),
      list.length ? h("ul", { class: "cards" }, list.map((t) => card(ctx, r, t, !q.client))) : h("p", { class: "muted small column-empty" }, "Nothing here."),
    );
  });

  const add = form(
    {
      submitLabel: "Add task",
      label: "Add task",
      onSubmit: async (v) => {
        const body = { client_id: v.client_id, title: v.title, description: v.description, priority: v.priority, due_on: v.due_on || null, service_id: v.service_id, assignee_id: v.assignee_id };
        if (v.project_id) body.project_id = v.project_id;
        await post("/tasks", body);
        toast("Task added.");
        ctx.rerender();
      },
    },
    taskFields(r, { client_id: q.client ? Number(q.client) : null }),
  );

  return h(
    "div",
    null,
    pageHeader("Tasks"),
    h("div", { class: "filters", role: "search" }, h("div", { class: "field" }, h("label", { for: "task-client" }, "Client"), clientSel)),
    r.clients.length ? h("details", { class: "card add-task", open: tasks.length === 0 || undefined }, h("summary", null, h("span", { class: "h2" }, "Add task")), add) : empty("Add a client first; every task belongs to a client.", linkButton("#/clients/new", "Add client", "primary")),
    h("div", { class: "board" }, cols),
  );
}

function taskFields(r, t) {
  const staff = r.users.filter((u) => u.role !== "client" && !u.disabled_at);
  return [
    field({ name: "title", label: "Title", required: true, value: t.title, wide: true }),
    field({ name: "client_id", label: "Client", type: "select", required: true, kind: "id", options: clientOptions(r.clients, t.client_id, "Choose a client"), value: t.client_id ?? "" }),
    field({ name: "due_on", label: "Due date", type: "date", value: t.due_on || "" }),
    field({ name: "priority", label: "Priority", type: "select", options: PRIORITIES, value: t.priority || "normal" }),
    field({ name: "service_id", label: "Service", type: "select", kind: "id", options: serviceOptions(r.services, t.service_id, "No service"), value: t.service_id ?? "" }),
    r.projects.length ? field({ name: "project_id", label: "Project", type: "select", kind: "id", options: [["", "No project"], ...r.projects.filter((p) => p.status !== "archived" || p.id === t.project_id).map((p) => [p.id, `${p.name} (${r.name("clients", p.client_id)})`])], value: t.project_id ?? "" }) : null,
    staff.length > 1 ? field({ name: "assignee_id", label: "Assignee", type: "select", kind: "id", options: [["", "Nobody"], ...staff.map((u) => [u.id, u.name])], value: t.assignee_id ?? "" }) : null,
    field({ name: "description", label: "Description", type: "textarea", value: t.description, wide: true }),
  ];
}

/** One task: edit it, move it, see its time. */
export async function taskDetail(ctx) {
  const id = Number(ctx.params.id);
  const [t, r] = await Promise.all([get(`/tasks/${id}`), refs("clients", "services", "projects", "users")]);
  let entries = [];
  try {
    entries = await listAll("/time-entries", { task_id: id });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  const before = { ...t, due_on: t.due_on || "" };
  const f = form(
    {
      submitLabel: "Save task",
      label: "Edit task",
      onSubmit: async (v) => {
        const body = changed({ ...v, status: v.status }, before);
        if ("due_on" in body && body.due_on === "") body.due_on = null;
        if (Object.keys(body).length) await patch(`/tasks/${id}`, { ...body, version: t.version });
        toast("Task saved.");
        ctx.rerender();
      },
    },
    field({ name: "status", label: "Status", type: "select", options: STATUSES, value: t.status }),
    taskFields(r, t),
  );
  const total = entries.reduce((p, e) => p + e.minutes, 0);
  return h(
    "div",
    null,
    pageHeader(t.title, linkButton(`#/time?client=${t.client_id}`, "Log time"), linkButton(`#/tasks?client=${t.client_id}`, "Back to the board")),
    h("p", { class: "task-meta" }, h("a", { href: `#/clients/${t.client_id}` }, r.name("clients", t.client_id)), t.requested_by_id ? badge("Client request", "info") : null, priorityBadge(t.priority), dueBadge(t)),
    section("Details", f),
    section(
      `Time on this task · ${duration(total)}`,
      entries.length
        ? table(
            ["Date", "Note", { label: "Time", class: "num" }, ctx.app.isOwner ? { label: "Amount", class: "num" } : null].filter(Boolean),
            entries.map((e) => h("tr", null, h("td", null, weekday(dayOf(e.started_at))), h("td", { class: "wrap" }, e.note), h("td", { class: "num" }, duration(e.minutes)), ctx.app.isOwner ? h("td", { class: "num" }, money(e.amount, e.currency)) : null)),
            { caption: "Time on this task", stack: true },
          )
        : empty("No time logged on this task yet."),
    ),
    h(
      "section",
      { class: "card danger-zone" },
      h("h2", null, "Delete"),
      confirmButton("Delete task", "Delete this task? A task with time cannot be deleted; mark it done instead.", "Yes, delete", async () => {
        await del(`/tasks/${id}`);
        toast("Task deleted.");
        ctx.navigate("/tasks", { client: t.client_id });
      }),
    ),
  );
}
