// The household builder: a head and members, each found by an exact
// look-up (reference, document, phone), picked from the list or registered
// on the spot, with their relationship to the head. Unsaved work is kept in
// the tab (drafts.js).
import { api, ApiError } from "../api.js";
import { h, $, clear } from "../dom.js";
import { t } from "../i18n.js";
import { can } from "../state.js";
import { HOUSEHOLD_RELATIONSHIPS } from "../enums.js";
import { loadDraft, saveDraft, dropDraft } from "../drafts.js";
import {
  pageHeader, field, select, input, enumOptions, enumLabel, onSubmit, showProblem, clearErrors, toast,
  nameEl, ltr, button, empty, problemBox, busy,
} from "../ui.js";

function summary(p) {
  return {
    id: p.id ?? p.person_id,
    ref: p.ref,
    given_name: p.given_name,
    family_name: p.family_name,
    given_name_native: p.given_name_native,
    family_name_native: p.family_name_native,
    birth_date: p.birth_date,
  };
}

export async function render({ root, params, query, alive }) {
  const isNew = !params.id;
  const key = isNew ? "new" : params.id;
  const draftName = `household-${key}`;
  let saved = null;
  let model = { headId: null, members: [], version: null };

  if (!isNew) {
    saved = await api.get(`/households/${params.id}`);
    // the whole records, for the names in both scripts
    const full = await Promise.all(saved.members.map((m) => api.get(`/persons/${m.person_id}`).catch(() => m)));
    model = {
      headId: saved.head_person_id,
      members: saved.members.map((m, i) => ({ person: summary(full[i]), relationship: m.relationship })),
      version: saved.version,
    };
  }
  const draft = loadDraft(draftName);
  if (draft && (isNew || draft.version === model.version)) model = draft;
  const addOne = async (id) => {
    if (!id || model.members.some((m) => m.person.id === Number(id))) return;
    const p = await api.get(`/persons/${id}`);
    model.members.push({ person: summary(p), relationship: model.members.length ? "" : "head" });
    if (!model.headId) model.headId = p.id;
  };
  if (query.get("head") && !model.members.length) await addOne(query.get("head"));
  if (query.get("add")) {
    await addOne(query.get("add"));
    history.replaceState(null, "", `#/households/${key}`);
  }
  if (!alive()) return;
  const remember = () => saveDraft(draftName, model);
  remember();

  const actions = [];
  if (!isNew && can("case.write")) actions.push(h("a", { class: "btn", id: "open-case", href: `#/cases/new?household=${saved.id}`, text: t("household.open_case") }));
  root.append(pageHeader(isNew ? t("household.new_title") : t("household.title", { ref: saved.ref }), ...actions));
  if (!isNew) root.append(h("p", { class: "muted" }, t("household.office"), " ", ltr(saved.office)));

  // ---- members ----
  const form = h("form", { class: "household-form", novalidate: true, "aria-labelledby": "members-h" });
  const list = h("div", { class: "members" });
  const paint = () => {
    clear(list);
    if (!model.members.length) {
      list.append(empty(t("household.no_members")));
      return;
    }
    const table = h("table", { class: "data members-table" },
      h("caption", { class: "sr-only", text: t("household.members") }),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", text: t("person.ref") }),
        h("th", { scope: "col", text: t("person.name") }),
        h("th", { scope: "col", text: t("household.relationship") }),
        h("th", { scope: "col", text: t("common.actions") }),
      )),
    );
    const body = h("tbody");
    // the head first, the others in the order added
    const ordered = [...model.members].sort((a, b) => (b.person.id === model.headId) - (a.person.id === model.headId));
    for (const m of ordered) {
      const isHead = m.person.id === model.headId;
      const i = model.members.indexOf(m);
      let rel;
      if (isHead) {
        rel = h("span", { class: "badge ok", text: enumLabel("rel", "head") });
      } else {
        const sel = select([{ value: "", label: t("common.choose") }, ...enumOptions("rel", HOUSEHOLD_RELATIONSHIPS.filter((r) => r !== "head"))], {
          value: m.relationship === "head" ? "" : m.relationship,
          "aria-label": t("household.relationship_of", { name: [m.person.given_name, m.person.family_name].filter(Boolean).join(" ") }),
          class: "rel-select",
          on: { change: (ev) => { m.relationship = ev.target.value; remember(); } },
        });
        rel = field({ label: t("household.relationship"), control: sel, field: `members[${i}].relationship`, cls: "compact no-label" });
      }
      const name = [m.person.given_name, m.person.family_name].filter(Boolean).join(" ");
      body.append(
        h("tr", { dataset: { field: `members[${i}]`, personId: String(m.person.id) } },
          h("td", {}, h("a", { href: `#/persons/${m.person.id}` }, ltr(m.person.ref))),
          h("td", {}, nameEl(m.person)),
          h("td", {}, rel),
          h("td", { class: "row-actions" },
            isHead ? null : button("household.make_head", { class: "btn small ghost", "aria-label": t("household.make_head_named", { name }) }, () => {
              const old = model.members.find((x) => x.person.id === model.headId);
              if (old) old.relationship = "";
              model.headId = m.person.id;
              m.relationship = "head";
              remember();
              paint();
            }),
            button("household.remove", { class: "btn small ghost danger", "aria-label": t("household.remove_named", { name }) }, () => {
              model.members.splice(model.members.indexOf(m), 1);
              if (isHead) model.headId = model.members[0]?.person.id ?? null;
              if (model.headId) model.members.find((x) => x.person.id === model.headId).relationship = "head";
              remember();
              paint();
            }),
            h("div", { class: "field-error", role: "alert" }),
          ),
        ),
      );
    }
    table.append(body);
    list.append(h("div", { class: "table-wrap" }, table));
  };
  paint();

  const saveBtn = h("button", { type: "submit", class: "btn primary", id: "save-household", text: t(isNew ? "household.create" : "common.save") });
  form.append(
    h("h2", { id: "members-h", text: t("household.members") }),
    h("p", { class: "hint", text: t("household.members_hint") }),
    list,
    h("div", { class: "actions" }, saveBtn, isNew ? button("household.discard", { class: "btn ghost" }, () => {
      dropDraft(draftName);
      model = { headId: null, members: [], version: null };
      remember();
      paint();
    }) : ""),
  );

  onSubmit(form, async () => {
    clearErrors(form);
    if (!model.headId) {
      showProblem(form, { key: "household.need_head" });
      return;
    }
    // every member needs a relationship: say so next to it
    const missing = model.members.filter((m) => m.person.id !== model.headId && !m.relationship);
    if (missing.length) {
      showProblem(form, new ApiError(400, {
        errors: missing.map((m) => ({ field: `members[${model.members.indexOf(m)}].relationship`, message: t("household.choose_relationship") })),
      }));
      return;
    }
    const members = model.members.filter((m) => m.person.id !== model.headId).map((m) => ({ person_id: m.person.id, relationship: m.relationship }));
    // the API numbers members without the head: map its fields back
    const order = model.members.filter((m) => m.person.id !== model.headId);
    try {
      let saved2;
      if (isNew) saved2 = await api.post("/households", { head_person_id: model.headId, members });
      else saved2 = await api.patch(`/households/${params.id}`, { version: model.version, head_person_id: model.headId, members });
      dropDraft(draftName);
      toast(t(isNew ? "household.created" : "household.saved", { ref: saved2.ref }));
      if (isNew) location.hash = `#/households/${saved2.id}`;
      else window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (e) {
      if (e instanceof ApiError) {
        for (const er of e.errors) {
          const m = /^members\[(\d+)\](.*)$/.exec(er.field || "");
          if (m && order[Number(m[1])]) er.field = `members[${model.members.indexOf(order[Number(m[1])])}]${m[2]}`;
          if (er.field === "head_person_id") er.field = "";
        }
      }
      showProblem(form, e);
    }
  });

  // ---- finding people ----
  const find = h("section", { class: "panel", "aria-labelledby": "find-h" }, h("h2", { id: "find-h", text: t("household.add_members") }));
  const kind = select(["ref", "document", "phone"].map((k) => ({ value: k, label: t(`persons.lookup.${k}`) })), { id: "lookup-kind" });
  const value = input({ dir: "ltr", id: "lookup-input" });
  const results = h("div", { class: "lookup-results", "aria-live": "polite" });
  const lookForm = h("form", { class: "inline-form", role: "search", "aria-label": t("household.find"), novalidate: true },
    field({ label: t("persons.lookup"), control: kind }),
    field({ label: t("persons.lookup_value"), control: value, hint: t("persons.lookup_hint") }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn", id: "lookup-go", text: t("household.find") })),
  );
  const showResults = (items, more) => {
    clear(results);
    if (!items.length) {
      results.append(empty(t("household.nobody_found")));
      return;
    }
    results.append(
      h("ul", { class: "found" }, items.map((p) => {
        const inIt = model.members.some((m) => m.person.id === p.id);
        return h("li", {},
          h("span", {}, ltr(p.ref), " ", nameEl(p)),
          inIt
            ? h("span", { class: "muted", text: t("household.already") })
            : button("household.add", { class: "btn small", "aria-label": t("household.add_named", { name: [p.given_name, p.family_name].filter(Boolean).join(" ") }) }, () => {
                model.members.push({ person: summary(p), relationship: model.members.length ? "" : "head" });
                if (!model.headId) model.headId = p.id;
                remember();
                paint();
                showResults(items, more);
                const sel = list.querySelector(`tr[data-person-id="${p.id}"] select`);
                if (sel) sel.focus();
              }),
        );
      })),
      more || "",
    );
  };
  onSubmit(lookForm, async () => {
    clearErrors(lookForm);
    if (!value.value.trim()) {
      value.focus();
      return;
    }
    try {
      const r = await api.get("/persons", { [kind.value]: value.value.trim(), limit: 20 });
      showResults(r.items);
    } catch (e) {
      showProblem(lookForm, e);
    }
  });
  // browsing: the list, page by page
  let browseCursor = null;
  const browse = (btn) => busy(btn, async () => {
    try {
      const r = await api.get("/persons", { limit: 20, cursor: browseCursor });
      browseCursor = r.next_cursor;
      const more = r.next_cursor ? button("list.next", { class: "btn small" }, (ev) => browse(ev.currentTarget)) : null;
      showResults(r.items, more);
    } catch (e) {
      results.replaceChildren(problemBox(e));
    }
  });
  find.append(
    lookForm,
    h("div", { class: "actions" },
      button("household.browse", { class: "btn ghost" }, (ev) => {
        browseCursor = null;
        browse(ev.currentTarget);
      }),
      can("person.write") ? h("a", { class: "btn ghost", href: `#/persons/new?household=${key}`, id: "register-member", text: t("household.register_new") }) : null,
    ),
    results,
  );

  root.append(h("div", { class: "file-grid" }, h("section", { class: "panel" }, form), find));
}
