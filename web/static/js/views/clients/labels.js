// How a client's status and time rounding read: the choices forms and
// filters offer, and the badge lists and pages show.

import { badge } from "../../dom.js";

export const ROUNDING = [
  [0, "No rounding"],
  [6, "Up to 6 minutes"],
  [10, "Up to 10 minutes"],
  [15, "Up to 15 minutes"],
  [30, "Up to 30 minutes"],
  [60, "Up to a full hour"],
];

export const STATUS = [
  ["active", "Active"],
  ["prospect", "Prospect"],
  ["archived", "Archived"],
];

export function statusBadge(status) {
  const kind = { active: "ok", prospect: "info", archived: "muted" }[status] || "";
  const label = (STATUS.find(([v]) => v === status) || [status, status])[1];
  return badge(label, kind);
}
