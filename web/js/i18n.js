// Message catalogues (web/i18n/<lang>.json): every string a person reads
// comes from t(key). A key missing from the catalogue is shown as the key,
// warned about on the console and remembered in window.safarMissingKeys
// (the browser tests fail on any).
import { $$ } from "./dom.js";

export const LANGUAGES = ["en", "fa"];
const RTL = new Set(["fa"]);

let current = "en";
let catalog = {};
const loaded = {};

export async function loadLanguage(lang) {
  if (!LANGUAGES.includes(lang)) lang = "en";
  if (!loaded[lang]) {
    const res = await fetch(`/assets/i18n/${lang}.json`, { credentials: "same-origin" });
    if (!res.ok) throw new Error(`cannot load the ${lang} messages (HTTP ${res.status})`);
    loaded[lang] = await res.json();
  }
  catalog = loaded[lang];
  current = lang;
  const html = document.documentElement;
  html.lang = lang;
  html.dir = RTL.has(lang) ? "rtl" : "ltr";
}

export function lang() {
  return current;
}

export function isRTL() {
  return RTL.has(current);
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalog, key);
}

function missing(key) {
  window.safarMissingKeys = window.safarMissingKeys || [];
  if (!window.safarMissingKeys.includes(key)) {
    window.safarMissingKeys.push(key);
    console.warn(`missing i18n key: ${key} (${current})`);
  }
}

// The message for key with {name} placeholders filled from params. Numbers
// in params are written with the language's digits.
export function t(key, params) {
  let s = catalog[key];
  if (s === undefined) {
    missing(key);
    s = key;
  }
  if (params)
    s = s.replace(/\{(\w+)\}/g, (m, name) => {
      if (!(name in params)) return m;
      const v = params[name];
      return typeof v === "number" ? num(v) : String(v);
    });
  return s;
}

// t(key) when the catalogue has it, else fallback (for data such as place
// names where only some have a translation).
export function tOr(key, fallback) {
  return has(key) ? catalog[key] : fallback;
}

const FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

// Digits in the language's script: 1403 -> ۱۴۰۳ in Persian.
export function digits(s) {
  s = String(s);
  if (current !== "fa") return s;
  return s.replace(/[0-9]/g, (d) => FA_DIGITS[Number(d)]);
}

export function num(n) {
  return digits(String(n));
}

// Persian (۰-۹) and Arabic-Indic (٠-٩) digits typed in a field, as ASCII.
export function latinDigits(s) {
  return String(s)
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

// Fills elements of root marked data-i18n="key" (text) and
// data-i18n-attr="attr:key;attr2:key2".
export function applyStatic(root = document) {
  for (const el of $$("[data-i18n]", root)) el.textContent = t(el.dataset.i18n);
  for (const el of $$("[data-i18n-attr]", root))
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
}
