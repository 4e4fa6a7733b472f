// Registering a person, and changing one: names in Latin and native script
// side by side, documents, vulnerabilities, provinces, consent. The API's
// messages appear next to their fields; what was typed is kept in the tab
// (drafts.js) until it is saved.
import { api, ApiError } from "../api.js";
import { h, $, $$, clear } from "../dom.js";
import { t, latinDigits, lang } from "../i18n.js";
import { state, getOffices, getProvinces, getCountries, provinceName, countryName, officeLabel, sortedProvinces } from "../state.js";
import { ENUMS } from "../enums.js";
import { explain } from "../explain.js";
import { loadDraft, saveDraft, dropDraft } from "../drafts.js";
import {
  pageHeader, field, input, select, enumOptions, enumLabel, checkbox, dateField, onSubmit, showProblem,
  clearErrors, toast, nameEl, ltr, bdi, button, busy,
} from "../ui.js";

const NAME_FIELDS = ["given_name", "family_name", "father_name"];
const TEXT_FIELDS = ["education", "occupation", "skills"];

function orNull(v) {
  const s = (v ?? "").trim();
  return s ? s : null;
}

// "+98 912-123 4567", "0098 912..." -> "+989121234567"; Persian digits too.
function normalPhone(v) {
  let s = latinDigits(v || "").replace(/[\s\-().]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  return s;
}

export async function render({ root, params, query, alive }) {
  const editing = !!params.id;
  const draftName = editing ? `person-${params.id}` : "person-new";
  let person = null;
  if (editing) person = await api.get(`/persons/${params.id}`);
  const [offices, irn, afg, countries] = await Promise.all([getOffices(), getProvinces("IRN"), getProvinces("AFG"), getCountries()]);
  if (!alive()) return;
  const forHousehold = query.get("household");
  let version = person?.version;

  root.append(
    pageHeader(
      editing ? t("person.edit_title", { ref: person.ref }) : t("person.register_title"),
    ),
  );
  if (editing) root.append(h("p", { class: "lead" }, nameEl(person)));
  if (forHousehold) root.append(h("p", { class: "note", text: t("person.for_household") }));

  const form = h("form", { class: "person-form", novalidate: true, "aria-labelledby": "page-title" });
  const controls = {};
  const named = (name, el) => {
    el.name = name;
    controls[name] = el;
    return el;
  };

  // ---- names ----
  // the script of the interface comes first: Persian readers start with
  // the native spelling
  const nativeFirst = lang() === "fa";
  const heads = [h("div", { class: "names-head", text: t("person.latin_script") }), h("div", { class: "names-head", text: t("person.native_script") })];
  if (nativeFirst) heads.reverse();
  const namesGrid = h("div", { class: "names-grid" }, h("div", { class: "names-head", "aria-hidden": "true" }, ""), heads);
  for (const n of NAME_FIELDS) {
    const latin = named(n, input({ dir: "ltr", lang: "en", maxlength: 100, autocomplete: "off", spellcheck: "false" }));
    const native = named(`${n}_native`, input({ dir: "rtl", lang: "fa", maxlength: 100, autocomplete: "off", spellcheck: "false" }));
    const cells = [
      field({ label: t(`person.${n}_latin`), control: latin, field: n, required: n === "given_name", cls: "compact" }),
      field({ label: t(`person.${n}_native`), control: native, field: `${n}_native`, cls: "compact" }),
    ];
    if (nativeFirst) cells.reverse();
    namesGrid.append(
      h("div", { class: "names-label" }, t(`person.${n}`), n === "given_name" ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null),
      ...cells,
    );
  }
  form.append(h("fieldset", { class: "group" }, h("legend", { text: t("person.names") }), h("p", { class: "hint", text: t("person.names_hint") }), namesGrid));

  // ---- about ----
  const sexGroup = h("fieldset", { class: "radios", dataset: { field: "sex" } }, h("legend", {}, t("person.sex"), h("span", { class: "req", "aria-hidden": "true", text: " *" })));
  for (const s of ENUMS.sex) {
    const id = `sex-${s}`;
    const r = h("input", { type: "radio", name: "sex", value: s, id });
    controls[`sex:${s}`] = r;
    sexGroup.append(h("span", { class: "radio" }, r, h("label", { for: id, text: enumLabel("sex", s) })));
  }
  sexGroup.append(h("div", { class: "field-error", role: "alert" }));
  const birth = dateField({ label: t("person.birth_date"), apiField: "birth_date" });
  const estimated = checkbox(t("person.birth_date_estimated"), { name: "birth_date_estimated", field: "birth_date_estimated" });
  controls.birth_date_estimated = $("input", estimated);
  const natOptions = [{ value: "", label: t("common.unknown") },
    ...["AFG", "IRN"].map((c) => ({ value: c, label: countryName(c, countries) })),
    ...countries.filter((c) => c.code !== "AFG" && c.code !== "IRN").map((c) => ({ value: c.code, label: countryName(c.code, countries) }))];
  const nationality = named("nationality", select(natOptions));
  const phone = named("phone", input({ type: "tel", dir: "ltr", inputmode: "tel", autocomplete: "off", placeholder: "+98 912 123 4567" }));
  const mine = state.me.offices || [];
  const officeOpts = offices.filter((o) => state.me.roles.includes("admin") || mine.includes(o.code));
  const office = named("office", select([{ value: "", label: t("common.choose") }, ...officeOpts.map((o) => ({ value: o.code, label: officeLabel(o) }))]));
  if (officeOpts.length === 1) office.value = officeOpts[0].code;
  form.append(
    h("fieldset", { class: "group" }, h("legend", { text: t("person.about") }),
      h("div", { class: "grid-3" },
        sexGroup,
        h("div", { class: "birth" }, birth, estimated),
        field({ label: t("person.nationality"), control: nationality, field: "nationality" }),
        field({ label: t("person.phone"), control: phone, field: "phone", hint: t("person.phone_hint") }),
        officeOpts.length > 1 || editing ? field({ label: t("person.office"), control: office, field: "office", required: !editing }) : null,
      ),
    ),
  );

  // ---- places ----
  const provSelect = (list) => select([{ value: "", label: t("common.unknown") }, ...sortedProvinces(list).map((p) => ({ value: p.code, label: provinceName(p) }))]);
  const residence = named("province_of_residence", provSelect(irn));
  const origin = named("province_of_origin", provSelect(afg));
  form.append(
    h("fieldset", { class: "group" }, h("legend", { text: t("person.places") }),
      h("div", { class: "grid-2" },
        field({ label: t("person.province_of_residence"), control: residence, field: "province_of_residence", hint: t("person.residence_hint") }),
        field({ label: t("person.province_of_origin"), control: origin, field: "province_of_origin", hint: t("person.origin_hint") }),
      ),
    ),
  );

  // ---- languages ----
  const langs = h("fieldset", { class: "group checks", dataset: { field: "languages" } }, h("legend", { text: t("person.languages") }));
  const langBox = h("div", { class: "check-grid" });
  for (const l of ENUMS.lang) {
    const c = checkbox(enumLabel("lang", l), { value: l, name: `lang:${l}` });
    controls[`lang:${l}`] = $("input", c);
    langBox.append(c);
  }
  langs.append(langBox, h("div", { class: "field-error", role: "alert" }));
  form.append(langs);

  // ---- documents ----
  const docRows = h("div", { class: "doc-rows" });
  const docs = [];
  const renumber = () => {
    docs.forEach((d, i) => {
      d.row.dataset.field = `documents[${i}]`;
      d.typeWrap.dataset.field = `documents[${i}].type`;
      d.numberWrap.dataset.field = `documents[${i}].number`;
      d.issuerWrap.dataset.field = `documents[${i}].issuer`;
      d.expires.dataset.field = `documents[${i}].expires_on`;
      d.legend.textContent = t("person.document_n", { n: i + 1 });
    });
    noDocs.hidden = docs.length > 0;
  };
  const addDoc = (doc = {}) => {
    const type = select(enumOptions("doc", ENUMS.doc), { value: doc.type || "tazkira", class: "doc-type" });
    const number = input({ dir: "ltr", maxlength: 50, value: doc.number || "", class: "doc-number" });
    const issuer = input({ dir: "auto", maxlength: 100, value: doc.issuer || "" });
    const expires = dateField({ label: t("person.doc_expires_on"), value: doc.expires_on || "" });
    if (doc.expires_text !== undefined) $("input", expires).value = doc.expires_text;
    const legend = h("legend");
    const d = { type, number, issuer, expires, legend };
    d.typeWrap = field({ label: t("person.doc_type"), control: type });
    d.numberWrap = field({ label: t("person.doc_number"), control: number, required: true });
    d.issuerWrap = field({ label: t("person.doc_issuer"), control: issuer });
    const remove = button("person.doc_remove", { class: "btn small ghost danger" }, () => {
      docs.splice(docs.indexOf(d), 1);
      d.row.remove();
      renumber();
      remember();
      addBtn.focus();
    });
    d.row = h("fieldset", { class: "doc-row" }, legend, d.typeWrap, d.numberWrap, d.issuerWrap, expires, h("div", { class: "doc-remove" }, remove), h("div", { class: "field-error", role: "alert" }));
    docs.push(d);
    docRows.append(d.row);
    renumber();
    return d;
  };
  const noDocs = h("p", { class: "muted", text: t("person.no_documents") });
  const addBtn = button("person.doc_add", { class: "btn small", id: "add-document" }, () => {
    const d = addDoc();
    d.type.focus();
    remember();
  });
  form.append(h("fieldset", { class: "group", dataset: { field: "documents" } }, h("legend", { text: t("person.documents") }), noDocs, docRows, addBtn, h("div", { class: "field-error", role: "alert" })));

  // ---- vulnerabilities ----
  const vul = h("fieldset", { class: "group checks", dataset: { field: "vulnerabilities" } }, h("legend", { text: t("person.vulnerabilities") }));
  const vulBox = h("div", { class: "check-grid" });
  for (const v of ENUMS.vuln) {
    const c = checkbox(enumLabel("vuln", v), { value: v, name: `vuln:${v}` });
    controls[`vuln:${v}`] = $("input", c);
    vulBox.append(c);
  }
  vul.append(vulBox, h("div", { class: "field-error", role: "alert" }));
  form.append(vul);

  // ---- consent (registration only; later ones on the person's file) ----
  if (!editing) {
    const cons = h("fieldset", { class: "group checks" }, h("legend", { text: t("person.consent") }), h("p", { class: "hint", text: t("person.consent_hint") }));
    const box = h("div", { class: "check-grid" });
    for (const p of ENUMS.consent) {
      const c = checkbox(enumLabel("consent", p), { value: p, name: `consent:${p}` });
      controls[`consent:${p}`] = $("input", c);
      box.append(c);
    }
    cons.append(box);
    form.append(cons);
  }

  // ---- more ----
  const more = h("div", { class: "grid-3" });
  for (const f of TEXT_FIELDS) more.append(field({ label: t(`person.${f}`), control: named(f, input({ dir: "auto", maxlength: 500 })), field: f }));
  form.append(h("fieldset", { class: "group" }, h("legend", { text: t("person.more") }), more));

  const save = h("button", { type: "submit", class: "btn primary", id: "save-person", text: t(editing ? "common.save" : "person.register") });
  const cancelHref = editing ? `#/persons/${params.id}` : forHousehold ? `#/households/${forHousehold}` : "#/persons";
  form.append(h("div", { class: "actions sticky" }, save, h("a", { class: "btn ghost", href: cancelHref, text: t("common.cancel") }), h("span", { class: "hint", id: "draft-note" })));

  // ---- duplicates (shown once GET /persons/search answers) ----
  const dupPanel = h("aside", { class: "dup-panel panel", "aria-labelledby": "dup-h", hidden: true, "aria-live": "polite" },
    h("h2", { id: "dup-h", text: t("dup.title") }), h("div", { class: "dup-list" }));

  root.append(h("div", { class: "form-layout" }, form, dupPanel));

  // ---- values in and out ----
  const raw = () => {
    const r = {};
    for (const [k, el] of Object.entries(controls)) r[k] = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    r.birth_text = $("input", birth).value;
    r.docs = docs.map((d) => ({ type: d.type.value, number: d.number.value, issuer: d.issuer.value, expires_text: $("input", d.expires).value }));
    return r;
  };
  const fill = (r) => {
    for (const [k, el] of Object.entries(controls)) {
      if (!(k in r)) continue;
      if (el.type === "checkbox" || el.type === "radio") el.checked = !!r[k];
      else el.value = r[k] ?? "";
    }
    if (r.birth_text !== undefined) {
      $("input", birth).value = r.birth_text;
      $("input", birth).dispatchEvent(new Event("input"));
    }
    for (const d of r.docs || []) addDoc(d);
  };
  const fromPerson = (p) => {
    const r = {};
    for (const n of NAME_FIELDS) {
      r[n] = p[n] || "";
      r[`${n}_native`] = p[`${n}_native`] || "";
    }
    for (const s of ENUMS.sex) r[`sex:${s}`] = p.sex === s;
    r.birth_date_estimated = !!p.birth_date_estimated;
    for (const f of ["nationality", "province_of_residence", "province_of_origin", "office", ...TEXT_FIELDS]) r[f] = p[f] || "";
    r.phone = p.phone || "";
    for (const l of ENUMS.lang) r[`lang:${l}`] = (p.languages || []).includes(l);
    for (const v of ENUMS.vuln) r[`vuln:${v}`] = (p.vulnerabilities || []).includes(v);
    r.docs = (p.documents || []).map((d) => ({ ...d, issuer: d.issuer || "" }));
    return r;
  };

  const draft = loadDraft(draftName);
  if (editing) {
    fill(fromPerson(person));
    birth.setISO(person.birth_date);
    if (draft && draft.version === person.version) {
      clear(docRows);
      docs.length = 0;
      fill(draft.raw);
      $("#draft-note", form).textContent = t("person.draft_restored");
    }
  } else if (draft) {
    fill(draft.raw);
    $("#draft-note", form).textContent = t("person.draft_restored");
  }
  renumber();
  function remember() {
    saveDraft(draftName, { raw: raw(), version });
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);

  const body = () => {
    const b = {};
    for (const n of NAME_FIELDS) {
      b[n] = orNull(controls[n].value);
      b[`${n}_native`] = orNull(controls[`${n}_native`].value);
    }
    b.sex = ENUMS.sex.find((s) => controls[`sex:${s}`].checked) || null;
    b.birth_date = birth.getISO() || null;
    b.birth_date_estimated = controls.birth_date_estimated.checked;
    b.nationality = orNull(nationality.value);
    b.phone = orNull(normalPhone(phone.value));
    b.province_of_residence = orNull(residence.value);
    b.province_of_origin = orNull(origin.value);
    for (const f of TEXT_FIELDS) b[f] = orNull(controls[f].value);
    b.languages = ENUMS.lang.filter((l) => controls[`lang:${l}`].checked);
    b.vulnerabilities = ENUMS.vuln.filter((v) => controls[`vuln:${v}`].checked);
    b.documents = docs.map((d) => ({
      type: d.type.value,
      number: latinDigits(d.number.value).trim(),
      issuer: orNull(d.issuer.value),
      expires_on: d.expires.getISO() || null,
    }));
    if (office.value) b.office = office.value;
    if (!editing) {
      // a new record: leave out what is empty
      for (const k of Object.keys(b)) if (b[k] === null) delete b[k];
    } else {
      b.version = version;
      if (b.sex === null) delete b.sex;
      if (!b.given_name) b.given_name = "";
    }
    return b;
  };

  // ---- duplicates ----
  let dupTimer = null;
  const showCandidates = (items, lead) => {
    const list = $(".dup-list", dupPanel);
    clear(list);
    dupPanel.hidden = false;
    if (lead) list.append(lead);
    if (!items.length) {
      list.append(h("p", { class: "muted", text: t("dup.none") }));
      return;
    }
    list.append(
      h("ul", { class: "dup-items" }, items.map((c) => {
        const p = c.person || c;
        return h("li", {},
          h("a", { href: `#/persons/${p.id}` }, ltr(p.ref), " ", nameEl(p)),
          c.score !== undefined ? h("span", { class: "badge", text: t("dup.score", { n: c.score }) }) : null,
          c.explanation ? h("p", { class: "hint" }, bdi(explain(c.explanation, t))) : null,
        );
      })),
    );
  };
  // Saving makes any search still on its way stale: its answer would
  // replace the candidates of the 409, and with them the reason field and
  // "Save anyway".
  let searchSeq = 0;
  const lookForDuplicates = async () => {
    if (editing || state.features.search === false) return;
    const seq = ++searchSeq;
    const q = [controls.given_name.value, controls.family_name.value, controls.given_name_native.value, controls.family_name_native.value].map((s) => s.trim()).filter(Boolean).join(" ");
    if (q.length < 3) return;
    const sex = ENUMS.sex.find((s) => controls[`sex:${s}`].checked);
    let birthYear = "";
    try {
      birthYear = (birth.getISO() || "").slice(0, 4);
    } catch {
      birthYear = "";
    }
    try {
      const r = await api.get("/persons/search", { q, sex, birth_year: birthYear, father_name: controls.father_name.value.trim(), limit: 5 });
      state.features.search = true;
      if (seq === searchSeq) showCandidates(r.items);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
        state.features.search = false; // the search arrives with matching
        dupPanel.hidden = true;
      }
    }
  };
  for (const n of ["given_name", "family_name", "given_name_native", "family_name_native", "father_name"])
    controls[n].addEventListener("input", () => {
      clearTimeout(dupTimer);
      dupTimer = setTimeout(lookForDuplicates, 400);
    });

  // ---- saving ----
  let override = null;
  const afterCreate = async (p) => {
    const purposes = ENUMS.consent.filter((c) => controls[`consent:${c}`]?.checked);
    const failed = [];
    for (const purpose of purposes) {
      try {
        await api.post(`/persons/${p.id}/consents`, { purpose });
      } catch (e) {
        failed.push(enumLabel("consent", purpose));
      }
    }
    dropDraft(draftName);
    toast(failed.length ? t("person.consent_failed", { list: failed.join(", ") }) : t("person.registered", { ref: p.ref }));
    location.hash = forHousehold ? `#/households/${forHousehold}?add=${p.id}` : `#/persons/${p.id}`;
  };

  onSubmit(form, async () => {
    clearErrors(form);
    clearTimeout(dupTimer);
    searchSeq++;
    let b;
    try {
      b = body();
    } catch (e) {
      showProblem(form, e);
      return;
    }
    try {
      if (editing) {
        const p = await api.patch(`/persons/${params.id}`, b);
        dropDraft(draftName);
        toast(t("person.saved", { ref: p.ref }));
        location.hash = `#/persons/${p.id}`;
        return;
      }
      if (override) b.duplicate_override_reason = override;
      else if (state.features.search === true) b.check_duplicates = true;
      const p = await api.post("/persons", b);
      await afterCreate(p);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.problem.duplicates)) {
        // possible duplicates found on saving: show them, and let the
        // person save anyway with a reason
        const reason = input({ dir: "auto", id: "dup-reason", maxlength: 500 });
        const go = button("dup.save_anyway", { class: "btn" }, async (ev) => {
          if (!reason.value.trim()) {
            reason.setAttribute("aria-invalid", "true");
            reason.focus();
            return;
          }
          override = reason.value.trim();
          form.requestSubmit(save);
        });
        showCandidates(e.problem.duplicates, h("div", { class: "dup-lead" }, h("p", { text: t("dup.found") }), field({ label: t("dup.reason"), control: reason }), go));
        showProblem(form, { key: "dup.found_short" });
        return;
      }
      if (editing && e instanceof ApiError && e.status === 409) {
        showConflict(e);
        return;
      }
      showProblem(form, e);
    }
  });

  function showConflict(e) {
    showProblem(form, e);
    const box = $(".form-problem", form);
    box.append(
      h("div", { class: "actions" },
        button("person.conflict_mine", { class: "btn" }, async (ev) => {
          await busy(ev.currentTarget, async () => {
            const cur = await api.get(`/persons/${params.id}`);
            version = cur.version;
            remember();
            form.requestSubmit(save);
          });
        }),
        button("person.conflict_theirs", { class: "btn ghost" }, () => {
          dropDraft(draftName);
          location.reload();
        }),
      ),
    );
  }
  if (!editing && state.features.search !== false) lookForDuplicates();
}
