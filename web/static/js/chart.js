// Small SVG charts drawn by hand: stacked bars of hours per client per
// week or month, grouped columns of money per month, and horizontal bars
// for money per client. Colours come from CSS
// classes (s0…s7), so the CSP needs no inline styles.

import { h, s, uid, table } from "./dom.js";
import { number, weekday, date } from "./format.js";

const SERIES = 8;

function niceStep(max, ticks) {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/**
 * A stacked bar chart. weeks: ["YYYY-MM-DD" Mondays]; series: [{name,
 * values: [minutes per week]}] (the biggest first; beyond seven they are
 * merged into "Other clients"). Answers a figure with the chart, a legend
 * and the same numbers as a table for screen readers and the curious.
 */
export function weeklyHours({ title, weeks, series }) {
  return stackedHours({
    title,
    columns: weeks.map((wk) => ({ label: weekday(wk).replace(/^\w+,\s*/, ""), long: `week of ${date(wk)}` })),
    series,
    emptyText: "No hours logged in these weeks yet. Start the timer or add time, and your weeks show up here.",
  });
}

/**
 * A stacked bar chart of hours over any columns (weeks, months).
 * columns: [{label (under the bar), long (in the tooltip)}]; series:
 * [{name, values: [minutes per column]}]; groupName heads the data table
 * ("Client") and other names the merged rest ("Other clients").
 */
export function stackedHours({ title, columns, series, emptyText, groupName = "Client", other = "Other clients" }) {
  let list = series.filter((x) => x.values.some((v) => v > 0));
  list.sort((a, b) => b.values.reduce((p, c) => p + c, 0) - a.values.reduce((p, c) => p + c, 0));
  if (list.length > SERIES) {
    const keep = list.slice(0, SERIES - 1);
    const rest = list.slice(SERIES - 1);
    keep.push({ name: other, merged: true, values: columns.map((_, i) => rest.reduce((p, x) => p + x.values[i], 0)) });
    list = keep;
  }
  const titleId = uid("chart");
  if (!list.length) {
    return h("figure", { class: "chart empty-chart" }, h("figcaption", { id: titleId }, title), h("p", { class: "muted" }, emptyText || "No hours in this period."));
  }
  const totals = columns.map((_, i) => list.reduce((p, x) => p + x.values[i], 0) / 60);
  // At least two hours of scale and half-hour steps, so a short week is a
  // short bar and the axis reads 0.5h, 1h, 1.5h rather than 0.3h.
  const maxH = Math.max(...totals, 2);
  const step = Math.max(0.5, niceStep(maxH, 4));
  const top = Math.ceil(maxH / step) * step;
  // On a phone the chart is drawn narrower, so its text stays readable.
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  const W = narrow ? 360 : 640;
  const H = narrow ? 220 : 240;
  const pad = { l: 36, r: 6, t: 12, b: 28 };
  const cw = W - pad.l - pad.r;
  const ch = H - pad.t - pad.b;
  const slot = cw / columns.length;
  const bw = Math.min(44, slot * 0.62);
  const y = (hrs) => pad.t + ch - (hrs / top) * ch;
  const cls = (ser, si) => (ser.merged ? "s-other" : `s${si}`);

  const grid = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    grid.push(s("line", { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: v === 0 ? "axis" : "grid" }));
    grid.push(s("text", { x: pad.l - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, `${number(v, 1)}h`));
  }
  const bars = [];
  columns.forEach((col, i) => {
    const x = pad.l + slot * i + (slot - bw) / 2;
    let acc = 0;
    list.forEach((ser, si) => {
      const hrs = ser.values[i] / 60;
      if (hrs <= 0) return;
      const y0 = y(acc);
      const y1 = y(acc + hrs);
      acc += hrs;
      bars.push(
        s("rect", { x, y: y1, width: bw, height: Math.max(0, y0 - y1), class: `bar ${cls(ser, si)}` }, s("title", null, `${ser.name}, ${col.long}: ${number(hrs, 2)} h`)),
      );
    });
    if (!narrow || (columns.length - 1 - i) % 2 === 0) {
      bars.push(s("text", { x: x + bw / 2, y: H - 8, class: "tick", "text-anchor": "middle" }, col.label));
    }
  });
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "chart-svg", role: "img", "aria-labelledby": titleId, preserveAspectRatio: "xMidYMid meet" },
    grid,
    bars,
  );
  const legend = h(
    "ul",
    { class: "legend" },
    list.map((ser, si) =>
      h(
        "li",
        null,
        s("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" }, s("rect", { width: 12, height: 12, rx: 3, class: cls(ser, si) })),
        ` ${ser.name}`,
      ),
    ),
  );
  const rows = list.map((ser) =>
    h("tr", null, h("th", { scope: "row" }, ser.name), ser.values.map((v) => h("td", { class: "num" }, number(v / 60, 2)))),
  );
  const data = h(
    "details",
    { class: "chart-data" },
    h("summary", null, "Show as a table"),
    table([groupName, ...columns.map((c) => ({ label: c.label, class: "num" }))], rows, { caption: `${title} (hours)` }),
  );
  return h("figure", { class: "chart" }, h("figcaption", { id: titleId }, title), svg, legend, data);
}

/**
 * Grouped columns of money over months: columns [{label, long}], series
 * [{name, cls, values: [minor units]}], fmt(minor) for the tooltips and
 * tick(minor) for the axis. For invoiced against paid per month.
 */
export function moneyColumns({ title, columns, series, fmt, tick, emptyText }) {
  const titleId = uid("chart");
  const max = Math.max(0, ...series.flatMap((x) => x.values));
  if (!columns.length || max <= 0) {
    return h("figure", { class: "chart empty-chart" }, h("figcaption", { id: titleId }, title), h("p", { class: "muted" }, emptyText || "Nothing in this period."));
  }
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  const W = narrow ? 360 : 640;
  const H = narrow ? 200 : 220;
  const pad = { l: narrow ? 52 : 64, r: 6, t: 12, b: 28 };
  const cw = W - pad.l - pad.r;
  const ch = H - pad.t - pad.b;
  const slot = cw / columns.length;
  const groupW = Math.min(56, slot * 0.7);
  const bw = groupW / series.length;
  const y = (v) => pad.t + ch - (v / top) * ch;
  const parts = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    parts.push(s("line", { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: v === 0 ? "axis" : "grid" }));
    parts.push(s("text", { x: pad.l - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, tick(v)));
  }
  columns.forEach((col, i) => {
    const x0 = pad.l + slot * i + (slot - groupW) / 2;
    series.forEach((ser, si) => {
      const v = ser.values[i] || 0;
      if (v > 0) {
        parts.push(s("rect", { x: x0 + bw * si, y: y(v), width: Math.max(1, bw - 1), height: Math.max(0, y(0) - y(v)), class: `bar ${ser.cls}` }, s("title", null, `${ser.name}, ${col.long}: ${fmt(v)}`)));
      }
    });
    if (!narrow || columns.length <= 6 || (columns.length - 1 - i) % 2 === 0) {
      parts.push(s("text", { x: x0 + groupW / 2, y: H - 8, class: "tick", "text-anchor": "middle" }, col.label));
    }
  });
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg", role: "img", "aria-labelledby": titleId, preserveAspectRatio: "xMidYMid meet" }, parts);
  const legend = h(
    "ul",
    { class: "legend" },
    series.map((ser) => h("li", null, s("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" }, s("rect", { width: 12, height: 12, rx: 3, class: ser.cls })), ` ${ser.name}`)),
  );
  return h("figure", { class: "chart" }, h("figcaption", { id: titleId }, title), svg, legend);
}

/**
 * Horizontal bars: items [{label, value, text, href, cls}] scaled to the
 * largest value. For amounts per client; cls picks a colour other than
 * the series one.
 */
export function bars({ title, items, emptyText }) {
  const titleId = uid("bars");
  if (!items.length) return h("div", { class: "hbars" }, h("p", { class: "muted" }, emptyText || "Nothing here yet."));
  const max = Math.max(...items.map((i) => i.value), 1);
  return h(
    "ul",
    { class: "hbars", "aria-label": title },
    items.map((it, i) =>
      h(
        "li",
        null,
        h("span", { class: "hbar-label", id: `${titleId}-${i}` }, it.href ? h("a", { href: it.href }, it.label) : it.label),
        s("svg", { class: "hbar", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" }, s("rect", { x: 0, y: 0, width: it.value > 0 ? Math.max(1, (it.value / max) * 100) : 0, height: 10, rx: 2, class: it.cls || `s${i % SERIES}` })),
        h("span", { class: "hbar-value num" }, it.text),
      ),
    ),
  );
}
