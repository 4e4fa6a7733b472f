// The list of cases: filters (programme, status, office, mine, opened
// between), sorting on the page, paging.
import { api } from "../api.js";
import { h } from "../dom.js";
import { t, num } from "../i18n.js";
import { getOffices, getWorkflows, officeLabel } from "../state.js";
import { dateEl } from "../dates.js";
import { ENUMS } from "../enums.js";
import { pageHeader, field, select, enumLabel, statusBadge, nameEl, ltr, dateField, loading } from "../ui.js";
import { filtersFrom, filterForm, showPage, showError, filterActions } from "./listkit.js";

const BASE = "/cases";
const KEYS = ["program", "status", "office", "assigned_to", "opened_from", "opened_to"];

export async function render({ root, query, alive }) {
  const filters = filtersFrom(query, KEYS);
  root.append(pageHeader(t("cases.title")));
  const [offices, workflows] = await Promise.all([getOffices(), getWorkflows()]);
  if (!alive()) return;

  const program = select([{ value: "", label: t("list.any") }, ...workflows.map((w) => ({ value: w.program, label: enumLabel("program", w.program) }))], { value: filters.program || "" });
  const status = select([], { value: "" });
  const paintStatuses = () => {
    const w = workflows.find((x) => x.program === program.value);
    const names = w ? w.states.map((s) => s.name) : ENUMS.status;
    const keep = status.value || filters.status || "";
    status.replaceChildren(h("option", { value: "", text: t("list.any") }), ...names.map((n) => h("option", { value: n, text: enumLabel("status", n) })));
    status.value = names.includes(keep) ? keep : "";
  };
  paintStatuses();
  program.addEventListener("change", paintStatuses);
  const office = select([{ value: "", label: t("list.any") }, ...offices.map((o) => ({ value: o.code, label: officeLabel(o) }))], { value: filters.office || "" });
  const assigned = select([{ value: "", label: t("cases.assigned_anyone") }, { value: "me", label: t("cases.assigned_me") }], { value: filters.assigned_to === "me" ? "me" : "" });
  const from = dateField({ label: t("cases.opened_from"), value: filters.opened_from, apiField: "opened_from", hint: "" });
  const to = dateField({ label: t("cases.opened_to"), value: filters.opened_to, apiField: "opened_to", hint: "" });

  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": t("list.filters"), novalidate: true },
    h("div", { class: "filter-grid" },
      field({ label: t("case.program"), control: program, field: "program" }),
      field({ label: t("case.status"), control: status, field: "status" }),
      field({ label: t("case.office"), control: office, field: "office" }),
      field({ label: t("case.assigned_to"), control: assigned, field: "assigned_to" }),
      from,
      to,
    ),
    filterActions(BASE),
  );
  filterForm(form, BASE, () => ({
    program: program.value, status: status.value, office: office.value, assigned_to: assigned.value,
    opened_from: from.getISO(), opened_to: to.getISO(),
  }));
  const box = h("div", { class: "results", "aria-live": "polite" }, loading());
  root.append(form, box);

  const columns = [
    { label: t("case.ref"), cell: (c) => h("a", { href: `#/cases/${c.id}` }, ltr(c.ref)), sort: (c) => c.ref },
    { label: t("case.program"), cell: (c) => enumLabel("program", c.program), sort: (c) => c.program },
    { label: t("case.status"), cell: (c) => statusBadge(c.status), sort: (c) => c.status },
    { label: t("case.principal"), cell: (c) => (c.principal ? nameEl(c.principal) : ""), sort: (c) => `${c.principal?.family_name || ""} ${c.principal?.given_name || ""}` },
    { label: t("case.members_count"), cell: (c) => num(c.members.length), sort: (c) => c.members.length },
    { label: t("case.office"), cell: (c) => ltr(c.office), sort: (c) => c.office },
    { label: t("case.priority"), cell: (c) => enumLabel("priority", c.priority), sort: (c) => ENUMS.priority.indexOf(c.priority) },
    { label: t("case.opened_on"), cell: (c) => dateEl(c.opened_on), sort: (c) => c.opened_on },
  ];
  try {
    const page = await api.get("/cases", { ...filters, cursor: query.get("cursor"), limit: 50 });
    if (!alive()) return;
    showPage({ box, base: BASE, filters, query, page, columns, caption: t("cases.title"), emptyKey: Object.keys(filters).length ? "cases.empty_filtered" : "cases.empty" });
  } catch (e) {
    showError(box, e, form);
  }
}
