// What the app knows about the signed-in person and the reference lists it
// loads once per sign-in.
import { api } from "./api.js";
import { t, tOr, lang } from "./i18n.js";

export const state = {
  me: null,
  cache: new Map(),
  // whether optional endpoints from other parts of the system answer
  features: { search: undefined, users: undefined, patchMe: undefined },
};

export function can(permission) {
  return !!state.me && state.me.permissions.includes(permission);
}

export function resetState() {
  state.me = null;
  state.cache.clear();
  state.features = { search: undefined, users: undefined, patchMe: undefined };
}

function cached(key, load) {
  if (!state.cache.has(key)) {
    const p = load().catch((e) => {
      state.cache.delete(key);
      throw e;
    });
    state.cache.set(key, p);
  }
  return state.cache.get(key);
}

export const getOffices = () => cached("offices", async () => (await api.get("/offices")).items);
export const getWorkflows = () =>
  cached("workflows", async () => (await api.get("/workflows")).items);
export const getCountries = () =>
  cached("countries", async () => (await api.get("/reference/countries")).items);
export const getProvinces = (country) =>
  cached(`provinces:${country}`, async () =>
    (await api.get("/reference/provinces", { country })).items,
  );

export function forgetOffices() {
  state.cache.delete("offices");
}

// Names of places and countries: translated where the catalogue has them.
export function provinceName(p) {
  return tOr(`place.${p.code}`, p.name);
}

export function sortedProvinces(list) {
  return [...list].sort((a, b) => provinceName(a).localeCompare(provinceName(b), lang()));
}

export function countryName(code, countries) {
  const c = countries?.find((x) => x.code === code);
  return tOr(`enum.country.${code}`, c ? c.name : code);
}

export function officeLabel(o) {
  return `${o.code} · ${tOr(`office.${o.code}`, o.name)}`;
}

// A person's name as people write it: Latin and native-script together.
export function personName(p) {
  const latin = [p.given_name, p.family_name].filter(Boolean).join(" ");
  const native = [p.given_name_native, p.family_name_native].filter(Boolean).join(" ");
  if (latin && native) return `${latin} · ${native}`;
  return latin || native || t("common.unnamed");
}
