// The client-portal section of a client's page: who there may log in, the
// invites still open, and a new invite's one-time link.

import { get, post, del } from "../../api.js";
import { h, mount, section, empty, table, badge, toast, confirmButton } from "../../dom.js";
import { field, form } from "../../forms.js";

const INVITE_STATUS = { pending: ["Invited", "info"], accepted: ["Accepted", "ok"], expired: ["Expired", "muted"], revoked: ["Withdrawn", "muted"] };

// The invite just created: its link is shown once, after the page redraws.
let lastInvite = null;

export async function portalSection(ctx, c) {
  const access = await get(`/clients/${c.id}/portal-users`);
  const users = access.users || [];
  const invites = (access.invites || []).filter((i) => i.status !== "accepted");
  const out = h("div", { class: "invite-out", "aria-live": "polite" });
  const f = form(
    {
      submitLabel: "Invite",
      label: "Invite to the portal",
      onSubmit: async (v, el) => {
        const inv = await post(`/clients/${c.id}/portal-invites`, v);
        el.reset();
        toast(inv.emailed ? `Invite e-mailed to ${inv.email}.` : "Invite created. Send the link to your client.");
        lastInvite = { clientId: c.id, inv };
        ctx.rerender();
      },
    },
    field({ name: "email", label: "Invite email", type: "email", required: true }),
    field({ name: "name", label: "Invite name" }),
  );
  const rows = [
    ...users.map((u) =>
      h(
        "tr",
        null,
        h("td", null, u.name),
        h("td", null, u.email),
        h("td", null, u.disabled_at ? badge("Revoked", "muted") : badge("Has access", "ok")),
        h(
          "td",
          { class: "actions-cell" },
          !u.disabled_at
            ? confirmButton("Revoke access", `Revoke portal access for ${u.email}?`, "Revoke", async () => {
                await del(`/clients/${c.id}/portal-users/${u.id}`);
                toast("Access revoked.");
                ctx.rerender();
              })
            : null,
        ),
      ),
    ),
    ...invites.map((i) => {
      const [label, kind] = INVITE_STATUS[i.status] || [i.status, ""];
      return h(
        "tr",
        null,
        h("td", null, i.name || "—"),
        h("td", null, i.email),
        h("td", null, badge(label, kind)),
        h(
          "td",
          { class: "actions-cell" },
          i.status === "pending"
            ? confirmButton("Withdraw", `Withdraw the invite for ${i.email}?`, "Withdraw", async () => {
                await del(`/clients/${c.id}/portal-invites/${i.id}`);
                toast("Invite withdrawn.");
                ctx.rerender();
              })
            : null,
        ),
      );
    }),
  ];
  if (lastInvite && lastInvite.clientId === c.id) {
    showInviteLink(out, lastInvite.inv);
    lastInvite = null;
  }
  return section(
    "Client portal",
    h("p", { class: "muted small" }, "People at this client can log in to see their tasks, time and invoices, and ask for new tasks."),
    rows.length ? table(["Name", "Email", "Access", ""], rows, { caption: "Portal users", stack: true }) : empty("No one from this client has portal access yet."),
    f,
    out,
  );
}

function showInviteLink(out, inv) {
  let url = inv.url || "";
  if (url && url.startsWith("/")) url = location.origin + url;
  if (!url) return;
  const input = h("input", { type: "text", readonly: true, value: url, id: "invite-link", class: "copy-input" });
  mount(out, h("div", { class: "notice" }, h("label", { for: "invite-link" }, "Invite link (it works once)"), input));
}
