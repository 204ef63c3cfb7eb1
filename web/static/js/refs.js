// Lists the views need to name things and fill selects: clients, services,
// projects, tasks, users. Fetched once per page view (they are small) and
// indexed by id.

import { listAll, ApiError } from "./api.js";

async function maybe(path, params) {
  try {
    return await listAll(path, params);
  } catch (e) {
    // An area this server does not have (yet), or one this role may not
    // read, is simply empty.
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 403)) return [];
    throw e;
  }
}

const LOADERS = {
  clients: () => maybe("/clients"),
  services: () => maybe("/services"),
  projects: () => maybe("/projects"),
  tasks: () => maybe("/tasks", { status: "todo,in_progress,waiting" }),
  users: () => maybe("/users"),
};

/**
 * Loads the named lists in parallel: refs("clients", "services") answers
 * {clients: [...], services: [...], byId: {clients: Map, ...}, name(kind, id)}.
 */
export async function refs(...kinds) {
  const out = { byId: {} };
  await Promise.all(
    kinds.map(async (k) => {
      out[k] = await LOADERS[k]();
      out.byId[k] = new Map(out[k].map((x) => [x.id, x]));
    }),
  );
  out.name = (kind, id) => {
    if (id === null || id === undefined) return "";
    const x = out.byId[kind] && out.byId[kind].get(id);
    if (!x) return `#${id}`;
    return x.name || x.title || x.email || `#${id}`;
  };
  return out;
}

/** Options for a select of active clients (plus the current one). */
export function clientOptions(clients, current, blank) {
  const list = clients.filter((c) => c.status !== "archived" || c.id === current);
  const opts = list.map((c) => [c.id, c.company && c.company !== c.name ? `${c.name} (${c.company})` : c.name]);
  return blank !== undefined ? [["", blank], ...opts] : opts;
}

/** Options for a select of services that are not archived. */
export function serviceOptions(services, current, blank) {
  const opts = services.filter((s) => !s.archived || s.id === current).map((s) => [s.id, s.name]);
  return blank !== undefined ? [["", blank], ...opts] : opts;
}
