// The users tab (owner only): assistants, the clients each works for, and
// who may log in.

import { post, patch, del, listAll } from "../../api.js";
import { h, section, table, badge, toast, confirmButton } from "../../dom.js";
import { field, form } from "../../forms.js";

export async function usersTab(ctx) {
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
