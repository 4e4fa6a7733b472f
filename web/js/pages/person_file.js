// A person's file: details, documents, households, cases, consent (add and
// withdraw) and the record's history. A file merged into another (410)
// says into which, and shows an administrator the merge and its undoing.
import { api, ApiError } from "../api.js";
import { h, $, clear } from "../dom.js";
import { t, num } from "../i18n.js";
import { can, getProvinces, getCountries, provinceName, countryName } from "../state.js";
import { dateEl, fmtDateTime, todayISO } from "../dates.js";
import { ENUMS, TRAVEL_DOCUMENTS } from "../enums.js";
import {
  pageHeader, nameEl, pairEl, ltr, bdi, enumLabel, statusBadge, dataTable, empty, field, select, enumOptions,
  input, dateField, onSubmit, showProblem, toast, button, busy, problemBox, openDialog, askReason, tNodes,
} from "../ui.js";
import { mergeRecordView } from "./duplicates.js";

function dl(rows) {
  return h("dl", { class: "details" }, rows.filter(Boolean).map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v ?? h("span", { class: "muted", text: t("common.none") }))]));
}

function ageOn(birth, today) {
  if (!birth) return null;
  const [by, bm, bd] = birth.split("-").map(Number);
  const [ty, tm, td] = today.split("-").map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

// GET /persons/{id} answered 410 (`gone`): this file was merged into
// gone.merged_into by the merge gone.merge names.
async function renderMerged(ctx, gone) {
  const { root, alive } = ctx;
  const into = gone.merged_into;
  const ref = ltr(into.ref || `#${into.id}`);
  root.append(
    pageHeader(t("merged.title")),
    h("p", { class: "note merged-note", id: "merged-into" }, tNodes("merged.lead", { ref: h("a", { href: `#/persons/${into.id}` }, ref) })),
    h("p", {}, h("a", { class: "btn primary", href: `#/persons/${into.id}`, id: "open-merged-into" }, t("merged.open", { ref: into.ref || `#${into.id}` }))),
  );
  if (!can("person.unmerge")) {
    root.append(h("p", { class: "hint", text: t("merged.undo_hint") }));
    return;
  }
  const box = h("section", { class: "panel", "aria-labelledby": "merge-h" }, h("h2", { id: "merge-h", text: t("merged.record") }));
  root.append(box);
  let m;
  let survivor = null;
  try {
    m = gone.merge ? await api.get(`/merges/${gone.merge.id}`) : null;
    if (m) survivor = await api.get(`/persons/${m.survivor_id}`).catch(() => null);
  } catch (e) {
    box.append(problemBox(e));
    return;
  }
  if (!alive()) return;
  if (!m) {
    box.append(empty(t("merged.no_record")));
    return;
  }
  const undo = button("merged.undo", { class: "btn danger", id: "undo-merge" }, async (ev) => {
    const reason = await askReason({ title: t("merged.undo_title"), lead: t("merged.undo_lead") });
    if (reason === null) return;
    await busy(ev.currentTarget, async () => {
      try {
        await api.post(`/merges/${m.id}/undo`, { reason });
      } catch (e) {
        box.append(problemBox(e));
        return;
      }
      toast(t("merged.undone"));
      if (!alive()) return;
      clear(root);
      await render(ctx);
      $("#page-title", root)?.focus();
    });
  });
  box.append(mergeRecordView(m, survivor), m.undone_at ? null : h("div", { class: "actions" }, undo));
}

export async function render(ctx) {
  const { root, params, alive } = ctx;
  let p;
  try {
    p = await api.get(`/persons/${params.id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 410 && e.problem.merged_into) return renderMerged(ctx, e.problem);
    throw e;
  }
  const [irn, afg, countries] = await Promise.all([getProvinces("IRN"), getProvinces("AFG"), getCountries()]);
  if (!alive()) return;
  const prov = (code) => {
    if (!code) return null;
    const x = [...irn, ...afg].find((q) => q.code === code);
    return x ? provinceName(x) : ltr(code);
  };
  const today = todayISO();

  const actions = [];
  if (can("person.write")) actions.push(h("a", { class: "btn", href: `#/persons/${p.id}/edit`, id: "edit-person", text: t("common.edit") }));
  if (can("household.write") && !p.households.length) actions.push(h("a", { class: "btn", href: `#/households/new?head=${p.id}`, id: "new-household", text: t("person.new_household") }));
  if (can("case.write")) actions.push(h("a", { class: "btn", href: `#/cases/new?person=${p.id}`, text: t("person.open_case") }));
  root.append(pageHeader([ltr(p.ref), " ", nameEl(p)], ...actions));

  const age = ageOn(p.birth_date, today);
  const details = dl([
    [t("person.given_name"), p.given_name || p.given_name_native ? pairEl(p.given_name, p.given_name_native) : null],
    [t("person.family_name"), p.family_name || p.family_name_native ? pairEl(p.family_name, p.family_name_native) : null],
    [t("person.father_name"), p.father_name || p.father_name_native ? pairEl(p.father_name, p.father_name_native) : null],
    [t("person.sex"), enumLabel("sex", p.sex)],
    [t("person.birth_date"), p.birth_date ? h("span", { id: "birth-date" }, dateEl(p.birth_date), p.birth_date_estimated ? h("span", { class: "badge", text: t("person.estimated") }) : null, age !== null ? h("span", { class: "muted", text: ` · ${t("person.age", { n: age })}` }) : null) : null],
    [t("person.nationality"), p.nationality ? countryName(p.nationality, countries) : null],
    [t("person.phone"), p.phone ? ltr(p.phone) : null],
    [t("person.province_of_residence"), prov(p.province_of_residence)],
    [t("person.province_of_origin"), prov(p.province_of_origin)],
    [t("person.languages"), p.languages.length ? p.languages.map((l) => (ENUMS.lang.includes(l) ? enumLabel("lang", l) : l)).join(t("common.list_sep")) : null],
    [t("person.vulnerabilities"), p.vulnerabilities.length ? h("ul", { class: "tags" }, p.vulnerabilities.map((v) => h("li", { class: "badge warn", text: enumLabel("vuln", v) }))) : null],
    [t("person.education"), p.education ? bdi(p.education) : null],
    [t("person.occupation"), p.occupation ? bdi(p.occupation) : null],
    [t("person.skills"), p.skills ? bdi(p.skills) : null],
    [t("person.office"), ltr(p.office)],
  ]);

  const docs = p.documents.length
    ? dataTable([
        { label: t("person.doc_type"), cell: (d) => enumLabel("doc", d.type), sort: (d) => d.type },
        { label: t("person.doc_number"), cell: (d) => ltr(d.number), sort: (d) => d.number },
        { label: t("person.doc_issuer"), cell: (d) => bdi(d.issuer || ""), sort: (d) => d.issuer || "" },
        { label: t("person.doc_expires_on"), cell: (d) => (d.expires_on ? [dateEl(d.expires_on), d.expires_on < today ? h("span", { class: "badge danger", text: t("person.expired") }) : null] : t("common.none")), sort: (d) => d.expires_on || "" },
        { label: t("person.doc_travel"), cell: (d) => (TRAVEL_DOCUMENTS.includes(d.type) ? t("common.yes") : ""), sort: (d) => TRAVEL_DOCUMENTS.includes(d.type) },
      ], p.documents, { caption: t("person.documents") })
    : empty(t("person.no_documents"));

  const households = p.households.length
    ? h("ul", { class: "plain" }, p.households.map((x) => h("li", {}, h("a", { href: `#/households/${x.id}` }, ltr(x.ref)), " · ", enumLabel("rel", x.relationship))))
    : empty(t("person.no_households"));

  const caseList = p.cases.length
    ? dataTable([
        { label: t("case.ref"), cell: (c) => h("a", { href: `#/cases/${c.id}` }, ltr(c.ref)), sort: (c) => c.ref },
        { label: t("case.program"), cell: (c) => enumLabel("program", c.program), sort: (c) => c.program },
        { label: t("case.status"), cell: (c) => statusBadge(c.status), sort: (c) => c.status },
        { label: t("case.relationship"), cell: (c) => enumLabel("rel", c.relationship), sort: (c) => c.relationship },
      ], p.cases, { caption: t("person.cases") })
    : empty(t("person.no_cases"));

  // ---- consent ----
  const consentBox = h("div", { id: "consents" });
  const paintConsents = () => {
    consentBox.replaceChildren(
      p.consents.length
        ? dataTable([
            { label: t("consent.purpose"), cell: (c) => enumLabel("consent", c.purpose), sort: (c) => c.purpose },
            { label: t("consent.given_on"), cell: (c) => dateEl(c.given_on), sort: (c) => c.given_on },
            { label: t("consent.state"), cell: (c) => (c.withdrawn_on ? [h("span", { class: "badge danger", text: t("consent.withdrawn") }), " ", dateEl(c.withdrawn_on)] : h("span", { class: "badge ok", text: t("consent.active") })), sort: (c) => c.withdrawn_on || "" },
            { label: t("consent.notes"), cell: (c) => bdi([c.notes, c.withdrawal_notes].filter(Boolean).join(" — ")) },
            { label: t("common.actions"), cell: (c) => (c.withdrawn_on || !can("person.write") ? "" : button("consent.withdraw", { class: "btn small ghost danger", "aria-label": t("consent.withdraw_named", { purpose: enumLabel("consent", c.purpose) }) }, (ev) => withdraw(ev.currentTarget, c))) },
          ], p.consents, { caption: t("person.consent") })
        : empty(t("person.no_consents")),
    );
  };
  const withdraw = async (btn, c) => {
    const notes = await askReason({ title: t("consent.withdraw_title", { purpose: enumLabel("consent", c.purpose) }), lead: t("consent.withdraw_lead") });
    if (notes === null) return;
    await busy(btn, async () => {
      try {
        await api.post(`/persons/${p.id}/consents/${c.id}/withdrawal`, { notes });
        p = await api.get(`/persons/${p.id}`);
        paintConsents();
        toast(t("consent.withdrawn_done"));
      } catch (e) {
        consentBox.prepend(problemBox(e));
      }
    });
  };
  paintConsents();

  let consentForm = null;
  if (can("person.write")) {
    const purpose = select(enumOptions("consent", ENUMS.consent), { id: "consent-purpose" });
    const given = dateField({ label: t("consent.given_on"), value: today, apiField: "given_on" });
    const notes = input({ dir: "auto", maxlength: 2000, id: "consent-notes" });
    consentForm = h(
      "form",
      { class: "inline-form", novalidate: true, "aria-label": t("consent.add") },
      field({ label: t("consent.purpose"), control: purpose, field: "purpose" }),
      given,
      field({ label: t("consent.notes"), control: notes, field: "notes" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn", id: "add-consent", text: t("consent.add") })),
    );
    onSubmit(consentForm, async () => {
      try {
        // today is left to the server: its clock decides what "today" is
        // (the browser may already be on tomorrow in Tehran at 01:00 UTC)
        const on = given.getISO();
        const body = { purpose: purpose.value, given_on: on && on !== today ? on : undefined, notes: notes.value.trim() || undefined };
        await api.post(`/persons/${p.id}/consents`, body);
        p = await api.get(`/persons/${p.id}`);
        notes.value = "";
        paintConsents();
        toast(t("consent.added", { purpose: enumLabel("consent", body.purpose) }));
      } catch (e) {
        showProblem(consentForm, e);
      }
    });
  }

  const history = dl([
    [t("person.registered_on"), dateEl(p.registered_on)],
    [t("history.created_at"), fmtDateTime(p.created_at)],
    [t("history.updated_at"), fmtDateTime(p.updated_at)],
    [t("history.version"), num(p.version)],
  ]);

  const section = (id, title, ...body) => h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id, text: title }), body);
  root.append(
    h("div", { class: "file-grid" },
      h("div", {},
        section("p-details", t("person.details"), details),
        section("p-docs", t("person.documents"), docs),
        section("p-consent", t("person.consent"), consentBox, consentForm),
      ),
      h("div", {},
        section("p-households", t("person.households"), households),
        section("p-cases", t("person.cases"), caseList),
        section("p-history", t("person.history"), history, h("p", { class: "hint", text: t("history.note") })),
      ),
    ),
  );
}
