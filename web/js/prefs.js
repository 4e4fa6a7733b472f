// The user's language and calendar: remembered in this browser (per user,
// and the last one used for the sign-in page) and, where the server offers
// PATCH /api/v1/me, on the server too.
export const CALENDARS = ["gregorian", "solar_hijri"];

const prefs = { lang: "en", calendar: "gregorian" };

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode or full: the choice lasts for this page only */
  }
}

// Before sign-in: what this browser used last.
export function loadDevicePrefs() {
  const p = read("safar.prefs");
  if (p) setLocal(p);
  return prefs;
}

// After sign-in: this user's choice in this browser wins, then the server's.
export function loadUserPrefs(me) {
  const mine = read(`safar.prefs.${me.username}`);
  if (mine) setLocal(mine);
  else setLocal({ lang: me.locale, calendar: me.calendar });
  return prefs;
}

function setLocal(p) {
  if (p.lang === "en" || p.lang === "fa") prefs.lang = p.lang;
  if (CALENDARS.includes(p.calendar)) prefs.calendar = p.calendar;
}

export function savePrefs(username, change) {
  setLocal(change);
  write("safar.prefs", { ...prefs });
  if (username) write(`safar.prefs.${username}`, { ...prefs });
}

export function getPrefs() {
  return prefs;
}
