// Solar Hijri (the Iranian calendar, "SH") and Gregorian dates, converted
// through day numbers (days since 1970-01-01).
//
// Iran's official calendar starts each year at Nowruz, the day of the March
// equinox when it falls before noon in Tehran (else the next day). For the
// years that matter here that astronomical rule is matched by a plain
// arithmetic pattern: in every 33 years, the 8 years whose remainder after
// dividing by 33 is 1, 5, 9, 13, 17, 22, 26 or 30 are leap years (30 days
// in Esfand instead of 29), the others common. tests/web/calendar.test.mjs
// checks it against the equinox rule for every Nowruz from 1354 to 1420 SH
// (1975-2041) and round-trips every day from 1300 to 1500 SH. Outside that
// range the same arithmetic is used; the astronomical calendar drifts away
// from it only centuries later or earlier.
//
// Months: 1-6 have 31 days, 7-11 have 30, 12 (Esfand) 29 or 30.

const LEAP_REMAINDERS = [1, 5, 9, 13, 17, 22, 26, 30];
const DAY_MS = 86400000;

function floorDiv(a, b) {
  return Math.floor(a / b);
}

function mod(a, b) {
  return a - b * Math.floor(a / b);
}

// Whether Solar Hijri year y has 366 days.
export function isLeapSH(y) {
  return LEAP_REMAINDERS.includes(mod(y, 33));
}

// How many of the years 1..n (n >= 0) are leap years.
function leapYearsUpTo(n) {
  const rest = mod(n, 33);
  let count = 8 * floorDiv(n, 33);
  for (const r of LEAP_REMAINDERS) if (r <= rest) count++;
  return count;
}

// ---- Gregorian ----

export function isLeapGregorian(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function gregorianMonthLength(y, m) {
  if (m === 2) return isLeapGregorian(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

export function isValidGregorian(y, m, d) {
  return (
    Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) &&
    y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= gregorianMonthLength(y, m)
  );
}

// Day number of a Gregorian date.
export function gregorianToDay(y, m, d) {
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function dayToGregorian(day) {
  const t = new Date(day * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

// ---- Solar Hijri ----

// The anchor: 1 Farvardin 1403 was Wednesday 20 March 2024.
const ANCHOR_YEAR = 1403;
const ANCHOR_DAY = gregorianToDay(2024, 3, 20);
// Day number of 1 Farvardin of year 1 by the same arithmetic.
const EPOCH = ANCHOR_DAY - 365 * (ANCHOR_YEAR - 1) - leapYearsUpTo(ANCHOR_YEAR - 1);

// Day number of 1 Farvardin (Nowruz) of year y.
export function nowruzDay(y) {
  return EPOCH + 365 * (y - 1) + leapYearsUpTo(y - 1);
}

export function monthLengthSH(y, m) {
  if (m <= 6) return 31;
  if (m <= 11) return 30;
  return isLeapSH(y) ? 30 : 29;
}

export function isValidSH(y, m, d) {
  return (
    Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) &&
    y >= 1 && y <= 3000 && m >= 1 && m <= 12 && d >= 1 && d <= monthLengthSH(y, m)
  );
}

export function shToDay(y, m, d) {
  const before = m <= 7 ? 31 * (m - 1) : 186 + 30 * (m - 7);
  return nowruzDay(y) + before + d - 1;
}

export function dayToSH(day) {
  // a first guess from the mean year, then step to the right year
  let y = floorDiv(day - EPOCH, 365.24242) + 1;
  while (nowruzDay(y + 1) <= day) y++;
  while (nowruzDay(y) > day) y--;
  const doy = day - nowruzDay(y);
  if (doy < 186) return { year: y, month: floorDiv(doy, 31) + 1, day: mod(doy, 31) + 1 };
  const rest = doy - 186;
  return { year: y, month: 7 + floorDiv(rest, 30), day: mod(rest, 30) + 1 };
}

export function gregorianToSH(y, m, d) {
  return dayToSH(gregorianToDay(y, m, d));
}

export function shToGregorian(y, m, d) {
  return dayToGregorian(shToDay(y, m, d));
}

// ---- ISO strings ----

function pad(n, width) {
  return String(n).padStart(width, "0");
}

export function formatISO({ year, month, day }) {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

// {year, month, day} of "YYYY-MM-DD", or null when it is not a real
// Gregorian date.
export function parseISO(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || "");
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidGregorian(y, mo, d) ? { year: y, month: mo, day: d } : null;
}

// The Solar Hijri date of an ISO Gregorian date string, or null.
export function isoToSH(s) {
  const g = parseISO(s);
  return g ? gregorianToSH(g.year, g.month, g.day) : null;
}

// The ISO Gregorian string of a Solar Hijri date, or null when invalid.
export function shToISO(y, m, d) {
  return isValidSH(y, m, d) ? formatISO(shToGregorian(y, m, d)) : null;
}
