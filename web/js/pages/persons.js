// The list of persons: filters, exact look-ups, sorting on the page, paging.
import { api } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { can, getOffices, getProvinces, getCountries, provinceName, countryName, officeLabel, sortedProvinces } from "../state.js";
import { dateEl } from "../dates.js";
import { ENUMS } from "../enums.js";
import { pageHeader, field, select, input, enumOptions, dateField, enumLabel, nameEl, pairEl, ltr, loading } from "../ui.js";
import { filtersFrom, filterForm, showPage, showError, filterActions } from "./listkit.js";

const BASE = "/persons";
const KEYS = ["office", "sex", "nationality", "province", "vulnerability", "registered_from", "registered_to", "ref", "document", "phone"];
const LOOKUPS = ["ref", "document", "phone"];

export function columns() {
  return [
    { label: t("person.ref"), cell: (p) => h("a", { href: `#/persons/${p.id}` }, ltr(p.ref)), sort: (p) => p.ref },
    { label: t("person.name"), cell: (p) => nameEl(p), sort: (p) => `${p.family_name || ""} ${p.given_name || ""}` },
    { label: t("person.father_name"), cell: (p) => pairEl(p.father_name, p.father_name_native, { empty: "" }), sort: (p) => p.father_name || "" },
    { label: t("person.sex"), cell: (p) => enumLabel("sex", p.sex), sort: (p) => p.sex },
    { label: t("person.birth_date"), cell: (p) => (p.birth_date ? dateEl(p.birth_date) : ""), sort: (p) => p.birth_date || "" },
    { label: t("person.office"), cell: (p) => ltr(p.office), sort: (p) => p.office },
    { label: t("person.registered_on"), cell: (p) => dateEl(p.registered_on), sort: (p) => p.registered_on },
  ];
}

export async function render({ root, query, alive }) {
  const filters = filtersFrom(query, KEYS);
  root.append(
    pageHeader(
      t("persons.title"),
      can("person.write") ? h("a", { class: "btn primary", href: "#/persons/new", text: t("nav.register") }) : null,
    ),
  );
  const [offices, irn, afg, countries] = await Promise.all([getOffices(), getProvinces("IRN"), getProvinces("AFG"), getCountries()]);
  if (!alive()) return;

  const office = select([{ value: "", label: t("list.any") }, ...offices.map((o) => ({ value: o.code, label: officeLabel(o) }))], { value: filters.office || "" });
  const sex = select(enumOptions("sex", ENUMS.sex, "list.any"), { value: filters.sex || "" });
  const nat = select(
    [{ value: "", label: t("list.any") }, ...["AFG", "IRN"].map((c) => ({ value: c, label: countryName(c, countries) })),
      ...countries.filter((c) => c.code !== "AFG" && c.code !== "IRN").map((c) => ({ value: c.code, label: countryName(c.code, countries) }))],
    { value: filters.nationality || "" },
  );
  const prov = h(
    "select",
    { value: filters.province || "" },
    h("option", { value: "", text: t("list.any") }),
    h("optgroup", { label: countryName("IRN", countries) }, sortedProvinces(irn).map((p) => h("option", { value: p.code, text: provinceName(p) }))),
    h("optgroup", { label: countryName("AFG", countries) }, sortedProvinces(afg).map((p) => h("option", { value: p.code, text: provinceName(p) }))),
  );
  prov.value = filters.province || "";
  const vuln = select(enumOptions("vuln", ENUMS.vuln, "list.any"), { value: filters.vulnerability || "" });
  const from = dateField({ label: t("persons.registered_from"), value: filters.registered_from, apiField: "registered_from", hint: "" });
  const to = dateField({ label: t("persons.registered_to"), value: filters.registered_to, apiField: "registered_to", hint: "" });
  const lookupKind = select(LOOKUPS.map((k) => ({ value: k, label: t(`persons.lookup.${k}`) })), {
    value: LOOKUPS.find((k) => filters[k]) || "ref",
  });
  const lookupValue = input({ dir: "ltr", value: LOOKUPS.map((k) => filters[k]).find(Boolean) || "", id: "lookup-value" });

  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": t("list.filters"), novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      field({ label: t("persons.lookup"), control: lookupKind }),
      field({ label: t("persons.lookup_value"), control: lookupValue, hint: t("persons.lookup_hint") }),
      field({ label: t("person.office"), control: office, field: "office" }),
      field({ label: t("person.sex"), control: sex, field: "sex" }),
      field({ label: t("person.nationality"), control: nat, field: "nationality" }),
      field({ label: t("persons.province"), control: prov, field: "province" }),
      field({ label: t("person.vulnerability"), control: vuln, field: "vulnerability" }),
      from,
      to,
    ),
    filterActions(BASE),
  );
  const read = () => {
    const f = {
      office: office.value, sex: sex.value, nationality: nat.value, province: prov.value,
      vulnerability: vuln.value, registered_from: from.getISO(), registered_to: to.getISO(),
    };
    if (lookupValue.value.trim()) f[lookupKind.value] = lookupValue.value.trim();
    return f;
  };
  filterForm(form, BASE, read);
  const box = h("div", { class: "results", "aria-live": "polite" }, loading());
  root.append(form, box);

  try {
    const page = await api.get("/persons", { ...filters, cursor: query.get("cursor"), limit: 50 });
    if (!alive()) return;
    showPage({ box, base: BASE, filters, query, page, columns: columns(), caption: t("persons.title"), emptyKey: Object.keys(filters).length ? "persons.empty_filtered" : "persons.empty" });
  } catch (e) {
    showError(box, e, form);
  }
}
