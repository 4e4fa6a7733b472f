// Match explanations in the reader's language (web/js/explain.js): every
// phrase src/match/score.c can write (its say() formats, read from the C
// source, with each field word and "(estimated)" filled in) has a message
// in both catalogues, and a Persian reader sees no English phrase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { explain, knows } from "../../web/js/explain.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const catalogue = (l) => JSON.parse(readFileSync(join(ROOT, "web/i18n", `${l}.json`), "utf8"));
const translator = (cat) => (key, params) => {
  assert.ok(key in cat, `missing message ${key}`);
  return cat[key].replace(/\{(\w+)\}/g, (m, n) => (params && n in params ? String(params[n]) : m));
};

// The phrases of score.c: say(e, "...", args) with %s and %d filled in.
function phrases() {
  const src = readFileSync(join(ROOT, "src/match/score.c"), "utf8");
  const formats = [...src.matchAll(/\bsay\(&?e,\s*"([^"]*)"/g)].map((m) => m[1]);
  assert.ok(formats.length >= 15, `found only ${formats.length} say() formats in score.c`);
  const out = new Set();
  for (const f of formats) {
    const fields = f.includes("%s name") ? ["given", "family", "father's"] : [""];
    for (const field of fields)
      for (const note of ["", " (estimated)"]) {
        let p = f.replace("%s name", `${field} name`).replace("%d", "3");
        if (p.endsWith("%s")) p = p.slice(0, -2) + note;
        else if (note) continue;
        out.add(p);
      }
  }
  return [...out];
}

test("every phrase score.c writes is known", () => {
  for (const p of phrases()) assert.ok(knows(p), `no message for the phrase "${p}"`);
});

test("English reads as the server wrote it", () => {
  const tr = translator(catalogue("en"));
  for (const p of phrases()) assert.equal(explain(p, tr), p);
  const text = "same given and family name; same father's name; born 1 year apart (estimated)";
  assert.equal(explain(text, tr), text);
});

test("Persian has no English left", () => {
  const tr = translator(catalogue("fa"));
  for (const p of phrases()) {
    const s = explain(p, tr);
    assert.doesNotMatch(s, /[A-Za-z]/, `"${p}" read as "${s}"`);
  }
  assert.equal(
    explain("same given and family name; born 3 years apart (estimated)", tr),
    "نام و نام خانوادگی یکسان؛ 3 سال فاصله در تولد (تخمینی)",
  );
});

test("an unknown phrase is shown as written", () => {
  const tr = translator(catalogue("fa"));
  assert.equal(explain("a phrase from a newer server", tr), "a phrase from a newer server");
  assert.equal(explain("", tr), "");
});
