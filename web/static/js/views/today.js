// Today: the timer with a big start/stop, today's and this week's hours,
// unbilled money per client, overdue invoices, and hours per client per
// week for the last eight weeks.

import { get, post, listAll, ApiError } from "../api.js";
import { h, mount, pageHeader, section, empty, toast, linkButton, table } from "../dom.js";
import { field, form } from "../forms.js";
import { money, duration, clock, today, weekStart, addDays, dayOf, date, time } from "../format.js";
import { refs, clientOptions, serviceOptions } from "../refs.js";
import { weeklyHours, bars } from "../chart.js";
import { stat, sumText } from "../widgets.js";

const WEEKS = 8;

async function optional(promise, fallback) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 405)) return fallback;
    throw e;
  }
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function todayView(ctx) {
  const owner = ctx.app.isOwner;
  const day = today();
  const thisWeek = weekStart(day);
  const firstWeek = addDays(thisWeek, -7 * (WEEKS - 1));
  const [r, timer, entries, unbilled, overdue] = await Promise.all([
    refs("clients", "services", "projects", "tasks"),
    optional(get("/timer"), null),
    optional(listAll("/time-entries", { from: firstWeek, to: addDays(thisWeek, 6) }), []),
    owner ? optional(get("/reports/unbilled"), null) : null,
    owner ? optional(listAll("/invoices", { status: "overdue" }), null) : null,
  ]);

  // Today and this week are the caller's own hours; the chart shows the
  // practice's (or, for an assistant, their clients').
  const mine = entries.filter((e) => e.user_id === ctx.app.me.id);
  const todayMinutes = mine.filter((e) => dayOf(e.started_at) === day).reduce((p, e) => p + e.minutes, 0);
  const weekMinutes = mine.filter((e) => dayOf(e.started_at) >= thisWeek).reduce((p, e) => p + e.minutes, 0);

  const stats = [stat("Today", duration(todayMinutes), null, "stat-today"), stat("This week", duration(weekMinutes), null, "stat-week")];
  if (owner && unbilled) stats.push(stat("Unbilled", sumText(unbilled.totals || []), plural((unbilled.clients || []).length, "client"), "stat-unbilled"));
  if (owner && overdue) {
    const byCur = new Map();
    for (const inv of overdue) byCur.set(inv.currency, (byCur.get(inv.currency) || 0) + inv.balance_due);
    stats.push(stat("Overdue", sumText([...byCur].map(([currency, amount]) => ({ currency, amount }))), plural(overdue.length, "invoice"), "stat-overdue"));
  }

  // Hours per client per week.
  const weeks = Array.from({ length: WEEKS }, (_, i) => addDays(firstWeek, 7 * i));
  const perClient = new Map();
  for (const e of entries) {
    const wi = weeks.indexOf(weekStart(dayOf(e.started_at)));
    if (wi < 0) continue;
    if (!perClient.has(e.client_id)) perClient.set(e.client_id, Array(WEEKS).fill(0));
    perClient.get(e.client_id)[wi] += e.minutes;
  }
  const chart = weeklyHours({
    title: "Hours per client, last 8 weeks",
    weeks,
    series: [...perClient].map(([cid, values]) => ({ name: r.name("clients", cid), values })),
  });

  const todays = mine.filter((e) => dayOf(e.started_at) === day).sort((a, b) => (a.started_at < b.started_at ? -1 : 1));

  const parts = [
    pageHeader("Today", h("span", { class: "muted" }, date(day, { weekday: "long", month: "long", day: "numeric" }))),
    timer === null && !r.services.length ? null : timerCard(ctx, r, timer, entries),
    h("div", { class: "stats" }, stats),
  ];
  if (owner && (unbilled || overdue)) {
    parts.push(
      h(
        "div",
        { class: "two-col" },
        unbilled
          ? section(
              "Unbilled work",
              bars({
                title: "Unbilled money per client",
                items: (unbilled.clients || []).map((c) => ({ label: c.client_name, value: c.total, text: money(c.total, c.currency), href: `#/invoices/new?client=${c.client_id}` })),
                emptyText: "All billed. Nice.",
              }),
            )
          : null,
        overdue
          ? section(
              "Overdue invoices",
              overdue.length
                ? h(
                    "ul",
                    { class: "plain-list" },
                    overdue.map((inv) =>
                      h(
                        "li",
                        { class: "row-item" },
                        h("div", null, h("a", { href: `#/invoices/${inv.id}` }, inv.number), h("div", { class: "muted small" }, `${inv.client_name} · due ${date(inv.due_date)}`)),
                        h("strong", { class: "num bad-text" }, money(inv.balance_due, inv.currency)),
                      ),
                    ),
                  )
                : h("p", { class: "muted" }, "Nothing overdue."),
            )
          : null,
      ),
    );
  }
  parts.push(h("section", { class: "card" }, chart));
  parts.push(
    section(
      "Logged today",
      todays.length
        ? table(
            ["Time", "Client", "Service", "Note", { label: "Duration", class: "num" }],
            todays.map((e) =>
              h("tr", null, h("td", null, time(e.started_at)), h("td", null, r.name("clients", e.client_id)), h("td", null, r.name("services", e.service_id)), h("td", { class: "wrap" }, e.note), h("td", { class: "num" }, duration(e.minutes))),
            ),
            { caption: "Logged today", stack: true },
          )
        : empty("Nothing logged today yet.", linkButton("#/time", "Add time by hand")),
    ),
  );
  return h("div", { class: "today" }, parts);
}

function timerCard(ctx, r, timer, entries) {
  const card = h("section", { class: "card timer-card", "aria-labelledby": "timer-h" });
  if (timer && timer.running) {
    const fetched = Date.now();
    const display = h("p", { class: "timer-clock num", id: "timer-clock" }, clock(timer.elapsed_seconds));
    const tick = setInterval(() => {
      if (!display.isConnected) {
        clearInterval(tick);
        return;
      }
      display.textContent = clock(timer.elapsed_seconds + (Date.now() - fetched) / 1000);
    }, 1000);
    const stop = h("button", { type: "button", class: "btn big stop" }, "Stop timer");
    stop.addEventListener("click", async () => {
      stop.disabled = true;
      try {
        const e = await post("/timer/stop");
        toast(`Logged ${duration(e.minutes)} for ${r.name("clients", e.client_id)}.`);
        ctx.rerender();
      } catch (err) {
        toast(err.message, "bad");
        stop.disabled = false;
      }
    });
    mount(
      card,
      h("h2", { id: "timer-h" }, "Timer running"),
      h(
        "div",
        { class: "timer-running" },
        h(
          "div",
          { class: "timer-what" },
          display,
          h("p", null, h("strong", null, r.name("clients", timer.client_id)), " · ", r.name("services", timer.service_id), timer.task_id ? ` · ${r.name("tasks", timer.task_id)}` : ""),
          timer.note ? h("p", { class: "muted" }, timer.note) : null,
          h("p", { class: "muted small" }, `Started ${time(timer.started_at)}`),
        ),
        stop,
      ),
    );
    return card;
  }
  if (!r.clients.length) {
    mount(card, h("h2", { id: "timer-h" }, "Timer"), empty("Add your first client to start tracking time.", linkButton("#/clients/new", "Add client", "primary")));
    return card;
  }
  // Start with what was worked on last.
  const last = entries.filter((e) => e.user_id === ctx.app.me.id).sort((a, b) => (a.started_at > b.started_at ? -1 : 1))[0];
  const active = r.clients.filter((c) => c.status !== "archived");
  const clientId = last && active.some((c) => c.id === last.client_id) ? last.client_id : active[0] ? active[0].id : "";
  const serviceId = last ? last.service_id : r.services.find((s) => !s.archived)?.id ?? "";
  const f = form(
    {
      submitLabel: "Start timer",
      submitKind: "primary big start",
      label: "Start the timer",
      onSubmit: async (v) => {
        const body = { client_id: v.client_id, service_id: v.service_id, note: v.note };
        if (v.task_id) body.task_id = v.task_id;
        await post("/timer/start", body);
        toast("Timer started.");
        ctx.rerender();
      },
    },
    field({ name: "client_id", label: "Client", type: "select", required: true, kind: "id", options: clientOptions(r.clients, clientId, "Choose a client"), value: clientId }),
    field({ name: "service_id", label: "Service", type: "select", required: true, kind: "id", options: serviceOptions(r.services, serviceId, "Choose a service"), value: serviceId }),
    field({ name: "task_id", label: "Task", type: "select", kind: "id", options: [["", "No task"], ...r.tasks.filter((t) => t.client_id === Number(clientId)).map((t) => [t.id, t.title])] }),
    field({ name: "note", label: "Note", placeholder: "What are you working on?", autocomplete: "off" }),
  );
  f.classList.add("timer-form");
  const client = f.querySelector('[name="client_id"]');
  const task = f.querySelector('[name="task_id"]');
  client.addEventListener("change", () => {
    const cid = Number(client.value);
    mount(task, h("option", { value: "" }, "No task"), r.tasks.filter((t) => t.client_id === cid).map((t) => h("option", { value: String(t.id) }, t.title)));
  });
  mount(card, h("h2", { id: "timer-h" }, "Timer"), f);
  return card;
}
