// Formatting and calendar arithmetic in the practice's locale, currency and
// time zone (from the settings), whatever the browser's own are.

const ctx = { locale: "en-US", currency: "USD", timezone: "UTC" };

/** Takes locale, currency and time zone from the practice's settings. */
export function configure({ locale, currency, timezone } = {}) {
  if (locale) {
    try {
      new Intl.NumberFormat(locale);
      ctx.locale = locale;
    } catch (e) {
      /* keep the default */
    }
  }
  if (currency) ctx.currency = currency;
  if (timezone) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: timezone });
      ctx.timezone = timezone;
    } catch (e) {
      /* keep UTC */
    }
  }
  partsCache.clear();
}

export function settings() {
  return { ...ctx };
}

const nfCache = new Map();
function moneyFormat(currency) {
  const key = `${ctx.locale}|${currency}`;
  if (!nfCache.has(key)) {
    let nf;
    try {
      nf = new Intl.NumberFormat(ctx.locale, { style: "currency", currency });
    } catch (e) {
      nf = new Intl.NumberFormat(ctx.locale, { style: "currency", currency: "USD" });
    }
    nfCache.set(key, nf);
  }
  return nfCache.get(key);
}

/** How many digits the minor unit of currency has (JPY 0, USD 2, BHD 3). */
export function minorDigits(currency = ctx.currency) {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits;
}

/** Formats an amount in minor units, e.g. 123450 USD → "$1,234.50". */
export function money(minor, currency = ctx.currency) {
  if (minor === null || minor === undefined || Number.isNaN(minor)) return "";
  return moneyFormat(currency).format(minor / 10 ** minorDigits(currency));
}

/** A short amount for a chart's axis, e.g. 150000 USD → "$1.5K". */
export function moneyShort(minor, currency = ctx.currency) {
  const major = (minor || 0) / 10 ** minorDigits(currency);
  try {
    return new Intl.NumberFormat(ctx.locale, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(major);
  } catch (e) {
    return number(major, 0);
  }
}

/** Minor units as a plain number for an input field, e.g. 8500 → "85.00". */
export function moneyInput(minor, currency = ctx.currency) {
  if (minor === null || minor === undefined || minor === "") return "";
  const d = minorDigits(currency);
  const neg = minor < 0;
  const abs = String(Math.abs(minor)).padStart(d + 1, "0");
  const out = d ? `${abs.slice(0, abs.length - d)}.${abs.slice(abs.length - d)}` : abs;
  return neg ? `-${out}` : out;
}

/**
 * Parses what a person typed as an amount in major units ("85", "85.5",
 * "1,234.50", "1.234,50") into minor units, without floating point.
 * Answers NaN when it is not an amount.
 */
export function parseMoney(text, currency = ctx.currency) {
  const d = minorDigits(currency);
  let t = String(text).trim().replace(/[\s'\u00a0\u202f]/g, "");
  if (t === "") return NaN;
  const neg = t.startsWith("-");
  if (neg) t = t.slice(1);
  if (!/^[0-9.,]+$/.test(t)) return NaN;
  let intPart = t;
  let frac = "";
  const last = Math.max(t.lastIndexOf("."), t.lastIndexOf(","));
  if (last >= 0) {
    const tail = t.slice(last + 1);
    const sepCount = (t.match(/[.,]/g) || []).length;
    const sameSeps = t.split(t[last]).length - 1;
    // "1,234" with a single separator followed by exactly three digits is a
    // thousands group when the currency has fewer minor digits.
    const isGroup = tail.length === 3 && d < 3 && sepCount === sameSeps;
    if (!isGroup) {
      if (tail.length > d) return NaN;
      frac = tail;
      intPart = t.slice(0, last);
    }
  }
  intPart = intPart.replace(/[.,]/g, "");
  if (intPart === "") intPart = "0";
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(frac)) return NaN;
  const n = Number(intPart) * 10 ** d + Number(frac.padEnd(d, "0") || "0");
  if (!Number.isSafeInteger(n)) return NaN;
  return neg ? -n : n;
}

/** A plain number in the locale, e.g. hours "12.5". */
export function number(n, maxDigits = 1) {
  return new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: maxDigits }).format(n);
}

/** Minutes as "1h 05m", "45m", "0m". */
export function duration(minutes) {
  const m = Math.max(0, Math.round(minutes || 0));
  const hh = Math.floor(m / 60);
  const mm = m % 60;
  if (!hh) return `${mm}m`;
  return `${hh}h ${String(mm).padStart(2, "0")}m`;
}

/** Minutes as decimal hours, "7.5 h". */
export function hours(minutes) {
  return `${number((minutes || 0) / 60, 2)} h`;
}

/** Seconds as a running clock, "1:02:03". */
export function clock(seconds) {
  const sec = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(sec / 3600);
  const mm = Math.floor((sec % 3600) / 60);
  const ss = sec % 60;
  return `${hh}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
}

// ---- time zone arithmetic -------------------------------------------------

const partsCache = new Map();
function partsFormat(tz) {
  if (!partsCache.has(tz)) {
    partsCache.set(
      tz,
      new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      }),
    );
  }
  return partsCache.get(tz);
}

/** The wall-clock parts of an instant in the practice's time zone. */
export function zoned(instant, tz = ctx.timezone) {
  const d = instant instanceof Date ? instant : new Date(instant);
  const p = {};
  for (const { type, value } of partsFormat(tz).formatToParts(d)) p[type] = value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

function offsetAt(ms, tz) {
  const z = zoned(new Date(ms), tz);
  const asUTC = Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute, z.second);
  return asUTC - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time in the practice's time zone. */
export function instantOf(isoDay, hh = 0, mm = 0, tz = ctx.timezone) {
  const [y, m, d] = isoDay.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let t = guess - offsetAt(guess, tz);
  const again = guess - offsetAt(t, tz);
  if (again !== t) t = again;
  return new Date(t);
}

function pad(n, w = 2) {
  return String(n).padStart(w, "0");
}

/** The calendar day (YYYY-MM-DD) of an instant in the practice's zone. */
export function dayOf(instant, tz = ctx.timezone) {
  const z = zoned(instant, tz);
  return `${z.year}-${pad(z.month)}-${pad(z.day)}`;
}

/** Today in the practice's zone. */
export function today() {
  return dayOf(new Date());
}

/** day plus n days. */
export function addDays(isoDay, n) {
  const [y, m, d] = isoDay.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Monday of the week of day. */
export function weekStart(isoDay) {
  const [y, m, d] = isoDay.split("-").map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(isoDay, -((wd + 6) % 7));
}

/** First day of the month of day. */
export function monthStart(isoDay) {
  return `${isoDay.slice(0, 8)}01`;
}

/** Last day of the month of day. */
export function monthEnd(isoDay) {
  const [y, m] = isoDay.split("-").map(Number);
  const t = new Date(Date.UTC(y, m, 0));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** "YYYY-MM-DDTHH:MM" for a datetime-local input, in the practice's zone. */
export function localInput(instant) {
  const z = zoned(instant);
  return `${z.year}-${pad(z.month)}-${pad(z.day)}T${pad(z.hour)}:${pad(z.minute)}`;
}

/** The instant of a datetime-local value, read in the practice's zone. */
export function fromLocalInput(value) {
  const [day, time = "00:00"] = value.split("T");
  const [hh, mm] = time.split(":").map(Number);
  return instantOf(day, hh, mm);
}

const dtCache = new Map();
function dtf(opts, tz) {
  const key = `${ctx.locale}|${tz}|${JSON.stringify(opts)}`;
  if (!dtCache.has(key)) dtCache.set(key, new Intl.DateTimeFormat(ctx.locale, { ...opts, timeZone: tz }));
  return dtCache.get(key);
}

/** A calendar date (YYYY-MM-DD) for people, e.g. "Nov 2, 2026". */
export function date(isoDay, opts = { dateStyle: "medium" }) {
  if (!isoDay) return "";
  const [y, m, d] = isoDay.slice(0, 10).split("-").map(Number);
  return dtf(opts, "UTC").format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** A weekday and date, e.g. "Mon, Nov 2". */
export function weekday(isoDay) {
  return date(isoDay, { weekday: "short", month: "short", day: "numeric" });
}

/** An instant as date and time in the practice's zone. */
export function dateTime(instant) {
  if (!instant) return "";
  return dtf({ dateStyle: "medium", timeStyle: "short" }, ctx.timezone).format(new Date(instant));
}

/** An instant's time of day in the practice's zone, e.g. "9:30 AM". */
export function time(instant) {
  if (!instant) return "";
  return dtf({ timeStyle: "short" }, ctx.timezone).format(new Date(instant));
}

/** A percentage from basis points: 2000 → "20%". */
export function percentBP(bp) {
  return `${number((bp || 0) / 100, 2)}%`;
}
