// The message catalogues: English and Persian have the same keys, no empty
// message, the same {placeholders}; every key the app uses exists. Keys are
// found in the sources as string literals that look like keys of a known
// namespace ("case.move_to"); keys put together at run time are listed
// here (KEY_FAMILIES) and from web/js/enums.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { ENUMS } from "../../web/js/enums.js";

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "../../web");
const LANGS = ["en", "fa"];
const catalogues = Object.fromEntries(
  LANGS.map((l) => [l, JSON.parse(readFileSync(join(WEB, "i18n", `${l}.json`), "utf8"))]),
);

function files(dir, ext) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

// Keys made at run time: `person.${n}_latin`, `month.sh.${m}`, ...
const KEY_FAMILIES = [
  ...["given_name", "family_name", "father_name"].flatMap((n) => [`person.${n}`, `person.${n}_latin`, `person.${n}_native`]),
  ...["education", "occupation", "skills"].map((n) => `person.${n}`),
  ...["ref", "document", "phone"].map((k) => `persons.lookup.${k}`),
  ...LANGS.map((l) => `settings.lang.${l}`),
  "users.roles", "users.offices", "cal.short.sh", "cal.short.g",
  ...Array.from({ length: 12 }, (_, i) => [`month.sh.${i + 1}`, `month.g.${i + 1}`]).flat(),
  ...Object.entries(ENUMS).flatMap(([kind, values]) => values.map((v) => `enum.${kind}.${v}`)),
];

// Permission and audit action names are written like keys ("case.read",
// "person.merged_into") but are not.
const NOT_KEYS = /^(person|household|case|user|office|reference|report|audit|export|health|movement|course|workshop|assistance)\.(read|write|transition|approve|reassign|manage|aggregate|personal|read_clinical|merge|unmerge|merged_into)$/;

function usedKeys() {
  const namespaces = new Set(Object.keys(catalogues.en).map((k) => k.split(".")[0]));
  const used = new Map(); // key -> file
  const scan = (file, text) => {
    for (const m of text.matchAll(/["'`]([a-z_]+(?:\.[a-z0-9_]+)+)["'`]/g)) {
      const key = m[1];
      if (!namespaces.has(key.split(".")[0]) || NOT_KEYS.test(key)) continue;
      if (/\.(js|mjs|json|css|html|woff2|png)$/.test(key)) continue;
      used.set(key, file);
    }
    if (file.endsWith(".html")) for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) used.set(m[1], file);
  };
  for (const f of [...files(join(WEB, "js"), ".js"), join(WEB, "index.html")]) scan(f, readFileSync(f, "utf8"));
  return used;
}

test("both languages have the same keys", () => {
  const en = new Set(Object.keys(catalogues.en));
  for (const l of LANGS) {
    const mine = new Set(Object.keys(catalogues[l]));
    const missing = [...en].filter((k) => !mine.has(k));
    const extra = [...mine].filter((k) => !en.has(k));
    assert.deepEqual(missing, [], `${l}.json lacks ${missing.join(", ")}`);
    assert.deepEqual(extra, [], `${l}.json has keys English lacks: ${extra.join(", ")}`);
  }
});

test("no message is empty, placeholders match", () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, en] of Object.entries(catalogues.en)) {
    for (const l of LANGS) {
      const msg = catalogues[l][key];
      assert.equal(typeof msg, "string", `${l} ${key}`);
      assert.ok(msg.trim().length > 0, `${l} ${key} is empty`);
      assert.deepEqual(names(msg), names(en), `${l} ${key}: placeholders differ from English`);
    }
  }
});

test("Persian messages are in Persian", () => {
  // a message the same in both languages must be a code, a number format,
  // a name of a language in its own script, or a mark
  const letters = (s) => /[A-Za-z]{3}/.test(s.replace(/\{\w+\}/g, ""));
  const same = Object.keys(catalogues.en).filter((k) => catalogues.en[k] === catalogues.fa[k] && letters(catalogues.en[k]));
  assert.deepEqual(same.filter((k) => !["settings.lang.en", "date.placeholder.g"].includes(k)), []);
});

test("every key the app uses exists", () => {
  const used = usedKeys();
  assert.ok(used.size > 200, `found only ${used.size} keys: is the scan broken?`);
  const missing = [];
  for (const [key, file] of used) if (!(key in catalogues.en)) missing.push(`${key} (${file.slice(WEB.length + 1)})`);
  for (const key of KEY_FAMILIES) if (!(key in catalogues.en)) missing.push(`${key} (made at run time)`);
  assert.deepEqual(missing, []);
});

test("no inline scripts, handlers or styles in the HTML (the CSP forbids them)", () => {
  const html = readFileSync(join(WEB, "index.html"), "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, "inline <script>");
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "inline event handler");
  assert.doesNotMatch(html, /<style|\sstyle\s*=/i, "inline style");
  for (const f of files(join(WEB, "js"), ".js")) {
    const js = readFileSync(f, "utf8");
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, f);
  }
});
