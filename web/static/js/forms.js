// Forms: every control has a visible label; API validation errors appear
// next to the field they name (linked with aria-describedby), anything else
// in an alert at the top of the form.

import { ApiError } from "./api.js";
import { h, uid, mount } from "./dom.js";
import { parseMoney, moneyInput, minorDigits, settings } from "./format.js";

/**
 * A labelled control. opts: name, label, type (text, email, password,
 * number, date, datetime-local, search, textarea, select, checkbox, money,
 * percent), value, required, options ([[value, label], ...] for selects),
 * hint, placeholder, autocomplete, min, max, step, readonly, currency.
 */
export function field(opts) {
  const id = uid(opts.name || "f");
  const type = opts.type || "text";
  let control;
  const common = {
    id,
    name: opts.name,
    required: !!opts.required,
    autocomplete: opts.autocomplete,
    placeholder: opts.placeholder,
    readonly: opts.readonly,
    disabled: opts.disabled,
  };
  const hintId = opts.hint ? `${id}-hint` : null;
  if (hintId) common["aria-describedby"] = hintId;
  if (type === "textarea") {
    control = h("textarea", { ...common, rows: opts.rows || 3 });
    control.value = opts.value ?? "";
  } else if (type === "select") {
    control = h(
      "select",
      common,
      (opts.options || []).map(([v, label]) => h("option", { value: String(v) }, label)),
    );
    if (opts.value !== undefined && opts.value !== null) control.value = String(opts.value);
  } else if (type === "checkbox") {
    control = h("input", { ...common, type: "checkbox" });
    control.checked = !!opts.value;
  } else if (type === "money") {
    const cur = opts.currency || settings().currency;
    const digits = minorDigits(cur);
    control = h("input", {
      ...common,
      type: "text",
      inputmode: digits ? "decimal" : "numeric",
      dataset: { kind: "money", currency: cur },
      placeholder: opts.placeholder ?? (digits ? `0.${"0".repeat(digits)}` : "0"),
    });
    control.value = opts.value === undefined || opts.value === null ? "" : moneyInput(opts.value, cur);
  } else if (type === "percent") {
    control = h("input", { ...common, type: "text", inputmode: "decimal", dataset: { kind: "percent" } });
    control.value = opts.value === undefined || opts.value === null ? "" : String(opts.value / 100);
  } else {
    control = h("input", { ...common, type, min: opts.min, max: opts.max, step: opts.step, inputmode: opts.inputmode });
    if (opts.value !== undefined && opts.value !== null) control.value = String(opts.value);
  }
  if (opts.kind) control.dataset.kind = opts.kind;
  if (opts.onInput) control.addEventListener("input", opts.onInput);
  if (opts.onChange) control.addEventListener("change", opts.onChange);
  const label = h("label", { for: id, class: opts.required ? "required" : "" }, opts.label);
  const hint = opts.hint ? h("p", { class: "hint", id: hintId }, opts.hint) : null;
  const wrap =
    type === "checkbox"
      ? h("div", { class: ["field", "check", opts.wide ? "wide" : ""] }, control, label, hint)
      : h("div", { class: ["field", opts.wide ? "wide" : ""] }, label, control, hint);
  wrap.control = control;
  return wrap;
}

function valueOf(el) {
  const kind = el.dataset.kind;
  if (el.type === "checkbox") return el.checked;
  const raw = el.value;
  if (kind === "money") {
    if (raw.trim() === "") return null;
    const n = parseMoney(raw, el.dataset.currency);
    if (Number.isNaN(n)) throw new FieldError(el.name, "enter an amount such as 85.00");
    return n;
  }
  if (kind === "percent") {
    if (raw.trim() === "") return 0;
    const n = Number(raw.replace(",", "."));
    if (!Number.isFinite(n)) throw new FieldError(el.name, "enter a percentage such as 20");
    return Math.round(n * 100);
  }
  if (kind === "int") {
    if (raw === "") return null;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new FieldError(el.name, "enter a whole number");
    return n;
  }
  if (kind === "id") return raw === "" ? null : Number(raw);
  if (el.type === "number") return raw === "" ? null : Number(raw);
  return raw;
}

/** A validation error found in the browser, before anything is sent. */
export class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

/** The values of a form's named controls, converted by their kind. */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    out[el.name] = valueOf(el);
  }
  return out;
}

/** Removes the error marks of a form. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.endsWith("-err"));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  const alert = form.querySelector(".form-alert");
  if (alert) mount(alert);
  if (alert) alert.hidden = true;
}

function controlFor(form, name) {
  for (const el of form.elements) if (el.name === name) return el;
  // "lines[0].description" or "lines.0.description": try the last part.
  const last = name.split(/[.[\]]/).filter(Boolean).pop();
  for (const el of form.elements) if (el.name === last) return el;
  return null;
}

// The API's messages follow the field name ("is required", "must be ...");
// next to the field they read as a sentence with its label.
function sentence(el, message) {
  const label = el.labels && el.labels[0] ? el.labels[0].textContent.trim() : "";
  if (!label || /^[A-Z]/.test(message)) return message;
  return `${label} ${message}`;
}

function humanField(name) {
  return name.replace(/_id$/, "").replace(/_/g, " ");
}

/**
 * Shows an error on a form: field errors next to their controls, the rest
 * in the form's alert. Focuses the first invalid control.
 */
export function showErrors(form, err) {
  clearErrors(form);
  const alert = form.querySelector(".form-alert");
  const leftovers = [];
  let first = null;
  const list =
    err instanceof FieldError
      ? [{ field: err.field, message: err.message }]
      : err instanceof ApiError
        ? err.fields
        : [];
  for (const fe of list) {
    const el = controlFor(form, fe.field);
    if (!el) {
      leftovers.push(`${humanField(fe.field)}: ${fe.message}`);
      continue;
    }
    const errId = `${el.id}-err`;
    let p = document.getElementById(errId);
    if (!p) {
      p = h("p", { class: "field-error", id: errId });
      el.closest(".field")?.appendChild(p);
    }
    p.textContent = sentence(el, fe.message);
    el.setAttribute("aria-invalid", "true");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(errId)) ids.push(errId);
    el.setAttribute("aria-describedby", ids.join(" "));
    if (!first) first = el;
  }
  let summary = "";
  if (err instanceof ApiError && (!list.length || leftovers.length)) {
    summary = list.length ? "Please check the form." : err.message;
    if (err.status === 403 && !/csrf/i.test(err.message)) summary = "Your account may not do this.";
    if (err.status === 409 && err.problem.detail) summary = err.problem.detail;
  } else if (!(err instanceof ApiError) && !(err instanceof FieldError)) {
    summary = err && err.message ? err.message : String(err);
  }
  if (alert && (summary || leftovers.length)) {
    mount(alert, summary ? h("p", null, summary) : null, leftovers.length ? h("ul", null, leftovers.map((l) => h("li", null, l))) : null);
    alert.hidden = false;
  }
  if (first) first.focus();
  else if (alert && !alert.hidden) alert.focus();
}

/**
 * A form whose submit collects the values, calls onSubmit(values, form) and
 * shows any error. opts: submitLabel, onSubmit, class, secondary (extra
 * buttons), label (accessible name of the form).
 */
export function form(opts, ...children) {
  const submit = h("button", { type: "submit", class: `btn ${opts.submitKind || "primary"}` }, opts.submitLabel || "Save");
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
  const el = h(
    "form",
    { class: ["form", opts.class], novalidate: true, "aria-label": opts.label },
    alert,
    h("div", { class: ["fields", opts.grid === false ? "" : "grid"] }, children),
    h("div", { class: "form-actions" }, submit, opts.secondary || null),
  );
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    clearErrors(el);
    // Required fields are checked here so the message sits by the field,
    // just like the server's.
    for (const c of el.elements) {
      if (c.required && !c.disabled && c.type !== "checkbox" && String(c.value).trim() === "") {
        showErrors(el, new FieldError(c.name, "is required"));
        return;
      }
    }
    let vals;
    try {
      vals = values(el);
    } catch (e) {
      showErrors(el, e);
      return;
    }
    submit.disabled = true;
    el.setAttribute("aria-busy", "true");
    try {
      await opts.onSubmit(vals, el);
    } catch (e) {
      showErrors(el, e);
    } finally {
      submit.disabled = false;
      el.removeAttribute("aria-busy");
    }
  });
  el.submitButton = submit;
  return el;
}

/** Only the keys of obj whose values differ from before (for PATCH). */
export function changed(obj, before) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (before[k] !== v) out[k] = v;
  }
  return out;
}
