// The VA's workspace: the routes and the navigation of staff users.

import { todayView } from "./today.js";
import { clientsList } from "./clients/list.js";
import { clientNew } from "./clients/form.js";
import { clientDetail } from "./clients/detail.js";
import { timeView } from "./time.js";
import { tasksView, taskDetail } from "./tasks.js";
import { invoicesList, invoiceNew, invoiceDetail } from "./invoices.js";
import { settingsView } from "./settings/tabs.js";
import { reportsView } from "./reports.js";
import { h, empty } from "../dom.js";

function notFound() {
  return h("div", null, h("h1", { tabindex: "-1" }, "Page not found"), empty("There is nothing at this address.", h("a", { href: "#/", class: "btn" }, "Go to Today")));
}

/**
 * Registers the staff routes and answers the navigation. Owner-only areas
 * (invoices, reports) are left out for assistants; an item with api is
 * hidden when the server answers 404 for it.
 */
export function registerStaff(router, app) {
  router.route("/", todayView);
  router.route("/time", timeView);
  router.route("/tasks", tasksView);
  router.route("/tasks/:id", taskDetail);
  router.route("/clients", clientsList);
  router.route("/clients/new", clientNew);
  router.route("/clients/:id", clientDetail);
  if (app.isOwner) {
    router.route("/invoices", invoicesList);
    router.route("/invoices/new", invoiceNew);
    router.route("/invoices/:id", invoiceDetail);
    router.route("/reports", reportsView);
  }
  router.route("/settings", settingsView);
  router.fallback(notFound);
  return [
    { href: "#/", label: "Today", icon: "today" },
    { href: "#/time", label: "Time", icon: "time", api: "/time-entries" },
    { href: "#/tasks", label: "Tasks", icon: "tasks", api: "/tasks" },
    { href: "#/clients", label: "Clients", icon: "clients" },
    app.isOwner ? { href: "#/invoices", label: "Invoices", icon: "invoices", api: "/invoices" } : null,
    app.isOwner ? { href: "#/reports", label: "Reports", icon: "reports" } : null,
    { href: "#/settings", label: "Settings", icon: "settings" },
  ].filter(Boolean);
}
