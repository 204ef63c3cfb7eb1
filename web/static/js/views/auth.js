// First start, login and the account page.

import { post, ApiError } from "../api.js";
import { h, section, pageHeader } from "../dom.js";
import { field, form, FieldError } from "../forms.js";
import { timeZoneOptions, currencyOptions } from "../widgets.js";

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch (e) {
    return "UTC";
  }
}

function authCard(title, lead, ...body) {
  return h(
    "div",
    { class: "auth" },
    h("div", { class: "auth-brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "v"), h("span", null, "vadesk")),
    h("section", { class: "card auth-card" }, h("h1", { tabindex: "-1" }, title), lead ? h("p", { class: "lead" }, lead) : null, body),
  );
}

/** The first-start page: creates the practice and its owner. */
export function setupView({ onDone }) {
  const f = form(
    {
      submitLabel: "Create my practice",
      label: "Set up vadesk",
      onSubmit: async (v) => {
        const session = await post("/setup", v, { quiet: true });
        await onDone(session);
      },
    },
    field({ name: "practice_name", label: "Practice name", required: true, autocomplete: "organization", hint: "Your business name, as it appears on invoices." }),
    field({ name: "name", label: "Your name", required: true, autocomplete: "name" }),
    field({ name: "email", label: "Email", type: "email", required: true, autocomplete: "email" }),
    field({ name: "password", label: "Password", type: "password", required: true, autocomplete: "new-password", hint: "At least 12 characters." }),
    field({ name: "timezone", label: "Time zone", type: "select", options: timeZoneOptions(browserZone()), value: browserZone() }),
    field({ name: "currency", label: "Currency", type: "select", options: currencyOptions("USD"), value: "USD" }),
  );
  return authCard("Welcome to vadesk", "Set up your practice. You can change all of this later in Settings.", f);
}

/** The login page. */
export function loginView({ message, onLoggedIn }) {
  const f = form(
    {
      submitLabel: "Log in",
      label: "Log in",
      grid: false,
      onSubmit: async (v) => {
        try {
          const session = await post("/auth/login", v, { quiet: true });
          await onLoggedIn(session);
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) {
            throw new ApiError(401, { detail: "That email and password do not match an account." });
          }
          throw e;
        }
      },
    },
    field({ name: "email", label: "Email", type: "email", required: true, autocomplete: "username" }),
    field({ name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password" }),
  );
  return authCard("Log in", null, message ? h("p", { class: "notice", role: "status" }, message) : null, f);
}

/** The account page: who you are, and a new password. */
export async function accountView({ app, onPasswordChanged }) {
  const me = app.me;
  const pw = form(
    {
      submitLabel: "Change password",
      label: "Change password",
      onSubmit: async (v, el) => {
        if (v.new_password !== v.confirm_password) {
          throw new FieldError("confirm_password", "does not match the new password");
        }
        await post("/me/password", { current_password: v.current_password, new_password: v.new_password });
        el.reset();
        onPasswordChanged();
      },
    },
    field({ name: "current_password", label: "Current password", type: "password", required: true, autocomplete: "current-password" }),
    field({ name: "new_password", label: "New password", type: "password", required: true, autocomplete: "new-password", hint: "At least 12 characters. Your other sessions end." }),
    field({ name: "confirm_password", label: "Repeat new password", type: "password", required: true, autocomplete: "new-password" }),
  );
  const roleName = { owner: "Owner", assistant: "Assistant", client: "Client" }[me.role] || me.role;
  return h(
    "div",
    null,
    pageHeader("Account"),
    section(
      "You",
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Name"),
        h("dd", null, me.name),
        h("dt", null, "Email"),
        h("dd", null, me.email),
        h("dt", null, "Role"),
        h("dd", null, roleName),
      ),
    ),
    section("Password", pw),
  );
}
