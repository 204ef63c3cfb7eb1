// Settings: the practice, its services and default rates, invoicing
// (number pattern, taxes, texts), users, API tokens, calendar feed links,
// and data (import time from Toggl or Harvest, export everything).

import { get, post, patch, del, qs, listAll, available, putFile } from "../api.js";
import { h, mount, pageHeader, section, empty, table, badge, toast, confirmButton } from "../dom.js";
import { field, form, changed, showErrors, clearErrors, FieldError } from "../forms.js";
import { money, dateTime, percentBP, configure } from "../format.js";
import { timeZoneOptions, currencyOptions, downloadLinks } from "../widgets.js";

const TABS = [
  ["practice", "Practice"],
  ["services", "Services"],
  ["invoicing", "Invoicing"],
  ["users", "Users"],
  ["tokens", "API tokens"],
  ["calendar", "Calendar"],
  ["data", "Data"],
];

function tabs(currentTab, shown) {
  return h(
    "nav",
    { class: "tabs", "aria-label": "Settings sections" },
    h(
      "ul",
      null,
      TABS.filter(([k]) => shown.includes(k)).map(([k, label]) =>
        h("li", null, h("a", { href: `#/settings?tab=${k}`, "aria-current": k === currentTab ? "page" : false }, label)),
      ),
    ),
  );
}

/** The settings page; ?tab= picks the section. */
export async function settingsView(ctx) {
  const owner = ctx.app.isOwner;
  const hasUsers = owner && (await available("/users"));
  const shown = ["practice", "services", owner ? "invoicing" : null, hasUsers ? "users" : null, "tokens", "calendar", owner ? "data" : null].filter(Boolean);
  const tab = shown.includes(ctx.query.tab) ? ctx.query.tab : "practice";
  let body;
  if (tab === "practice") body = await practiceTab(ctx);
  else if (tab === "services") body = await servicesTab(ctx);
  else if (tab === "invoicing") body = await invoicingTab(ctx);
  else if (tab === "users") body = await usersTab(ctx);
  else if (tab === "calendar") body = await calendarTab(ctx);
  else if (tab === "data") body = dataTab(ctx);
  else body = await tokensTab(ctx);
  return h("div", null, pageHeader("Settings"), tabs(tab, shown), body);
}

async function saveSettings(ctx, v, before) {
  const body = changed(v, before);
  if (Object.keys(body).length) {
    const s = await patch("/settings", body);
    ctx.app.settings = s;
    configure(s);
    const name = document.querySelector(".practice-name");
    if (name) name.textContent = s.name;
  }
  toast("Settings saved.");
  ctx.rerender();
}

async function practiceTab(ctx) {
  const s = await get("/settings");
  const ro = !ctx.app.isOwner;
  const f = form(
    { submitLabel: "Save settings", label: "Practice", onSubmit: (v) => saveSettings(ctx, v, s) },
    field({ name: "name", label: "Practice name", required: true, value: s.name, readonly: ro }),
    field({ name: "email", label: "Email", type: "email", value: s.email, readonly: ro }),
    field({ name: "phone", label: "Phone", type: "tel", value: s.phone, readonly: ro }),
    field({ name: "tax_id", label: "Tax ID", value: s.tax_id, readonly: ro }),
    field({ name: "address", label: "Address", type: "textarea", value: s.address, readonly: ro, wide: true }),
    field({ name: "timezone", label: "Time zone", type: "select", options: timeZoneOptions(s.timezone), value: s.timezone, disabled: ro, hint: "Days and weeks are counted in this zone." }),
    field({ name: "locale", label: "Locale", value: s.locale, readonly: ro, hint: "How dates and amounts are written, e.g. en-US, en-GB, de-DE." }),
    field({ name: "currency", label: "Currency", type: "select", options: currencyOptions(s.currency), value: s.currency, disabled: ro, hint: "For new clients; each client keeps its own." }),
  );
  if (ro) f.querySelector(".form-actions").remove();
  return section("Practice", f);
}

async function invoicingTab(ctx) {
  const s = await get("/settings");
  const f = form(
    { submitLabel: "Save settings", label: "Invoicing", onSubmit: (v) => saveSettings(ctx, v, s) },
    field({ name: "invoice_pattern", label: "Invoice number pattern", value: s.invoice_pattern, hint: "Use {YYYY}, {YY}, {MM}, {CLIENT} and {SEQ} or {SEQ:4}, e.g. INV-{YYYY}-{SEQ:4}." }),
    field({ name: "default_tax_name", label: "Tax name", value: s.default_tax_name, placeholder: "e.g. VAT" }),
    field({ name: "default_tax_rate", label: "Tax rate (%)", type: "percent", value: s.default_tax_rate, hint: `Now ${percentBP(s.default_tax_rate)}.` }),
    field({ name: "payment_details", label: "Payment details", type: "textarea", value: s.payment_details, wide: true, hint: "Bank account or payment link, printed on invoices." }),
    field({ name: "default_notes", label: "Invoice notes", type: "textarea", value: s.default_notes, wide: true }),
    field({ name: "default_footer", label: "Invoice footer", type: "textarea", value: s.default_footer, wide: true }),
  );
  return h("div", null, section("Invoicing", f), logoSection(ctx, s));
}

function logoSection(ctx, s) {
  const input = h("input", { type: "file", id: "logo-file", name: "logo", accept: "image/png,image/jpeg" });
  const f = form(
    {
      submitLabel: s.has_logo ? "Replace logo" : "Upload logo",
      label: "Logo",
      onSubmit: async () => {
        const file = input.files && input.files[0];
        if (!file) throw new FieldError("logo", "choose a PNG or JPEG file");
        await putFile("/settings/logo", file);
        toast("Logo saved. It appears on new PDFs.");
        ctx.rerender();
      },
      secondary: s.has_logo
        ? confirmButton("Remove logo", "Remove the logo from invoices?", "Remove", async () => {
            await del("/settings/logo");
            toast("Logo removed.");
            ctx.rerender();
          })
        : null,
    },
    h("div", { class: "field wide" }, h("label", { for: "logo-file" }, "Logo (PNG or JPEG)"), input, h("p", { class: "hint" }, s.has_logo ? "A logo is set; it is printed at the top of invoices." : "Printed at the top of your invoices.")),
  );
  return section("Logo", f);
}

async function servicesTab(ctx) {
  const owner = ctx.app.isOwner;
  const items = await listAll("/services", {});
  const cur = ctx.app.settings.currency;
  const editing = Number(ctx.query.edit || 0);
  const rows = items.map((sv) => {
    if (editing === sv.id && owner) {
      const f = form(
        {
          submitLabel: "Save service",
          label: `Edit ${sv.name}`,
          onSubmit: async (v) => {
            const body = changed(v, sv);
            if (Object.keys(body).length) await patch(`/services/${sv.id}`, body);
            toast("Service saved.");
            ctx.navigate("/settings", { tab: "services" });
          },
          secondary: h("a", { href: "#/settings?tab=services", class: "btn" }, "Cancel"),
        },
        field({ name: "name", label: "Service name", required: true, value: sv.name }),
        field({ name: "default_hourly_rate", label: "Default hourly rate", type: "money", value: sv.default_hourly_rate }),
        field({ name: "billable", label: "Billable", type: "checkbox", value: sv.billable }),
        field({ name: "description", label: "Description", type: "textarea", value: sv.description, wide: true }),
      );
      return h("tr", null, h("td", { colspan: "4" }, f));
    }
    return h(
      "tr",
      { class: sv.archived ? "dim" : "" },
      h("th", { scope: "row", class: "wrap" }, sv.name, sv.description ? h("div", { class: "muted small" }, sv.description) : null),
      owner ? h("td", { class: "num" }, money(sv.default_hourly_rate, cur)) : null,
      h("td", null, sv.archived ? badge("Archived", "muted") : sv.billable ? badge("Billable", "ok") : badge("Not billable", "muted")),
      h(
        "td",
        { class: "actions-cell" },
        owner ? h("a", { href: `#/settings?tab=services&edit=${sv.id}`, class: "btn small", "aria-label": `Edit ${sv.name}` }, "Edit") : null,
        owner && !sv.archived
          ? confirmButton("Archive", `Archive ${sv.name}? It stays on past work.`, "Archive", async () => {
              await del(`/services/${sv.id}`);
              toast("Service archived.");
              ctx.rerender();
            })
          : null,
        owner && sv.archived
          ? h(
              "button",
              {
                type: "button",
                class: "btn small",
                onclick: async () => {
                  await patch(`/services/${sv.id}`, { archived: false });
                  ctx.rerender();
                },
              },
              "Restore",
            )
          : null,
      ),
    );
  });
  const add = owner
    ? h(
        "details",
        { class: "add", open: items.length === 0 },
        h("summary", null, "Add service"),
        form(
          {
            submitLabel: "Add service",
            label: "Add service",
            onSubmit: async (v) => {
              const body = { name: v.name, description: v.description, billable: v.billable };
              if (v.default_hourly_rate !== null) body.default_hourly_rate = v.default_hourly_rate;
              await post("/services", body);
              toast("Service added.");
              ctx.rerender();
            },
          },
          field({ name: "name", label: "Service name", required: true }),
          field({ name: "default_hourly_rate", label: "Default hourly rate", type: "money" }),
          field({ name: "billable", label: "Billable", type: "checkbox", value: true }),
          field({ name: "description", label: "Description", type: "textarea", wide: true }),
        ),
      )
    : null;
  return section(
    "Services",
    h("p", { class: "muted small" }, owner ? "What you sell, with the hourly rate that applies unless a client or project has its own." : "What the practice sells; pick one when you log time."),
    items.length ? table(["Service", owner ? { label: "Default rate", class: "num" } : null, "Status", ""].filter(Boolean), rows, { caption: "Services", stack: true }) : empty("No services yet."),
    add,
  );
}

async function usersTab(ctx) {
  const [items, clients] = await Promise.all([listAll("/users"), listAll("/clients")]);
  const active = clients.filter((c) => c.status !== "archived");
  const roleName = { owner: "Owner", assistant: "Assistant", client: "Client" };
  const clientBoxes = (selected, prefix) =>
    h(
      "fieldset",
      { class: "field wide checks" },
      h("legend", null, "Clients they work for"),
      active.length
        ? active.map((c) => {
            const id = `${prefix}-client-${c.id}`;
            const box = h("input", { type: "checkbox", id, value: String(c.id), dataset: { client: "1" } });
            box.checked = selected.includes(c.id);
            return h("div", { class: "check" }, box, h("label", { for: id }, c.name));
          })
        : h("p", { class: "muted small" }, "No clients yet."),
    );
  const chosen = (el) => [...el.querySelectorAll("input[data-client]")].filter((b) => b.checked).map((b) => Number(b.value));
  const editing = Number(ctx.query.edit || 0);

  const rows = items.map((u) => {
    if (editing === u.id && u.role === "assistant") {
      const f = form(
        {
          submitLabel: "Save",
          label: `Edit ${u.name}`,
          onSubmit: async (v, el) => {
            await patch(`/users/${u.id}`, { name: v.name, client_ids: chosen(el) });
            toast("User saved.");
            ctx.navigate("/settings", { tab: "users" });
          },
          secondary: h("a", { href: "#/settings?tab=users", class: "btn" }, "Cancel"),
        },
        field({ name: "name", label: "Name", required: true, value: u.name }),
        clientBoxes(u.client_ids || [], `u${u.id}`),
      );
      return h("tr", null, h("td", { colspan: "5" }, f));
    }
    const their = u.role === "assistant" ? (u.client_ids || []).map((id) => clients.find((c) => c.id === id)?.name || `#${id}`).join(", ") || "none yet" : "all";
    return h(
      "tr",
      { class: u.disabled_at ? "dim" : "" },
      h("td", null, u.name),
      h("td", null, u.email),
      h("td", null, roleName[u.role] || u.role, u.disabled_at ? [" ", badge("Disabled", "muted")] : null),
      h("td", { class: "wrap" }, their),
      h(
        "td",
        { class: "actions-cell" },
        u.role === "assistant" && !u.disabled_at ? h("a", { href: `#/settings?tab=users&edit=${u.id}`, class: "btn small", "aria-label": `Edit ${u.name}` }, "Edit") : null,
        u.id !== ctx.app.me.id && !u.disabled_at
          ? confirmButton("Disable", `Disable ${u.name}? They can no longer log in; their time stays.`, "Disable", async () => {
              await del(`/users/${u.id}`);
              toast("User disabled.");
              ctx.rerender();
            })
          : null,
        u.disabled_at
          ? h(
              "button",
              {
                type: "button",
                class: "btn small",
                onclick: async () => {
                  await patch(`/users/${u.id}`, { disabled: false });
                  toast(`${u.name} can log in again.`);
                  ctx.rerender();
                },
              },
              "Enable",
            )
          : null,
      ),
    );
  });
  const f = form(
    {
      submitLabel: "Add assistant",
      label: "Add an assistant",
      onSubmit: async (v, el) => {
        await post("/users", { name: v.name, email: v.email, password: v.password, role: "assistant", client_ids: chosen(el) });
        toast("Assistant added.");
        ctx.rerender();
      },
    },
    field({ name: "name", label: "Name", required: true }),
    field({ name: "email", label: "Email", type: "email", required: true }),
    field({ name: "password", label: "Password", type: "password", required: true, autocomplete: "new-password", hint: "At least 12 characters; they can change it." }),
    clientBoxes([], "new"),
  );
  return section(
    "Users",
    h("p", { class: "muted small" }, "Assistants log time and work tasks for the clients you give them; they never see rates, invoices or settings."),
    table(["Name", "Email", "Role", "Clients", ""], rows, { caption: "Users", stack: true }),
    h("details", { class: "add" }, h("summary", null, "Add an assistant"), f),
  );
}

async function tokensTab(ctx) {
  const page = await get("/tokens");
  const out = h("div", { "aria-live": "polite" });
  const f = form(
    {
      submitLabel: "Create token",
      label: "Create an API token",
      onSubmit: async (v, el) => {
        const t = await post("/tokens", v);
        el.reset();
        const input = h("input", { type: "text", readonly: true, value: t.token, id: "new-token", class: "copy-input" });
        mount(out, h("div", { class: "notice" }, h("label", { for: "new-token" }, `Token "${t.name}" (copy it now: it is shown only once)`), input));
        input.select();
        await drawList();
      },
    },
    field({ name: "name", label: "Token name", required: true, placeholder: "e.g. Zapier" }),
  );
  const listEl = h("div");
  const drawList = async () => {
    const p = await get("/tokens");
    draw(p.items);
  };
  const draw = (items) => {
    mount(
      listEl,
      items.length
        ? table(
            ["Name", "Starts with", "Created", "Last used", ""],
            items.map((t) =>
              h(
                "tr",
                { class: t.revoked_at ? "dim" : "" },
                h("td", null, t.name),
                h("td", null, h("code", null, `${t.prefix}…`)),
                h("td", null, dateTime(t.created_at)),
                h("td", null, t.last_used_at ? dateTime(t.last_used_at) : "never"),
                h(
                  "td",
                  { class: "actions-cell" },
                  t.revoked_at
                    ? badge("Revoked", "muted")
                    : confirmButton("Revoke", `Revoke "${t.name}"? Programs using it stop working.`, "Revoke", async () => {
                        await del(`/tokens/${t.id}`);
                        toast("Token revoked.");
                        await drawList();
                      }),
                ),
              ),
            ),
            { caption: "API tokens", stack: true },
          )
        : empty("No API tokens. Tokens let other programs use the vadesk API as you."),
    );
  };
  draw(page.items);
  return section("API tokens", listEl, f, out);
}


/**
 * A read-only field with a secret shown once, and a button that copies it.
 * Where the clipboard is not allowed, the text is left selected instead.
 */
function copyBox(id, label, value, hint) {
  const input = h("input", { type: "text", readonly: true, value, id, class: "copy-input", "aria-describedby": hint ? `${id}-hint` : null });
  const copy = h(
    "button",
    {
      type: "button",
      class: "btn",
      onclick: async () => {
        input.focus();
        input.select();
        try {
          await navigator.clipboard.writeText(value);
          toast("Copied.");
        } catch (e) {
          toast("Press Ctrl+C (⌘C on a Mac) to copy the selected text.");
        }
      },
    },
    "Copy",
  );
  return h(
    "div",
    { class: "notice" },
    h("label", { for: id }, label),
    h("div", { class: "copy-row" }, input, copy),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
  );
}

async function calendarTab(ctx) {
  const page = await get("/calendar-tokens");
  const out = h("div", { "aria-live": "polite" });
  const listEl = h("div");
  const drawList = async () => draw((await get("/calendar-tokens")).items);
  const draw = (items) => {
    mount(
      listEl,
      items.length
        ? table(
            ["Name", "Starts with", "Created", "Last used", ""],
            items.map((t) =>
              h(
                "tr",
                { class: t.revoked_at ? "dim" : "" },
                h("td", null, t.name || "Calendar link"),
                h("td", null, h("code", null, `${t.prefix}…`)),
                h("td", null, dateTime(t.created_at)),
                h("td", null, t.last_used_at ? dateTime(t.last_used_at) : "never"),
                h(
                  "td",
                  { class: "actions-cell" },
                  t.revoked_at
                    ? badge("Revoked", "muted")
                    : confirmButton("Revoke", `Revoke "${t.name || "Calendar link"}"? Calendars subscribed to it stop updating.`, "Revoke", async () => {
                        await del(`/calendar-tokens/${t.id}`);
                        toast("Calendar link revoked.");
                        await drawList();
                      }),
                ),
              ),
            ),
            { caption: "Calendar links", stack: true },
          )
        : empty("No calendar links yet. Make one to see your tasks' due dates in your calendar."),
    );
  };
  const f = form(
    {
      submitLabel: "Create link",
      label: "Create a calendar link",
      onSubmit: async (v, el) => {
        const t = await post("/calendar-tokens", { name: v.name });
        el.reset();
        // Without a configured public address the API answers a path.
        const url = new URL(t.url, location.origin).href;
        mount(
          out,
          copyBox(
            "new-calendar-url",
            `Feed link "${t.name || "Calendar link"}" (copy it now: it is shown only once)`,
            url,
            "Google Calendar: Other calendars → From URL. Apple Calendar: File → New Calendar Subscription. Outlook: Add calendar → Subscribe from web.",
          ),
        );
        out.querySelector("input").select();
        await drawList();
      },
    },
    field({ name: "name", label: "Link name", placeholder: "e.g. Google Calendar", hint: "Where you will use it, so you know which one to revoke." }),
  );
  draw(page.items);
  return section(
    "Calendar feeds",
    h("p", { class: "muted small" }, `A private link to the due dates of your open tasks${ctx.app.isOwner ? " (and of tasks nobody is assigned to)" : ""}, for any calendar app that subscribes to iCalendar feeds. Anyone with the link sees those tasks: revoke a link you no longer use.`),
    listEl,
    f,
    out,
  );
}

const IMPORT_FORMATS = [
  ["toggl", "Toggl Track (detailed report)"],
  ["harvest", "Harvest (time report or import layout)"],
  ["vadesk", "vadesk (time entries CSV)"],
];

function plural(n, word, words) {
  return `${n} ${n === 1 ? word : words || `${word}s`}`;
}

/** What an import did or, as a preview, would do. */
function importSummary(res) {
  const facts = [];
  const add = (label, value) => {
    if (value) facts.push(h("dt", null, label), h("dd", null, value));
  };
  add(res.dry_run ? "Entries to import" : "Entries imported", h("strong", { id: "import-count", class: "num" }, String(res.imported)));
  add("Imported before (skipped)", res.skipped ? String(res.skipped) : "");
  add("Rows with problems", res.error_count ? String(res.error_count) : "");
  // Long lists come cut short, with the exact count beside them.
  const names = (list, count) => {
    const more = (count ?? list.length) - list.length;
    return list.length ? `${list.join(", ")}${more > 0 ? ` and ${more} more` : ""}` : "";
  };
  add(res.dry_run ? "New clients" : "Clients created", names(res.created_clients, res.created_client_count));
  add(res.dry_run ? "New services" : "Services created", names(res.created_services, res.created_service_count));
  add(res.dry_run ? "New projects" : "Projects created", names(res.created_projects, res.created_project_count));
  const people = names(res.unmatched_people, res.unmatched_person_count);
  add("People not found", people ? `${people}: their time becomes yours` : "");
  add("Invoiced elsewhere", res.invoiced_elsewhere ? `${plural(res.invoiced_elsewhere, "entry", "entries")}, imported as not billable` : "");
  const errors = res.errors.length
    ? [
        table(
          [{ label: "Row", class: "num" }, "Problem"],
          res.errors.map((e) => h("tr", null, h("th", { scope: "row", class: "num" }, String(e.row)), h("td", { class: "wrap" }, e.message))),
          { caption: "Rows with problems (left out)", captionVisible: true },
        ),
        res.error_count > res.errors.length ? h("p", { class: "muted small" }, `…and ${res.error_count - res.errors.length} more.`) : null,
      ]
    : null;
  return [h("dl", { class: "facts" }, facts), errors];
}

function dataTab() {
  const fileField = field({ name: "file", label: "CSV file", type: "file", required: true, hint: "At most 10 MB. UTF-8 or what Excel saves; comma or semicolon separated." });
  const file = fileField.control;
  file.accept = ".csv,text/csv";
  const formatField = field({
    name: "format",
    label: "Exported from",
    type: "select",
    options: IMPORT_FORMATS,
    value: "toggl",
    hint: "Clients, services and projects are matched by name and made when missing; people by email or name.",
  });
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  let previewed = null; // {file, format} the preview shown is of

  const send = (chosen, format, dryRun) => {
    const body = new FormData();
    body.append("file", chosen, chosen.name);
    return post(`/imports/time-entries${qs({ format, dry_run: dryRun ? "true" : "" })}`, body);
  };

  const f = form(
    {
      submitLabel: "Preview",
      label: "Import time",
      onSubmit: async (v) => {
        const chosen = file.files && file.files[0];
        if (!chosen) throw new FieldError("file", "choose a CSV file");
        mount(result, h("p", { class: "muted" }, "Reading the file…"));
        let res;
        try {
          res = await send(chosen, v.format, true);
        } catch (e) {
          mount(result);
          throw e;
        }
        previewed = { file: chosen, format: v.format };
        const go = h("button", { type: "button", class: "btn primary" }, `Import ${plural(res.imported, "entry", "entries")}`);
        go.addEventListener("click", async () => {
          go.disabled = true;
          clearErrors(f);
          try {
            const done = await send(previewed.file, previewed.format, false);
            previewed = null;
            f.reset();
            toast(`Imported ${plural(done.imported, "entry", "entries")}.`);
            mount(
              result,
              h(
                "div",
                { class: "notice ok-notice" },
                h("h3", { tabindex: "-1" }, `Imported ${plural(done.imported, "entry", "entries")}`),
                importSummary(done),
                h("div", { class: "form-actions" }, h("a", { href: "#/time", class: "btn primary" }, "See them in Time")),
              ),
            );
            // The button that was pressed is gone: keep the keyboard here.
            result.querySelector("h3").focus();
          } catch (e) {
            go.disabled = false;
            showErrors(f, e);
          }
        });
        mount(
          result,
          h(
            "div",
            { class: "notice" },
            h("h3", null, "Preview: nothing is saved yet"),
            importSummary(res),
            res.imported
              ? h("div", { class: "form-actions" }, go, h("button", { type: "button", class: "btn", onclick: () => mount(result) }, "Cancel"))
              : h("p", null, res.skipped ? "Everything in this file was imported before." : "Nothing in this file can be imported."),
          ),
        );
      },
    },
    fileField,
    formatField,
  );
  // A preview is of one file in one format: a change makes it stale.
  const stale = () => {
    if (previewed) {
      previewed = null;
      mount(result);
    }
  };
  file.addEventListener("change", stale);
  formatField.control.addEventListener("change", stale);

  return h(
    "div",
    null,
    section(
      "Import time",
      h("p", { class: "muted small" }, "Bring your hours over from Toggl Track or Harvest, or back from a vadesk export. Preview first: nothing is saved until you import. Importing the same file again skips what came in before."),
      f,
      result,
    ),
    section("Export", h("p", { class: "muted small" }, "Everything, as files a spreadsheet opens. Reports has the same downloads for one period."), downloadLinks(null)),
  );
}
