// The client list, with a search box and a status filter kept in the URL.

import { get, qs } from "../../api.js";
import { h, mount, pageHeader, empty, table, linkButton } from "../../dom.js";
import { setQuery } from "../../router.js";
import { STATUS, statusBadge } from "./labels.js";

/** The client list with a search box and a status filter. */
export async function clientsList(ctx) {
  const q = ctx.query.q || "";
  const status = ctx.query.status || "";
  const page = await get(`/clients${qs({ q, status, limit: 200 })}`);
  const results = h("div", { id: "client-results" });

  const draw = (items, filtered) => {
    if (!items.length) {
      mount(
        results,
        filtered
          ? empty("No clients match this search.")
          : empty("No clients yet. Add the first one: the people and businesses you work for.", ctx.app.isOwner ? linkButton("#/clients/new", "Add client", "primary") : null),
      );
      return;
    }
    mount(
      results,
      table(
        ["Name", "Company", "Email", "Status"],
        items.map((c) =>
          h("tr", null, h("td", null, h("a", { href: `#/clients/${c.id}` }, c.name)), h("td", null, c.company), h("td", null, c.email), h("td", null, statusBadge(c.status))),
        ),
        { caption: "Clients", stack: true },
      ),
    );
  };
  draw(page.items, !!(q || status));

  let timer = 0;
  const search = h("input", { type: "search", id: "client-search", name: "q", value: q, autocomplete: "off" });
  const statusSel = h("select", { id: "client-status", name: "status" }, [["", "All"], ...STATUS].map(([v, l]) => h("option", { value: v }, l)));
  statusSel.value = status;
  const refresh = async () => {
    const params = { q: search.value.trim(), status: statusSel.value };
    setQuery(params);
    const p = await get(`/clients${qs({ ...params, limit: 200 })}`);
    draw(p.items, !!(params.q || params.status));
  };
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  statusSel.addEventListener("change", refresh);

  return h(
    "div",
    null,
    pageHeader("Clients", ctx.app.isOwner ? linkButton("#/clients/new", "Add client", "primary") : null),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "client-search" }, "Search clients"), search),
      h("div", { class: "field" }, h("label", { for: "client-status" }, "Status"), statusSel),
    ),
    results,
  );
}
