// A client's page: the summary card, then one section per kind of thing
// the client has (contacts, rates, projects, tasks, retainer, recent time,
// expenses, invoices, portal users), each from its own module.

import { get, available } from "../../api.js";
import { h, pageHeader, linkButton } from "../../dom.js";
import { refs } from "../../refs.js";
import { ROUNDING, statusBadge } from "./labels.js";
import { clientEdit } from "./form.js";
import { contactsSection } from "./contacts.js";
import { ratesSection, expensesSection, invoicesSection } from "./billing.js";
import { projectsSection, tasksSection, recentTimeSection } from "./work.js";
import { retainersSection } from "./retainers.js";
import { portalSection } from "./portal-access.js";

function facts(pairs) {
  const items = pairs.filter(([, v]) => v !== "" && v !== null && v !== undefined);
  if (!items.length) return null;
  return h("dl", { class: "facts" }, items.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
}

/** A client's page. */
export async function clientDetail(ctx) {
  const id = Number(ctx.params.id);
  const owner = ctx.app.isOwner;
  const c = await get(`/clients/${id}`);
  if (ctx.query.edit && owner) return clientEdit(ctx, c);

  const [r, hasInvoices, hasInvites] = await Promise.all([
    refs("services", "users"),
    // Invoices are the owner's: an assistant's probe answers 403, which
    // available() reads as "there", and the page would fail on it.
    owner ? available("/invoices") : Promise.resolve(false),
    owner ? available(`/clients/${id}/portal-users`) : Promise.resolve(false),
  ]);

  const parts = [
    pageHeader(
      c.name,
      linkButton(`#/time?client=${id}`, "Log time"),
      owner && hasInvoices ? linkButton(`#/invoices/new?client=${id}`, "New invoice") : null,
      owner ? linkButton(`#/clients/${id}?edit=1`, "Edit client") : null,
    ),
    h(
      "div",
      { class: "card client-summary" },
      h("div", { class: "summary-top" }, statusBadge(c.status), c.company ? h("span", { class: "muted" }, c.company) : null),
      facts([
        ["Email", c.email ? h("a", { href: `mailto:${c.email}` }, c.email) : ""],
        ["Phone", c.phone],
        ["Website", c.website],
        ["Currency", c.currency],
        ["Payment terms", `${c.payment_terms_days} days`],
        ["Rounding", (ROUNDING.find(([v]) => v === c.rounding_minutes) || [0, "None"])[1]],
        ["Code", c.code],
        ["Address", c.address],
        ["Notes", c.notes],
      ]),
    ),
  ];
  const [contacts, rates, projects, tasks] = await Promise.all([
    contactsSection(ctx, c),
    owner ? ratesSection(ctx, c, r.services) : null,
    projectsSection(ctx, c),
    tasksSection(ctx, c),
  ]);
  parts.push(h("div", { class: "two-col" }, h("div", null, contacts, projects), h("div", null, tasks)), rates);
  if (owner) parts.push(await retainersSection(ctx, c));
  parts.push(await recentTimeSection(ctx, c, r));
  parts.push(await expensesSection(ctx, c));
  if (hasInvoices) parts.push(await invoicesSection(ctx, c));
  if (hasInvites) parts.push(await portalSection(ctx, c));
  return h("div", null, parts);
}
