// The app: sign-in, the top bar, hash routes (#/persons/12) and the
// language and calendar switches.
import { api, setCsrf, onSessionLost, ApiError } from "./api.js";
import { h, clear, $ } from "./dom.js";
import { loadLanguage, t, applyStatic, lang } from "./i18n.js";
import { loadDevicePrefs, loadUserPrefs, savePrefs, getPrefs } from "./prefs.js";
import { state, can, resetState } from "./state.js";
import { field, input, onSubmit, showProblem, openDialog, problemMessage, toast } from "./ui.js";
import { clearDrafts } from "./drafts.js";

import * as home from "./pages/home.js";
import * as persons from "./pages/persons.js";
import * as personForm from "./pages/person_form.js";
import * as personFile from "./pages/person_file.js";
import * as household from "./pages/household.js";
import * as cases from "./pages/cases.js";
import * as caseNew from "./pages/case_new.js";
import * as caseFile from "./pages/case_file.js";
import * as users from "./pages/users.js";
import * as offices from "./pages/offices.js";
import * as imports from "./pages/imports.js";
import * as duplicates from "./pages/duplicates.js";

const ROUTES = [
  { path: "/", page: home, nav: "home" },
  { path: "/persons", page: persons, nav: "persons" },
  { path: "/persons/new", page: personForm, nav: "register" },
  { path: "/persons/:id", page: personFile, nav: "persons" },
  { path: "/persons/:id/edit", page: personForm, nav: "persons" },
  { path: "/duplicates", page: duplicates, nav: "duplicates" },
  { path: "/households/new", page: household, nav: "household" },
  { path: "/households/:id", page: household, nav: "persons" },
  { path: "/cases", page: cases, nav: "cases" },
  { path: "/cases/new", page: caseNew, nav: "cases" },
  { path: "/cases/:id", page: caseFile, nav: "cases" },
  { path: "/admin/users", page: users, nav: "users" },
  { path: "/admin/offices", page: offices, nav: "offices" },
  { path: "/imports", page: imports, nav: "imports" },
];

const NAV = [
  { id: "home", href: "#/", key: "nav.home" },
  { id: "persons", href: "#/persons", key: "nav.persons", perm: "person.read" },
  { id: "register", href: "#/persons/new", key: "nav.register", perm: "person.write" },
  { id: "duplicates", href: "#/duplicates", key: "nav.duplicates", perm: "person.read" },
  { id: "household", href: "#/households/new", key: "nav.household", perm: "household.write" },
  { id: "cases", href: "#/cases", key: "nav.cases", perm: "case.read" },
  { id: "imports", href: "#/imports", key: "nav.imports", perm: "person.write" },
  { id: "users", href: "#/admin/users", key: "nav.users", perm: "user.manage", feature: "users" },
  { id: "offices", href: "#/admin/offices", key: "nav.offices" },
];

const main = () => $("#main");

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, qs] = raw.split("?");
  return { path: path || "/", query: new URLSearchParams(qs || "") };
}

function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const r of ROUTES) {
    const pat = r.path.split("/").filter(Boolean);
    if (pat.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pat.length && ok; i++) {
      if (pat[i].startsWith(":")) params[pat[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = pat[i] === parts[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

// ---- top bar ----

function renderTopbar(current) {
  const bar = $("#topbar");
  clear(bar);
  bar.hidden = false;
  const nav = h(
    "nav",
    { class: "mainnav", "aria-label": t("nav.label") },
    h(
      "ul",
      {},
      NAV.filter((n) => (!n.perm || can(n.perm)) && (!n.feature || state.features[n.feature] !== false)).map((n) =>
        h(
          "li",
          {},
          h("a", { href: n.href, "aria-current": n.id === current ? "page" : null, text: t(n.key) }),
        ),
      ),
    ),
  );
  const other = lang() === "fa" ? "en" : "fa";
  const langBtn = h(
    "button",
    {
      type: "button",
      class: "btn small ghost-light",
      id: "lang-toggle",
      lang: other,
      "aria-label": t("settings.language_switch"),
      on: { click: () => changePrefs({ lang: other }) },
    },
    t(`settings.lang.${other}`),
  );
  const calSelect = h(
    "select",
    {
      id: "calendar-select",
      class: "small",
      "aria-label": t("settings.calendar"),
      value: getPrefs().calendar,
      on: { change: (ev) => changePrefs({ calendar: ev.target.value }) },
    },
    h("option", { value: "solar_hijri", text: t("cal.solar_hijri") }),
    h("option", { value: "gregorian", text: t("cal.gregorian") }),
  );
  const out = h(
    "button",
    { type: "button", class: "btn small ghost-light", id: "sign-out", on: { click: (ev) => signOut(ev.currentTarget) } },
    t("auth.sign_out"),
  );
  bar.append(
    h("div", { class: "brand" }, h("a", { href: "#/", text: t("app.name") })),
    nav,
    h(
      "div",
      { class: "tools" },
      h("span", { class: "who" }, h("bdi", { text: state.me.display_name || state.me.username })),
      calSelect,
      langBtn,
      out,
    ),
  );
}

async function changePrefs(change) {
  savePrefs(state.me?.username, change);
  const body = {};
  if (change.lang) body.locale = change.lang;
  if (change.calendar) body.calendar = change.calendar;
  if (state.me && state.features.patchMe !== false) {
    // PATCH /me arrives with access control; until then the choice stays in
    // this browser
    api.patch("/me", body).then(
      () => (state.features.patchMe = true),
      (e) => {
        if (e instanceof ApiError && [400, 404, 405].includes(e.status)) state.features.patchMe = false;
      },
    );
  }
  await loadLanguage(getPrefs().lang);
  applyStatic();
  $("#toast").hidden = true;
  await route();
}

// ---- sign in and out ----

function signInForm({ username, onDone, inDialog }) {
  const user = input({ name: "username", autocomplete: "username", value: username || "", readonly: inDialog ? true : null, dir: "ltr" });
  const pass = input({ name: "password", type: "password", autocomplete: "current-password", dir: "ltr" });
  const form = h(
    "form",
    { class: "signin-form", novalidate: true },
    field({ label: t("auth.username"), control: user, field: "username", required: true }),
    field({ label: t("auth.password"), control: pass, field: "password", required: true }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary", text: t("auth.sign_in") })),
  );
  onSubmit(form, async () => {
    try {
      const r = await api.post("/auth/login", { username: user.value.trim(), password: pass.value }, { noSignIn: true });
      setCsrf(r.csrf_token);
      pass.value = "";
      await onDone(r.user);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        showProblem(form, { key: "auth.wrong" });
        pass.select();
      } else showProblem(form, e);
    }
  });
  return { form, focus: () => (user.value ? pass : user).focus() };
}

function renderSignIn() {
  $("#topbar").hidden = true;
  const m = main();
  clear(m);
  document.title = `${t("auth.sign_in")} — ${t("app.name")}`;
  const other = lang() === "fa" ? "en" : "fa";
  const { form, focus } = signInForm({
    onDone: async (me) => {
      await startSession(me);
      if (parseHash().path === "/login") location.hash = "#/";
      await route();
      toast(t("auth.welcome", { name: me.display_name || me.username }));
    },
  });
  m.append(
    h(
      "section",
      { class: "signin card", "aria-labelledby": "signin-title" },
      h("p", { class: "brand-big", text: t("app.name") }),
      h("h1", { id: "signin-title", tabindex: "-1", text: t("auth.title") }),
      h("p", { class: "muted", text: t("auth.lead") }),
      form,
      h(
        "p",
        { class: "signin-lang" },
        h(
          "button",
          {
            type: "button",
            class: "btn small ghost",
            id: "lang-toggle",
            lang: other,
            on: {
              click: async () => {
                savePrefs(null, { lang: other });
                await loadLanguage(other);
                applyStatic();
                renderSignIn();
              },
            },
          },
          t(`settings.lang.${other}`),
        ),
      ),
    ),
  );
  focus();
}

// The session ended while the person was working: ask for the password in
// a dialog over the page (what was typed stays), then let the request go
// again. Rejects when they choose not to.
function askToSignInAgain() {
  return new Promise((resolve, reject) => {
    const { form, focus } = signInForm({
      username: state.me?.username,
      inDialog: true,
      onDone: async (me) => {
        if (me.username !== state.me?.username) {
          location.reload();
          return;
        }
        d.close();
        resolve();
      },
    });
    const cancel = h(
      "button",
      {
        type: "button",
        class: "btn ghost",
        on: {
          click: () => {
            d.close();
            reject(new ApiError(401, { detail: "signed out" }));
          },
        },
      },
      t("common.cancel"),
    );
    $(".actions", form).append(cancel);
    const d = openDialog({
      title: t("auth.again_title"),
      content: [h("p", { text: t("auth.again_lead") }), form],
      onCancel: () => reject(new ApiError(401, { detail: "signed out" })),
    });
    focus();
  });
}

async function startSession(me) {
  state.me = me;
  loadUserPrefs(me);
  savePrefs(me.username, {});
  await loadLanguage(getPrefs().lang);
  applyStatic();
}

async function signOut(btn) {
  btn.disabled = true;
  try {
    await api.post("/auth/logout", {}, { noSignIn: true });
  } catch {
    /* the session may be gone already: signed out either way */
  }
  setCsrf(null);
  clearDrafts();
  resetState();
  location.hash = "#/login";
  renderSignIn();
}

// ---- routing ----

let routing = 0;

async function route() {
  const mine = ++routing;
  if (!state.me) {
    renderSignIn();
    return;
  }
  const { path, query } = parseHash();
  if (path === "/login") {
    location.hash = "#/";
    return;
  }
  const m = match(path);
  renderTopbar(m ? m.route.nav : null);
  const root = h("div", { class: "page" });
  clear(main()).append(root);
  if (!m) {
    root.append(h("h1", { tabindex: "-1", id: "page-title", text: t("page.not_found") }), h("p", {}, h("a", { href: "#/", text: t("nav.home") })));
    return;
  }
  const ctx = {
    root,
    params: m.params,
    query,
    alive: () => mine === routing,
    refreshNav: () => renderTopbar(m.route.nav),
  };
  try {
    await m.route.page.render(ctx);
  } catch (e) {
    if (!ctx.alive()) return;
    clear(root).append(
      h("h1", { tabindex: "-1", id: "page-title", text: t("page.error") }),
      h("p", { class: "form-problem", role: "alert", text: problemMessage(e) }),
    );
  }
  if (!ctx.alive()) return;
  const title = $("#page-title", root);
  document.title = `${title ? title.textContent : ""} — ${t("app.name")}`;
  if (title && !document.querySelector("dialog[open]") && !root.contains(document.activeElement)) title.focus();
}

async function boot() {
  loadDevicePrefs();
  await loadLanguage(getPrefs().lang);
  applyStatic();
  $("#skip-link").addEventListener("click", (ev) => {
    ev.preventDefault();
    main().focus();
  });
  onSessionLost(askToSignInAgain);
  try {
    const me = await api.get("/me", null, { noSignIn: true });
    await startSession(me);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      clear(main()).append(h("p", { class: "form-problem", role: "alert", text: problemMessage(e) }));
      return;
    }
  }
  window.addEventListener("hashchange", route);
  await route();
}

boot();
