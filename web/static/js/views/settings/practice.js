// The practice and invoicing tabs: both edit the practice's settings, and
// invoicing adds the logo printed on invoices.

import { get, patch, del, putFile } from "../../api.js";
import { h, section, toast, confirmButton } from "../../dom.js";
import { field, form, changed, FieldError } from "../../forms.js";
import { percentBP, configure } from "../../format.js";
import { timeZoneOptions, currencyOptions } from "../../widgets.js";

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

export async function practiceTab(ctx) {
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

export async function invoicingTab(ctx) {
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
