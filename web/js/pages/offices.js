// Offices: everyone sees the list; administrators (office.manage) add
// offices and change names and provinces.
import { api, ApiError } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { can, getCountries, getProvinces, provinceName, countryName, forgetOffices, getOffices } from "../state.js";
import { pageHeader, field, input, select, dataTable, empty, onSubmit, showProblem, toast, openDialog, ltr, bdi } from "../ui.js";

async function provinceOptions(country) {
  try {
    const list = await getProvinces(country);
    return list.map((p) => ({ value: p.code, label: `${p.code} · ${provinceName(p)}` }));
  } catch {
    return [];
  }
}

function officeForm(o, countries, onSaved, onClose) {
  const isNew = !o;
  const code = input({ dir: "ltr", maxlength: 3, value: o?.code || "", readonly: !isNew || null, class: "short" });
  const name = input({ dir: "auto", maxlength: 100, value: o?.name || "" });
  const country = select(countries.map((c) => ({ value: c.code, label: countryName(c.code, countries) })), { value: o?.country || "IRN", disabled: !isNew });
  const province = select([]);
  const fillProvinces = async () => {
    const opts = await provinceOptions(country.value);
    province.replaceChildren(...opts.map((x) => h("option", { value: x.value, text: x.label })));
    if (o && o.country === country.value) province.value = o.province;
  };
  country.addEventListener("change", fillProvinces);
  fillProvinces();
  const form = h("form", { class: "office-form", novalidate: true },
    h("div", { class: "grid-2" },
      field({ label: t("offices.code"), control: code, field: "code", required: isNew, hint: t("offices.code_hint") }),
      field({ label: t("offices.name"), control: name, field: "name", required: true }),
      field({ label: t("offices.country"), control: country, field: "country", required: true }),
      field({ label: t("offices.province"), control: province, field: "province", required: true }),
    ),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn primary", text: t(isNew ? "offices.create" : "common.save") }),
      h("button", { type: "button", class: "btn ghost", on: { click: onClose }, text: t("common.cancel") })),
  );
  onSubmit(form, async () => {
    try {
      const saved = isNew
        ? await api.post("/offices", { code: code.value.trim().toUpperCase(), name: name.value.trim(), country: country.value, province: province.value })
        : await api.patch(`/offices/${o.code}`, { version: o.version, name: name.value.trim(), province: province.value });
      onSaved(saved);
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}

export async function render({ root, alive }) {
  const manage = can("office.manage");
  root.append(pageHeader(t("offices.title")));
  const [offices, countries] = await Promise.all([getOffices(), getCountries()]);
  if (!alive()) return;
  const reload = () => {
    forgetOffices();
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  };
  const edit = (o) => {
    const d = openDialog({ title: o ? t("offices.edit_title", { code: o.code }) : t("offices.new_title"), content: officeForm(o, countries, (saved) => {
      d.close();
      toast(t("offices.saved", { code: saved.code }));
      reload();
    }, () => d.close()) });
  };
  if (manage) root.append(h("div", { class: "actions" }, h("button", { type: "button", class: "btn primary", on: { click: () => edit(null) }, text: t("offices.new") })));
  const provinces = {};
  for (const c of new Set(offices.map((o) => o.country))) {
    try {
      provinces[c] = await getProvinces(c);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      provinces[c] = [];
    }
  }
  const provName = (o) => {
    const p = (provinces[o.country] || []).find((x) => x.code === o.province);
    return p ? provinceName(p) : o.province;
  };
  root.append(
    offices.length
      ? dataTable([
          { label: t("offices.code"), cell: (o) => ltr(o.code), sort: (o) => o.code },
          { label: t("offices.name"), cell: (o) => bdi(o.name), sort: (o) => o.name },
          { label: t("offices.country"), cell: (o) => countryName(o.country, countries), sort: (o) => o.country },
          { label: t("offices.province"), cell: (o) => [ltr(o.province), " · ", provName(o)], sort: (o) => o.province },
          ...(manage ? [{ label: t("common.actions"), cell: (o) => h("button", { type: "button", class: "btn small", "aria-label": t("offices.edit_named", { code: o.code }), on: { click: () => edit(o) }, text: t("common.edit") }) }] : []),
        ], offices, { caption: t("offices.title") })
      : empty(t("offices.empty")),
  );
}
