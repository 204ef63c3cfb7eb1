// The new-client form and the edit form with its delete button: the same
// fields, so they live together.

import { post, patch, del } from "../../api.js";
import { h, pageHeader, toast, linkButton, confirmButton } from "../../dom.js";
import { field, form, changed } from "../../forms.js";
import { currencyOptions } from "../../widgets.js";
import { ROUNDING, STATUS } from "./labels.js";

function clientFields(c, practiceCurrency) {
  return [
    field({ name: "name", label: "Name", required: true, value: c.name, autocomplete: "off" }),
    field({ name: "company", label: "Company", value: c.company }),
    field({ name: "email", label: "Email", type: "email", value: c.email }),
    field({ name: "phone", label: "Phone", type: "tel", value: c.phone }),
    field({ name: "website", label: "Website", value: c.website, placeholder: "https://" }),
    field({ name: "industry", label: "Industry", value: c.industry }),
    field({ name: "address", label: "Address", type: "textarea", value: c.address }),
    field({ name: "tax_id", label: "Tax ID", value: c.tax_id }),
    field({ name: "code", label: "Code", value: c.code, hint: "Short code for invoice numbers that use {CLIENT}." }),
    field({ name: "currency", label: "Currency", type: "select", options: currencyOptions(c.currency || practiceCurrency), value: c.currency || practiceCurrency }),
    field({ name: "payment_terms_days", label: "Payment terms (days)", type: "number", min: 0, max: 365, value: c.payment_terms_days ?? 14, kind: "int" }),
    field({ name: "rounding_minutes", label: "Round time", type: "select", options: ROUNDING, value: c.rounding_minutes ?? 0, kind: "int", hint: "Each billable entry is rounded up to this step." }),
    field({ name: "status", label: "Status", type: "select", options: STATUS, value: c.status || "active" }),
    field({ name: "notes", label: "Notes", type: "textarea", value: c.notes, wide: true }),
  ];
}

/** The new-client form. */
export async function clientNew(ctx) {
  const f = form(
    {
      submitLabel: "Save client",
      label: "New client",
      onSubmit: async (v) => {
        const c = await post("/clients", v);
        toast(`Added ${c.name}.`);
        ctx.navigate(`/clients/${c.id}`);
      },
      secondary: linkButton("#/clients", "Cancel"),
    },
    clientFields({}, ctx.app.settings.currency),
  );
  return h("div", null, pageHeader("New client"), h("section", { class: "card" }, f));
}

export async function clientEdit(ctx, c) {
  const f = form(
    {
      submitLabel: "Save changes",
      label: "Edit client",
      onSubmit: async (v) => {
        const body = changed(v, c);
        if (Object.keys(body).length) await patch(`/clients/${c.id}`, body);
        toast("Client saved.");
        ctx.navigate(`/clients/${c.id}`);
      },
      secondary: linkButton(`#/clients/${c.id}`, "Cancel"),
    },
    clientFields(c, ctx.app.settings.currency),
  );
  const remove = confirmButton("Delete client", "Delete this client? One with time or invoices is archived instead.", "Yes, delete", async () => {
    const res = await del(`/clients/${c.id}`);
    toast(res ? `${c.name} has history, so it was archived.` : `Deleted ${c.name}.`);
    ctx.navigate(res ? `/clients/${c.id}` : "/clients");
  });
  return h("div", null, pageHeader(`Edit ${c.name}`), h("section", { class: "card" }, f), h("section", { class: "card danger-zone" }, h("h2", null, "Delete"), remove));
}
