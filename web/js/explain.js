// The explanation of a match score in the reader's language. The server
// writes it in English, phrases joined by "; " (src/match/score.c, say());
// each phrase it can write is matched here to a message. A phrase not
// known here is shown as the server wrote it (tests/web/explain.test.mjs
// reads score.c and fails when one has no message).

// [pattern, key, params from the match]
const PHRASES = [
  [/^given and family names swapped$/, "match.swapped"],
  [/^same given and family name$/, "match.same_names"],
  [/^given and family names alike$/, "match.names_alike"],
  [/^same given name$/, "match.same_given"],
  [/^same family name$/, "match.same_family"],
  [/^same father's name$/, "match.same_father"],
  [/^given name alike$/, "match.alike_given"],
  [/^family name alike$/, "match.alike_family"],
  [/^father's name alike$/, "match.alike_father"],
  [/^given name differs$/, "match.differs_given"],
  [/^family name differs$/, "match.differs_family"],
  [/^father's name differs$/, "match.differs_father"],
  [/^father's names differ in part$/, "match.father_in_part"],
  [/^father's name in the query$/, "match.father_in_query"],
  [/^no father's name to compare$/, "match.no_father"],
  [/^names differ$/, "match.names_differ"],
  [/^same birth date$/, "match.same_date"],
  [/^same birth year, another date$/, "match.same_year_other_date"],
  [/^same birth year$/, "match.same_year"],
  [/^born 1 year apart$/, "match.year_apart"],
  [/^born (\d+) years apart$/, "match.years_apart", (m) => ({ n: Number(m[1]) })],
  [/^different sex$/, "match.different_sex"],
  [/^same document number$/, "match.same_document"],
  [/^same phone$/, "match.same_phone"],
];

// One phrase, or null when it is not known.
function phrase(text, tr) {
  let estimated = false;
  if (text.endsWith(" (estimated)")) {
    estimated = true;
    text = text.slice(0, -" (estimated)".length);
  }
  for (const [re, key, params] of PHRASES) {
    const m = re.exec(text);
    if (!m) continue;
    const s = tr(key, params ? params(m) : undefined);
    return estimated ? tr("match.estimated", { text: s }) : s;
  }
  return null;
}

// The whole explanation through tr (i18n's t, or a test's translator).
export function explain(text, tr) {
  if (!text) return "";
  return text
    .split("; ")
    .map((p) => phrase(p, tr) ?? p)
    .join(tr("match.separator"));
}

// For the test: whether every phrase of text is known.
export function knows(text) {
  return text.split("; ").every((p) => phrase(p, (k) => k) !== null);
}
