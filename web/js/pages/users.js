// Admin: users, their roles and offices, disabling, new passwords. The
// /api/v1/users API comes with access control (issue 3); until the server
// has it this page says so and the menu leaves it out.
import { api, ApiError, getAll } from "../api.js";
import { h, $, $$ } from "../dom.js";
import { t } from "../i18n.js";
import { state, can, getOffices, officeLabel } from "../state.js";
import { ENUMS } from "../enums.js";
import {
  pageHeader, field, input, checkbox, enumLabel, dataTable, empty, onSubmit, showProblem, toast, openDialog,
  ltr, bdi, problemBox, loading,
} from "../ui.js";

function checks(kind, values, chosen, labelOf, apiField) {
  return h("fieldset", { class: "group checks", dataset: { field: apiField } },
    h("legend", { text: t(`users.${apiField}`) }),
    h("div", { class: "check-grid" }, values.map((v) => checkbox(labelOf(v), { value: v, checked: chosen.includes(v), name: `${kind}:${v}` }))),
    h("div", { class: "field-error", role: "alert" }),
  );
}

const chosen = (form, kind) => $$(`input[name^="${kind}:"]`, form).filter((x) => x.checked).map((x) => x.value);

function userForm(u, offices, onSaved, onClose) {
  const isNew = !u;
  const username = input({ dir: "ltr", autocomplete: "off", value: u?.username || "", readonly: !isNew || null });
  const display = input({ dir: "auto", value: u?.display_name || "" });
  const password = input({ type: "password", dir: "ltr", autocomplete: "new-password" });
  const disabled = checkbox(t("users.disable_label"), { checked: !!u?.disabled, field: "disabled" });
  const form = h("form", { class: "user-form", novalidate: true },
    h("div", { class: "grid-2" },
      field({ label: t("auth.username"), control: username, field: "username", required: isNew }),
      field({ label: t("users.display_name"), control: display, field: "display_name" }),
      field({ label: t(isNew ? "auth.password" : "users.new_password"), control: password, field: "password", required: isNew, hint: t(isNew ? "users.password_hint" : "users.reset_hint") }),
      isNew ? null : h("div", { class: "field" }, disabled, h("p", { class: "hint", text: t("users.disable_hint") })),
    ),
    checks("role", ENUMS.role, u?.roles || [], (r) => enumLabel("role", r), "roles"),
    checks("office", offices.map((o) => o.code), u?.offices || [], (c) => officeLabel(offices.find((o) => o.code === c)), "offices"),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn primary", text: t(isNew ? "users.create" : "common.save") }),
      h("button", { type: "button", class: "btn ghost", on: { click: onClose }, text: t("common.cancel") })),
  );
  onSubmit(form, async () => {
    const body = { display_name: display.value.trim() || null, roles: chosen(form, "role"), offices: chosen(form, "office") };
    if (password.value) body.password = password.value;
    try {
      let saved;
      if (isNew) saved = await api.post("/users", { username: username.value.trim(), ...body });
      else saved = await api.patch(`/users/${u.id}`, { version: u.version, ...body, disabled: $("input", disabled).checked });
      password.value = "";
      onSaved(saved);
    } catch (e) {
      showProblem(form, e);
    }
  });
  return form;
}

export async function render({ root, alive, refreshNav }) {
  root.append(pageHeader(t("users.title")));
  if (!can("user.manage")) {
    root.append(empty(t("users.not_allowed")));
    return;
  }
  const box = h("div", {}, loading());
  root.append(box);
  let users;
  let offices;
  try {
    [users, offices] = await Promise.all([getAll("/users", {}, 2000), getOffices()]);
    state.features.users = true;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      state.features.users = false;
      refreshNav();
      box.replaceChildren(h("div", { class: "note", role: "status", id: "users-unavailable" }, h("p", { text: t("users.unavailable") }), h("p", { class: "hint", text: t("users.unavailable_cli") })));
      return;
    }
    box.replaceChildren(problemBox(e));
    return;
  }
  if (!alive()) return;
  const reload = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
  const edit = (u) => {
    const d = openDialog({ title: u ? t("users.edit_title", { name: u.username }) : t("users.new_title"), content: userForm(u, offices, (saved) => {
      d.close();
      toast(t("users.saved", { name: saved.username }));
      reload();
    }, () => d.close()) });
    const first = d.el.querySelector("input:not([readonly])");
    if (first) first.focus();
  };
  box.replaceChildren(
    h("div", { class: "actions" }, h("button", { type: "button", class: "btn primary", on: { click: () => edit(null) }, text: t("users.new") })),
    users.length
      ? dataTable([
          { label: t("auth.username"), cell: (u) => ltr(u.username), sort: (u) => u.username },
          { label: t("users.display_name"), cell: (u) => bdi(u.display_name || ""), sort: (u) => u.display_name || "" },
          { label: t("users.roles"), cell: (u) => u.roles.map((r) => enumLabel("role", r)).join(t("common.list_sep")), sort: (u) => u.roles.join(",") },
          { label: t("users.offices"), cell: (u) => ltr(u.offices.join(", ")), sort: (u) => u.offices.join(",") },
          { label: t("users.state"), cell: (u) => h("span", { class: ["badge", u.disabled ? "danger" : "ok"], text: t(u.disabled ? "users.disabled" : "users.active") }), sort: (u) => (u.disabled ? 1 : 0) },
          { label: t("common.actions"), cell: (u) => h("button", { type: "button", class: "btn small", "aria-label": t("users.edit_named", { name: u.username }), on: { click: () => edit(u) }, text: t("common.edit") }) },
        ], users, { caption: t("users.title") })
      : empty(t("users.empty")),
  );
}
