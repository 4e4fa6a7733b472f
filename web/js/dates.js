// Dates as people read and type them: in the user's calendar (Solar Hijri
// or Gregorian) with the other one beside it, in the language's digits. The
// API always speaks ISO Gregorian (YYYY-MM-DD, RFC 3339 times in UTC).
import * as cal from "./calendar.js";
import { h } from "./dom.js";
import { t, digits, latinDigits } from "./i18n.js";
import { getPrefs } from "./prefs.js";

// Today in the browser's time zone, ISO.
export function todayISO() {
  const d = new Date();
  return cal.formatISO({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });
}

export function addDaysISO(iso, n) {
  const g = cal.parseISO(iso);
  if (!g) return null;
  return cal.formatISO(cal.dayToGregorian(cal.gregorianToDay(g.year, g.month, g.day) + n));
}

// "12 Ordibehesht 1363" / "2 May 1984" (or in Persian) for an ISO date in
// the given calendar.
export function formatIn(iso, calendar) {
  const g = cal.parseISO(iso);
  if (!g) return iso || "";
  if (calendar === "solar_hijri") {
    const s = cal.gregorianToSH(g.year, g.month, g.day);
    return digits(t("date.format", { day: s.day, month: t(`month.sh.${s.month}`), year: s.year }))
  }
  return digits(t("date.format", { day: g.day, month: t(`month.g.${g.month}`), year: g.year }));
}

export function otherCalendar(calendar) {
  return calendar === "solar_hijri" ? "gregorian" : "solar_hijri";
}

// The date in the user's calendar, as text.
export function fmtDate(iso) {
  if (!iso) return "";
  return formatIn(iso, getPrefs().calendar);
}

// The date in the user's calendar with the other calendar beside it.
export function dateEl(iso) {
  if (!iso) return h("span", { class: "muted", text: t("common.none") });
  const c = getPrefs().calendar;
  return h(
    "span",
    { class: "date", dataset: { iso } },
    h("span", { class: "date-main", text: formatIn(iso, c) }),
    " ",
    h("span", { class: "date-other", text: `(${formatIn(iso, otherCalendar(c))})` }),
  );
}

function pad2(n) {
  return String(n).padStart(2, "0");
}

// Local date and time of an RFC 3339 instant, in the user's calendar.
export function fmtDateTime(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339 || "";
  const iso = cal.formatISO({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });
  return `${fmtDate(iso)} ${digits(`${pad2(d.getHours())}:${pad2(d.getMinutes())}`)}`;
}

// An ISO date shown for editing in a calendar: "1363-02-12".
export function isoToInput(iso, calendar) {
  const g = cal.parseISO(iso);
  if (!g) return "";
  if (calendar !== "solar_hijri") return iso;
  return cal.formatISO(cal.gregorianToSH(g.year, g.month, g.day));
}

// What was typed in a date field: the year tells the calendar (below 1700
// is Solar Hijri, 1403-01-01; from 1700 on Gregorian, 2024-03-20), so either
// may be typed whatever the field shows. Accepts Persian digits and "/" or
// "." between the parts. Returns {iso, calendar} or {error: message key};
// empty input gives {iso: ""}.
export function parseDateInput(text) {
  const s = latinDigits(String(text || "")).trim();
  if (!s) return { iso: "" };
  const m = /^(\d{3,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$/.exec(s);
  if (!m) return { error: "date.error.format" };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1700) {
    const iso = cal.shToISO(y, mo, d);
    return iso ? { iso, calendar: "solar_hijri" } : { error: "date.error.no_such_day" };
  }
  if (!cal.isValidGregorian(y, mo, d)) return { error: "date.error.no_such_day" };
  return { iso: cal.formatISO({ year: y, month: mo, day: d }), calendar: "gregorian" };
}
