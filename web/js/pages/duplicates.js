// Possible duplicates for review (GET /duplicates): each pair side by side,
// the rows where the two files differ marked, with the score and why it
// scored so. A supervisor (person.merge) keeps one file and merges the
// other into it (POST /persons/{id}/merge), then sees what moved
// (GET /merges/{id}). The view of a merge record is shared with a merged
// person's file (pages/person_file.js).
import { api, ApiError } from "../api.js";
import { h, $ } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import { dateEl, fmtDateTime } from "../dates.js";
import { explain } from "../explain.js";
import { nextPairs, withoutPerson } from "../pairs.js";
import {
  pageHeader, field, select, pairEl, nameEl, ltr, bdi, enumLabel, empty, button, busy, onSubmit, showProblem,
  openDialog, problemBox, loading, tNodes,
} from "../ui.js";

const THRESHOLDS = [70, 80, 90];
const DEFAULT_THRESHOLD = 80;
const PAGE_SIZE = 20;

const joined = (...xs) => xs.filter(Boolean).join(" ");
const latin = (text) => (text ? h("bdi", { lang: "en", dir: "ltr", text }) : null);
const native = (text) => (text ? h("bdi", { lang: "fa", dir: "rtl", text }) : null);

// The rows of the comparison: label, a value to compare (lower case, so a
// capital letter is not a difference), what is shown.
function rows() {
  return [
    { label: t("dups.name_latin"), value: (p) => joined(p.given_name, p.family_name), show: (p) => latin(joined(p.given_name, p.family_name)) },
    { label: t("dups.name_native"), value: (p) => joined(p.given_name_native, p.family_name_native), show: (p) => native(joined(p.given_name_native, p.family_name_native)) },
    { label: t("person.father_name"), value: (p) => joined(p.father_name, p.father_name_native), show: (p) => (p.father_name || p.father_name_native ? pairEl(p.father_name, p.father_name_native) : null) },
    { label: t("person.sex"), value: (p) => p.sex, show: (p) => (p.sex ? enumLabel("sex", p.sex) : null) },
    {
      label: t("person.birth_date"),
      value: (p) => `${p.birth_date || ""}${p.birth_date_estimated ? "~" : ""}`,
      show: (p) => (p.birth_date ? [dateEl(p.birth_date), p.birth_date_estimated ? h("span", { class: "badge", text: t("person.estimated") }) : null] : null),
    },
    { label: t("person.phone"), value: (p) => p.phone, show: (p) => (p.phone ? ltr(p.phone) : null) },
    { label: t("person.office"), value: (p) => p.office, show: (p) => ltr(p.office) },
    {
      label: t("person.documents"),
      value: (p) => (p.documents || []).map((d) => `${d.type}:${d.number}`).sort().join(","),
      show: (p) => (p.documents?.length ? h("ul", { class: "plain" }, p.documents.map((d) => h("li", {}, enumLabel("doc", d.type), " ", ltr(d.number)))) : null),
    },
    { label: t("person.registered_on"), show: (p) => (p.registered_on ? dateEl(p.registered_on) : null) },
  ];
}

function compareTable(pair) {
  const { person: a, candidate: b } = pair;
  const norm = (v) => String(v ?? "").trim().toLowerCase();
  const cell = (r, p) => h("td", {}, r.show(p) ?? h("span", { class: "muted", text: t("common.none") }));
  const head = (p) => h("th", { scope: "col" }, h("a", { href: `#/persons/${p.id}` }, ltr(p.ref)));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data dup-compare" },
      h("caption", { class: "sr-only" }, tNodes("dups.pair_title", { a: a.ref, b: b.ref })),
      h("thead", {}, h("tr", {}, h("td", {}), head(a), head(b))),
      h(
        "tbody",
        {},
        rows().map((r) => {
          const differs = r.value && norm(r.value(a)) !== norm(r.value(b));
          return h(
            "tr",
            { class: differs ? "differs" : null },
            h("th", { scope: "row" }, r.label, differs ? h("span", { class: "differs-mark", text: ` · ${t("dups.differs")}` }) : null),
            cell(r, a),
            cell(r, b),
          );
        }),
      ),
    ),
  );
}

// ---- what a merge moved ----

// "kind:action" (store/merges.c) -> message with {what}
const ITEM_MESSAGES = {
  "document:moved": "merge.item.document_moved",
  "consent:moved": "merge.item.consent_moved",
  "household_member:moved": "merge.item.household_moved",
  "household_member:removed": "merge.item.household_removed",
  "household_head:replaced": "merge.item.household_head",
  "case_member:moved": "merge.item.case_moved",
  "case_member:removed": "merge.item.case_removed",
  "case_principal:replaced": "merge.item.case_principal",
};

// One item of a merge record; survivor (the file that stays, as GET
// /persons answers it, or null) names the documents, households and cases.
function itemEl(it, survivor) {
  const find = (list) => (list || []).find((x) => x.id === it.target_id);
  let what = ltr(`#${it.target_id}`);
  if (it.kind === "document") {
    const d = find(survivor?.documents);
    if (d) what = h("span", {}, enumLabel("doc", d.type), " ", ltr(d.number));
  } else if (it.kind === "consent") {
    const c = find(survivor?.consents);
    if (c) what = enumLabel("consent", c.purpose);
  } else if (it.kind.startsWith("household")) {
    what = h("a", { href: `#/households/${it.target_id}` }, ltr(find(survivor?.households)?.ref || `#${it.target_id}`));
  } else if (it.kind.startsWith("case")) {
    what = h("a", { href: `#/cases/${it.target_id}` }, ltr(find(survivor?.cases)?.ref || `#${it.target_id}`));
  }
  const key = ITEM_MESSAGES[`${it.kind}:${it.action}`];
  return h("li", {}, key ? tNodes(key, { what }) : [`${it.kind} ${it.action} `, what]);
}

// A merge record (GET /merges/{id}): when, why, and every item moved.
export function mergeRecordView(m, survivor) {
  const rowsDl = [
    [t("merge.merged_at"), fmtDateTime(m.merged_at)],
    [t("merge.reason"), bdi(m.reason)],
    m.undone_at ? [t("merge.undone_at"), fmtDateTime(m.undone_at)] : null,
    m.undone_at && m.undo_reason ? [t("merge.undo_reason"), bdi(m.undo_reason)] : null,
  ].filter(Boolean);
  return h(
    "div",
    { class: "merge-record" },
    h("dl", { class: "details" }, rowsDl.map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)])),
    h("h3", { text: t("merge.moved") }),
    m.items.length ? h("ul", { class: "merge-items" }, m.items.map((it) => itemEl(it, survivor))) : empty(t("merge.nothing_moved")),
  );
}

// ---- merging ----

// The dialog: which file stays, why, and what will happen. Resolves
// through onMerged(record, survivor, other) once the server has merged.
// getPair() gives the pair as it is now (a 409 reloads a side).
function mergeDialog(getPair, { onMerged, onStale }) {
  const { person: a, candidate: b } = getPair();
  const group = `keep-${a.id}-${b.id}`;
  const radio = (p) => {
    const id = `keep-${p.id}`;
    return h("span", { class: "radio" }, h("input", { type: "radio", name: group, id, value: String(p.id) }), h("label", { for: id }, ltr(p.ref), " ", nameEl(p)));
  };
  const keep = h(
    "fieldset",
    { class: "radios keep-choice", dataset: { field: "survivor" } },
    h("legend", {}, t("dups.keep"), h("span", { class: "req", "aria-hidden": "true", text: " *" })),
    radio(a),
    radio(b),
    h("div", { class: "field-error", role: "alert" }),
  );
  const summary = h("p", { class: "note merge-summary", "aria-live": "polite", text: t("dups.keep_hint") });
  const reason = h("textarea", { rows: 3, maxlength: 500, dir: "auto", id: "merge-reason" });
  const form = h(
    "form",
    { class: "dialog-form merge-form", novalidate: true },
    h("p", { text: t("dups.merge_lead") }),
    keep,
    summary,
    field({ label: t("dups.reason"), control: reason, field: "reason", required: true, hint: t("dups.reason_hint") }),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "btn primary", id: "merge-confirm", text: t("dups.merge_confirm") }),
      button("common.cancel", { class: "btn ghost" }, () => d.close()),
    ),
  );
  const chosen = () => {
    const r = $(`input[name="${group}"]:checked`, form);
    if (!r) return null;
    const { person, candidate } = getPair();
    return Number(r.value) === person.id ? [person, candidate] : [candidate, person];
  };
  keep.addEventListener("change", () => {
    const [survivor, other] = chosen();
    summary.replaceChildren(...tNodes("dups.will_merge", { other: ltr(other.ref), survivor: ltr(survivor.ref) }));
    $(".field-error", keep).textContent = "";
  });
  const refuse = (wrap, control, key) => {
    $(".field-error", wrap).textContent = t(key);
    control.setAttribute("aria-invalid", "true");
    control.focus();
  };
  onSubmit(form, async () => {
    const pick = chosen();
    if (!pick) return refuse(keep, $("input", keep), "dups.keep_needed");
    if (!reason.value.trim()) return refuse(reason.closest(".field"), reason, "dups.reason_needed");
    reason.removeAttribute("aria-invalid");
    const [survivor, other] = pick;
    try {
      const rec = await api.post(`/persons/${survivor.id}/merge`, { other_person_id: other.id, version: survivor.version, reason: reason.value.trim() });
      d.close();
      await onMerged(rec, survivor, other);
    } catch (e) {
      showProblem(form, e);
      if (e instanceof ApiError && e.status === 409) {
        // changed since the list was loaded: show the file as it is now,
        // and let the next try carry its new version
        await onStale(survivor.id);
        $(".form-problem", form).append(h("p", { text: t("dups.reloaded") }));
      }
    }
  });
  const d = openDialog({ title: t("dups.merge_title"), content: form });
  $("input", keep).focus();
  return d;
}

// ---- the page ----

export async function render({ root, query, alive }) {
  const threshold = THRESHOLDS.includes(Number(query.get("threshold"))) ? Number(query.get("threshold")) : DEFAULT_THRESHOLD;
  root.append(pageHeader(t("dups.title")), h("p", { class: "muted page-lead", text: t(can("person.merge") ? "dups.lead_merge" : "dups.lead") }));

  const thresholdSelect = select(THRESHOLDS.map((n) => ({ value: String(n), label: t("dups.threshold_option", { n }) })), { value: String(threshold), id: "dup-threshold" });
  thresholdSelect.addEventListener("change", () => {
    location.hash = `#/duplicates?threshold=${thresholdSelect.value}`;
  });
  root.append(h("div", { class: "filters dup-filters" }, field({ label: t("dups.threshold"), control: thresholdSelect, hint: t("dups.threshold_hint") })));

  const list = h("div", { class: "dup-list-page", "aria-live": "polite" });
  const results = h("div", { class: "dup-results" });
  const status = h("p", { class: "muted dup-status" });
  const more = button("dups.more", { class: "btn", id: "dup-more" }, (ev) => busy(ev.currentTarget, load));
  const foot = h("div", { class: "dup-foot" }, status, more);
  root.append(list, foot);
  list.append(results);

  let pairs = [];
  let cursor = null;
  let started = false;
  let merged = 0;
  const cards = new Map(); // pair -> its card

  const paintFoot = () => {
    more.hidden = !cursor;
    more.textContent = t(pairs.length ? "dups.more" : "dups.search_further");
    status.textContent = pairs.length ? t("dups.shown", { n: pairs.length }) : "";
    results.querySelector(":scope > .empty")?.remove();
    if (!pairs.length) results.append(empty(t(cursor ? "dups.none_yet" : merged ? "dups.none_left" : "dups.none")));
  };

  // person p as the server has it now, in every pair that shows them
  const replaceSide = (p) => {
    for (const pair of pairs) {
      if (pair.person.id !== p.id && pair.candidate.id !== p.id) continue;
      if (pair.person.id === p.id) pair.person = p;
      else pair.candidate = p;
      const old = cards.get(pair);
      old.replaceWith(card(pair));
    }
  };

  // a side of every pair showing person id, as the server has it now
  const refreshPerson = async (id) => {
    let fresh;
    try {
      fresh = await api.get(`/persons/${id}`);
    } catch {
      return;
    }
    replaceSide(fresh);
  };

  const onMerged = async (pair, rec, survivor, other) => {
    let record = rec;
    let kept = null;
    try {
      [record, kept] = await Promise.all([api.get(`/merges/${rec.id}`), api.get(`/persons/${survivor.id}`)]);
    } catch {
      /* merged all the same: show what the merge answered */
    }
    merged += 1;
    const result = h(
      "section",
      { class: "dup-result panel", role: "status", "aria-labelledby": `merged-${rec.id}` },
      h("h2", { id: `merged-${rec.id}` }, tNodes("dups.merged", { other: ltr(other.ref), survivor: ltr(survivor.ref) })),
      mergeRecordView(record, kept),
      h("p", {}, h("a", { class: "btn primary", href: `#/persons/${survivor.id}`, id: `open-survivor-${survivor.id}` }, t("dups.open_survivor", { ref: survivor.ref }))),
    );
    cards.get(pair).replaceWith(result);
    // the other file is closed: no pair names it any more; the pairs of
    // the file kept carry its new version
    const left = withoutPerson(pairs, other.id);
    for (const p of pairs) if (!left.includes(p) && p !== pair) cards.get(p).remove();
    pairs = left;
    if (kept) replaceSide(kept);
    paintFoot();
    result.querySelector("a.btn").focus();
  };

  const card = (pair) => {
    const { person: a, candidate: b } = pair;
    const titleId = `pair-${a.id}-${b.id}`;
    const el = h(
      "article",
      { class: "dup-pair panel", "aria-labelledby": titleId, dataset: { a: a.id, b: b.id } },
      h(
        "div",
        { class: "dup-pair-head" },
        h("h2", { id: titleId }, tNodes("dups.pair_title", { a: ltr(a.ref), b: ltr(b.ref) })),
        h("span", { class: "badge dup-score", text: t("dup.score", { n: pair.score }) }),
      ),
      pair.explanation ? h("p", { class: "dup-why" }, h("span", { class: "muted", text: `${t("dups.why")} ` }), bdi(explain(pair.explanation, t))) : null,
      compareTable(pair),
      can("person.merge")
        ? h(
            "div",
            { class: "actions" },
            button("dups.merge", { class: "btn", "aria-label": t("dups.merge_named", { a: a.ref, b: b.ref }) }, () =>
              mergeDialog(() => pair, {
                onMerged: (rec, survivor, other) => onMerged(pair, rec, survivor, other),
                onStale: refreshPerson,
              }),
            ),
          )
        : null,
    );
    cards.set(pair, el);
    return el;
  };

  const load = async () => {
    const box = started ? null : loading();
    if (box) results.append(box);
    try {
      const r = await nextPairs(api.get, { threshold, cursor, limit: PAGE_SIZE });
      if (!alive()) return;
      started = true;
      cursor = r.cursor;
      pairs.push(...r.items);
      results.append(...r.items.map(card));
    } catch (e) {
      if (!alive()) return;
      foot.before(problemBox(e));
    } finally {
      box?.remove();
    }
    paintFoot();
  };
  await load();
}
