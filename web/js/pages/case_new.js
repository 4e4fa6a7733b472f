// Opening a case: the programme, the principal and the members (from a
// household or a person's file), destination, priority, assignment.
import { api } from "../api.js";
import { h, $ } from "../dom.js";
import { t } from "../i18n.js";
import { state, getCountries, countryName, getWorkflows } from "../state.js";
import { ENUMS, CASE_MEMBER_RELATIONSHIPS } from "../enums.js";
import {
  pageHeader, field, select, enumOptions, enumLabel, checkbox, onSubmit, showProblem, clearErrors, toast,
  nameEl, ltr, empty,
} from "../ui.js";

export async function render({ root, query, alive }) {
  const hid = query.get("household");
  const pid = query.get("person");
  let principal = null;
  let candidates = []; // [{person, relationship}]
  if (hid) {
    const hh = await api.get(`/households/${hid}`);
    const head = hh.members.find((m) => m.person_id === hh.head_person_id);
    principal = head;
    candidates = hh.members.filter((m) => m.person_id !== hh.head_person_id).map((m) => ({ person: m, relationship: m.relationship }));
  } else if (pid) {
    const p = await api.get(`/persons/${pid}`);
    principal = { person_id: p.id, ref: p.ref, given_name: p.given_name, family_name: p.family_name, given_name_native: p.given_name_native, family_name_native: p.family_name_native };
    // the people of the person's first household
    if (p.households.length) {
      const hh = await api.get(`/households/${p.households[0].id}`);
      const mine = hh.members.find((m) => m.person_id === p.id);
      candidates = hh.members.filter((m) => m.person_id !== p.id).map((m) => ({
        person: m,
        relationship: mine?.relationship === "head" ? m.relationship : "other_relative",
      }));
    }
  }
  const [countries, workflows] = await Promise.all([getCountries(), getWorkflows()]);
  if (!alive()) return;
  root.append(pageHeader(t("case.new_title")));
  if (!principal) {
    root.append(empty(t("case.new_pick")), h("p", {}, h("a", { href: "#/persons", text: t("nav.persons") })));
    return;
  }

  const form = h("form", { class: "case-form", novalidate: true, "aria-labelledby": "page-title" });
  const program = select(workflows.map((w) => ({ value: w.program, label: enumLabel("program", w.program) })), { id: "case-program", value: "AVRR" });
  const dest = select([{ value: "", label: t("common.unknown") }, ...["AFG", "IRN"].map((c) => ({ value: c, label: countryName(c, countries) })),
    ...countries.filter((c) => !["AFG", "IRN"].includes(c.code)).map((c) => ({ value: c.code, label: countryName(c.code, countries) }))], { value: "AFG" });
  const priority = select(enumOptions("priority", ENUMS.priority), { value: "normal" });
  const assign = checkbox(t("case.assign_me"), { id: "assign-me", checked: true });

  const memberRows = candidates.map((c, i) => {
    const id = `m-${c.person.person_id}`;
    const box = h("input", { type: "checkbox", id, checked: true });
    const rel = select(enumOptions("rel", CASE_MEMBER_RELATIONSHIPS), {
      value: CASE_MEMBER_RELATIONSHIPS.includes(c.relationship) ? c.relationship : "other_relative",
      "aria-label": t("case.relationship_of", { name: [c.person.given_name, c.person.family_name].filter(Boolean).join(" ") }),
    });
    return { c, box, rel, row: h("li", { class: "member-pick", dataset: { field: `members[${i}]` } }, box, h("label", { for: id }, ltr(c.person.ref), " ", nameEl(c.person)), rel, h("div", { class: "field-error", role: "alert" })) };
  });

  form.append(
    h("div", { class: "grid-2" },
      field({ label: t("case.program"), control: program, field: "program", required: true }),
      field({ label: t("case.destination"), control: dest, field: "destination_country" }),
      field({ label: t("case.priority"), control: priority, field: "priority" }),
      h("div", { class: "field" }, assign),
    ),
    h("fieldset", { class: "group", dataset: { field: "principal_person_id" } }, h("legend", { text: t("case.principal") }),
      h("p", {}, ltr(principal.ref), " ", nameEl(principal)), h("div", { class: "field-error", role: "alert" })),
    h("fieldset", { class: "group", dataset: { field: "members" } }, h("legend", { text: t("case.members") }),
      memberRows.length ? h("ul", { class: "plain" }, memberRows.map((r) => r.row)) : empty(t("case.no_other_members")),
      h("div", { class: "field-error", role: "alert" })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary", id: "open-case-submit", text: t("case.open") }),
      h("a", { class: "btn ghost", href: hid ? `#/households/${hid}` : `#/persons/${pid}`, text: t("common.cancel") })),
  );
  root.append(h("section", { class: "panel" }, form));

  onSubmit(form, async () => {
    clearErrors(form);
    const chosen = memberRows.filter((r) => r.box.checked);
    // errors name members[i] of what was sent: number the rows the same way
    memberRows.forEach((r) => (r.row.dataset.field = ""));
    chosen.forEach((r, i) => (r.row.dataset.field = `members[${i}]`));
    const body = {
      program: program.value,
      principal_person_id: principal.person_id,
      members: chosen.map((r) => ({ person_id: r.c.person.person_id, relationship: r.rel.value })),
      priority: priority.value,
    };
    if (dest.value) body.destination_country = dest.value;
    if ($("input", assign).checked) body.assigned_to = state.me.id;
    try {
      const c = await api.post("/cases", body);
      toast(t("case.opened", { ref: c.ref }));
      location.hash = `#/cases/${c.id}`;
    } catch (e) {
      showProblem(form, e);
    }
  });
}
