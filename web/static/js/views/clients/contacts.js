// The contacts section of a client's page: the people to talk to there.

import { get, post, del } from "../../api.js";
import { h, section, empty, toast, confirmButton } from "../../dom.js";
import { field, form } from "../../forms.js";

export async function contactsSection(ctx, c) {
  const page = await get(`/clients/${c.id}/contacts`);
  const owner = ctx.app.isOwner;
  const list = page.items.length
    ? h(
        "ul",
        { class: "plain-list" },
        page.items.map((ct) =>
          h(
            "li",
            { class: "row-item" },
            h("div", null, h("strong", null, ct.name), ct.role ? h("span", { class: "muted" }, ` · ${ct.role}`) : null, h("div", { class: "muted small" }, [ct.email, ct.phone].filter(Boolean).join(" · "))),
            owner
              ? confirmButton("Remove", `Remove ${ct.name}?`, "Remove", async () => {
                  await del(`/clients/${c.id}/contacts/${ct.id}`);
                  toast("Contact removed.");
                  ctx.rerender();
                })
              : null,
          ),
        ),
      )
    : empty("No contacts yet.");
  const add = owner
    ? h(
        "details",
        { class: "add" },
        h("summary", null, "Add contact"),
        form(
          {
            submitLabel: "Add contact",
            label: "Add contact",
            onSubmit: async (v) => {
              await post(`/clients/${c.id}/contacts`, v);
              toast("Contact added.");
              ctx.rerender();
            },
          },
          field({ name: "name", label: "Contact name", required: true }),
          field({ name: "email", label: "Contact email", type: "email" }),
          field({ name: "phone", label: "Contact phone", type: "tel" }),
          field({ name: "role", label: "Role", placeholder: "e.g. Office manager" }),
        ),
      )
    : null;
  return section("Contacts", list, add);
}
