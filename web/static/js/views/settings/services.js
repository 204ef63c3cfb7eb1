// The services tab: what the practice sells and each service's default
// hourly rate; the owner edits, archives and restores them in place.

import { post, patch, del, listAll } from "../../api.js";
import { h, section, empty, table, badge, toast, confirmButton } from "../../dom.js";
import { field, form, changed } from "../../forms.js";
import { money } from "../../format.js";

export async function servicesTab(ctx) {
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
