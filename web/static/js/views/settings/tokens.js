// The API tokens and calendar tabs: secrets that are shown once when made,
// then listed by prefix and last use until revoked.

import { get, post, del } from "../../api.js";
import { h, mount, section, empty, table, badge, toast, confirmButton } from "../../dom.js";
import { field, form } from "../../forms.js";
import { dateTime } from "../../format.js";

export async function tokensTab(ctx) {
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

export async function calendarTab(ctx) {
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
