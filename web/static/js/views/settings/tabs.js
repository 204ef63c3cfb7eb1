// The settings page: its tabs (the practice, services and default rates,
// invoicing, users, API tokens, calendar feed links, data) and which one a
// role sees. Each tab is its own module.

import { available } from "../../api.js";
import { h, pageHeader } from "../../dom.js";
import { practiceTab, invoicingTab } from "./practice.js";
import { servicesTab } from "./services.js";
import { usersTab } from "./users.js";
import { tokensTab, calendarTab } from "./tokens.js";
import { dataTab } from "./data.js";

const TABS = [
  ["practice", "Practice"],
  ["services", "Services"],
  ["invoicing", "Invoicing"],
  ["users", "Users"],
  ["tokens", "API tokens"],
  ["calendar", "Calendar"],
  ["data", "Data"],
];

function tabs(currentTab, shown) {
  return h(
    "nav",
    { class: "tabs", "aria-label": "Settings sections" },
    h(
      "ul",
      null,
      TABS.filter(([k]) => shown.includes(k)).map(([k, label]) =>
        h("li", null, h("a", { href: `#/settings?tab=${k}`, "aria-current": k === currentTab ? "page" : false }, label)),
      ),
    ),
  );
}

/** The settings page; ?tab= picks the section. */
export async function settingsView(ctx) {
  const owner = ctx.app.isOwner;
  const hasUsers = owner && (await available("/users"));
  const shown = ["practice", "services", owner ? "invoicing" : null, hasUsers ? "users" : null, "tokens", "calendar", owner ? "data" : null].filter(Boolean);
  const tab = shown.includes(ctx.query.tab) ? ctx.query.tab : "practice";
  let body;
  if (tab === "practice") body = await practiceTab(ctx);
  else if (tab === "services") body = await servicesTab(ctx);
  else if (tab === "invoicing") body = await invoicingTab(ctx);
  else if (tab === "users") body = await usersTab(ctx);
  else if (tab === "calendar") body = await calendarTab(ctx);
  else if (tab === "data") body = dataTab(ctx);
  else body = await tokensTab(ctx);
  return h("div", null, pageHeader("Settings"), tabs(tab, shown), body);
}
