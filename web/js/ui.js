// Building blocks of every page: fields with labels and error slots, busy
// buttons that cannot be pressed twice, problem messages in plain words,
// dialogs, sortable tables and the pager.
import { ApiError } from "./api.js";
import { h, clear, newId, $, $$ } from "./dom.js";
import { t, num, lang, digits } from "./i18n.js";
import { dateEl, parseDateInput, isoToInput, formatIn, otherCalendar } from "./dates.js";
import { getPrefs } from "./prefs.js";

// ---- names ----

// A person's name, Latin and native script each isolated (<bdi>) so that
// mixed directions never jumble; the script of the interface comes first.
export function nameEl(p, opts = {}) {
  const latin = [p.given_name, p.family_name].filter(Boolean).join(" ");
  const native = [p.given_name_native, p.family_name_native].filter(Boolean).join(" ");
  return pairEl(latin, native, opts);
}

// Any value written in both scripts (a father's name), the same way.
export function pairEl(latin, native, opts = {}) {
  const parts = [];
  if (latin) parts.push(h("bdi", { lang: "en", dir: "ltr", text: latin }));
  if (native) parts.push(h("bdi", { lang: "fa", dir: "rtl", text: native }));
  if (lang() === "fa") parts.reverse();
  if (!parts.length) parts.push(opts.empty ?? t("common.unnamed"));
  const out = [];
  parts.forEach((x, i) => {
    if (i) out.push(h("span", { class: "name-sep", "aria-hidden": "true", text: " · " }));
    out.push(x);
  });
  return h(opts.tag || "span", { class: "person-name" }, out);
}

// A value that may be in either script (an address, a note).
export function bdi(text, extra = {}) {
  return h("bdi", { dir: "auto", ...extra, text: text ?? "" });
}

// Codes and numbers written left to right (refs, phone numbers).
export function ltr(text) {
  return h("bdi", { dir: "ltr", class: "ltr", text: text ?? "" });
}

export function enumLabel(kind, value) {
  return value ? t(`enum.${kind}.${value}`) : t("common.none");
}

export function statusBadge(status) {
  return h("span", { class: ["badge", `status-${status}`], text: enumLabel("status", status) });
}

// ---- busy buttons and forms ----

// Runs fn with the button busy (disabled, aria-busy, spinner): a second
// press does nothing until fn has finished.
export async function busy(button, fn) {
  if (!button) return fn();
  if (button.getAttribute("aria-busy") === "true") return undefined;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  button.classList.add("busy");
  try {
    return await fn();
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
    button.classList.remove("busy");
  }
}

// Calls handler(event) on submit with the submit button busy; a form being
// sent is not sent again (Enter pressed twice, a double click).
export function onSubmit(form, handler) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (form.dataset.sending === "1") return;
    form.dataset.sending = "1";
    const button = ev.submitter || $("button[type=submit]", form);
    try {
      await busy(button, () => handler(ev));
    } finally {
      delete form.dataset.sending;
    }
  });
}

export function button(labelKey, props = {}, onClick) {
  return h(
    "button",
    { type: "button", class: props.class || "btn", ...props, on: onClick ? { click: onClick } : props.on },
    props.label ?? t(labelKey),
  );
}

// ---- fields ----

// A labelled control: {label, name, field (API field path for errors),
// control (an element), hint}. Returns the wrapper; the control gets an id,
// aria-describedby for the hint and error.
export function field({ label, control, hint, field: apiField, required, wide, cls }) {
  const id = control.id || newId("f");
  control.id = id;
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errId].filter(Boolean).join(" "));
  if (required) control.required = true;
  const wrap = h(
    "div",
    { class: ["field", wide && "wide", cls], dataset: apiField ? { field: apiField } : {} },
    h("label", { for: id }, label, required ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null),
    control,
    hint ? h("div", { class: "hint", id: hintId }, hint) : null,
    h("div", { class: "field-error", id: errId, role: "alert" }),
  );
  return wrap;
}

export function input(props = {}) {
  return h("input", { type: "text", autocomplete: "off", ...props });
}

export function select(options, props = {}) {
  // options: [{value, label}] ; props.value selected
  return h(
    "select",
    { ...props },
    options.map((o) => h("option", { value: o.value, text: o.label, disabled: o.disabled })),
  );
}

export function enumOptions(kind, values, blankKey) {
  const opts = values.map((v) => ({ value: v, label: enumLabel(kind, v) }));
  if (blankKey) opts.unshift({ value: "", label: t(blankKey) });
  return opts;
}

export function checkbox(label, props = {}) {
  const id = props.id || newId("c");
  return h(
    "div",
    { class: "check", dataset: props.field ? { field: props.field } : {} },
    h("input", { type: "checkbox", id, ...props, field: null }),
    h("label", { for: id }, label),
  );
}

// A date field: type in either calendar (the year tells which), shown in
// the user's calendar, with the date in both calendars written below.
// wrapper.getISO() -> "YYYY-MM-DD", "" or throws a message key.
export function dateField({ label, value, apiField, required, hint }) {
  let shown = getPrefs().calendar;
  const control = input({
    inputmode: "numeric",
    dir: "ltr",
    class: "date-input",
    placeholder: t(shown === "solar_hijri" ? "date.placeholder.sh" : "date.placeholder.g"),
    value: value ? digits(isoToInput(value, shown)) : "",
  });
  const out = h("div", { class: "date-echo", "aria-live": "polite" });
  const toggle = h(
    "button",
    {
      type: "button",
      class: "btn small ghost",
      "aria-label": t("date.toggle"),
      title: t("date.toggle"),
    },
  );
  const paintToggle = () => {
    toggle.textContent = t(shown === "solar_hijri" ? "cal.short.sh" : "cal.short.g");
    control.placeholder = t(shown === "solar_hijri" ? "date.placeholder.sh" : "date.placeholder.g");
  };
  const echo = () => {
    const r = parseDateInput(control.value);
    clear(out);
    if (r.error) {
      out.append(h("span", { class: "warn", text: t(r.error) }));
    } else if (r.iso) {
      out.append(
        `= ${formatIn(r.iso, "solar_hijri")} · ${formatIn(r.iso, "gregorian")}`,
      );
    }
  };
  toggle.addEventListener("click", () => {
    const r = parseDateInput(control.value);
    shown = otherCalendar(shown);
    if (r.iso) control.value = digits(isoToInput(r.iso, shown));
    paintToggle();
    echo();
  });
  control.addEventListener("input", echo);
  paintToggle();
  const row = h("div", { class: "date-row" }, control, toggle);
  const wrap = field({ label, control, hint: hint === undefined ? t("date.hint") : hint, field: apiField, required });
  control.replaceWith(row);
  row.prepend(control);
  wrap.insertBefore(out, wrap.querySelector(".field-error"));
  wrap.classList.add("date-field");
  wrap.getISO = () => {
    const r = parseDateInput(control.value);
    if (r.error) throw Object.assign(new Error(r.error), { key: r.error, control });
    return r.iso;
  };
  wrap.setISO = (iso) => {
    control.value = iso ? digits(isoToInput(iso, shown)) : "";
    echo();
  };
  echo();
  return wrap;
}

// ---- problems ----

// Field messages the API writes in English, in the user's language.
const API_MESSAGES = [
  [/^is required$|^must not be empty$|^must not be null$/, "apierr.required"],
  [/^unknown field$/, "apierr.unknown_field"],
  [/^must be a real date/, "apierr.date"],
  [/^must not be in the future/, "apierr.future"],
  [/^must not be before 1900/, "apierr.too_old"],
  [/^must be written in Latin script/, "apierr.latin"],
  [/^must (be written in|contain) Arabic/, "apierr.native"],
  [/^must contain letters/, "apierr.letters"],
  [/^must be an international number/, "apierr.phone"],
  [/^(must be at most|is too long \(at most) (\d+)/, "apierr.too_long"],
  [/^must be one of/, "apierr.enum"],
  [/^no person with id (\d+)/, "apierr.no_person"],
  [/^cannot go from (\S+) to (\S+)/, "apierr.cannot_go"],
  [/^is required to go from/, "apierr.reason"],
  [/^member (P-\d+) \((.*)\) has no valid travel document/, "guard.travel_document"],
  [/^member (P-\d+) \((.*)\) has not given consent to travel/, "guard.consent_travel"],
  [/^person \d+ was already merged into person \d+/, "apierr.merged_already"],
  [/^is this person: a person cannot be merged into itself/, "apierr.merge_self"],
  [/^was undone already/, "apierr.undone_already"],
  [/^the survivor, person \d+, was merged into person \d+ since/, "apierr.survivor_merged"],
];

// nameOf(ref) may give the person's name as the interface should write it
// (in Persian script for Persian); the API writes it in Latin letters.
export function apiMessage(msg, nameOf) {
  for (const [re, key] of API_MESSAGES) {
    const m = re.exec(msg || "");
    if (!m) continue;
    if (key.startsWith("guard.")) return t(key, { ref: m[1], name: (nameOf && nameOf(m[1])) || m[2] });
    if (key === "apierr.cannot_go")
      return t(key, { from: enumLabel("status", m[1]), to: enumLabel("status", m[2]) });
    if (key === "apierr.too_long") return t(key, { n: Number(m[2]) });
    if (key === "apierr.no_person") return t(key, { id: Number(m[1]) });
    return t(key);
  }
  return msg;
}

// The sentence that says what went wrong and what to do.
export function problemMessage(err) {
  if (!(err instanceof ApiError)) {
    if (err && err.key) return t(err.key);
    console.error(err);
    return t("problem.unexpected");
  }
  switch (err.status) {
    case 0: return t("problem.offline");
    case 400:
      if (err.errors.length === 1) return t("problem.invalid_one");
      return err.errors.length ? t("problem.invalid", { n: err.errors.length }) : t("problem.bad_request");
    case 401: return t("problem.signed_out");
    case 403: return t("problem.forbidden");
    case 404: return t("problem.not_found");
    case 409: return t("problem.conflict");
    case 410: return t("problem.gone");
    case 413: return t("problem.too_large");
    case 422: return t("problem.refused");
    case 429: return t("problem.too_many");
    case 503: return t("problem.busy");
    default: return t("problem.server");
  }
}

// "documents[1].number" -> "documents[1]" -> "documents" -> "".
function parentPath(p) {
  const q = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
  return q === p ? "" : q;
}

export function clearErrors(form) {
  for (const el of $$(".field-error", form)) el.textContent = "";
  for (const el of $$("[aria-invalid]", form)) el.removeAttribute("aria-invalid");
  for (const el of $$(".has-error", form)) el.classList.remove("has-error");
  const box = $(".form-problem", form);
  if (box) clear(box).hidden = true;
}

// Shows err on form: each API error next to its field (the element with
// data-field equal to errors[].field, or its closest named parent such as
// "documents[1]" for "documents[1].number"), the rest in the box at the
// top. Focuses the first field in error.
export function showProblem(form, err) {
  clearErrors(form);
  let box = $(".form-problem", form);
  if (!box) {
    box = h("div", { class: "form-problem", role: "alert", tabindex: "-1" });
    form.prepend(box);
  }
  box.hidden = false;
  box.append(h("p", { class: "problem-lead", text: problemMessage(err) }));
  const unplaced = [];
  let first = null;
  const errors = err instanceof ApiError ? err.errors : [];
  for (const e of errors) {
    let path = e.field || "";
    let target = null;
    while (path && !target) {
      target = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (!target) path = parentPath(path);
    }
    const text = apiMessage(e.message);
    if (target) {
      target.classList.add("has-error");
      const slot = $(".field-error", target) || target.appendChild(h("div", { class: "field-error" }));
      slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
      const ctl = $("input, select, textarea", target);
      if (ctl) {
        ctl.setAttribute("aria-invalid", "true");
        first = first || ctl;
      }
    } else {
      unplaced.push(text);
    }
  }
  if (err && err.control) {
    const wrap = err.control.closest(".field");
    if (wrap) {
      wrap.classList.add("has-error");
      $(".field-error", wrap).textContent = t(err.key);
      err.control.setAttribute("aria-invalid", "true");
      first = first || err.control;
    }
  }
  if (unplaced.length)
    box.append(h("ul", {}, unplaced.map((m) => h("li", {}, bdi(m)))));
  if (first) first.focus();
  else box.focus();
}

// A problem shown in a block of its own (not in a form).
export function problemBox(err, extra) {
  return h(
    "div",
    { class: "form-problem", role: "alert" },
    h("p", { class: "problem-lead", text: problemMessage(err) }),
    err instanceof ApiError && err.errors.length
      ? h("ul", {}, err.errors.map((e) => h("li", {}, bdi(apiMessage(e.message)))))
      : null,
    extra,
  );
}

// ---- dialogs and messages ----

// A modal dialog. content: nodes; actions: [{label, primary, onClick(close)}].
// Returns {el, close}. Escape closes (onCancel is called).
export function openDialog({ title, content, onCancel, labelledBy }) {
  const titleId = newId("dlg");
  const dlg = h(
    "dialog",
    { class: "dialog", "aria-labelledby": labelledBy || titleId },
    h("h2", { id: titleId, text: title }),
    content,
  );
  document.body.append(dlg);
  const close = () => {
    if (dlg.open) dlg.close();
    dlg.remove();
  };
  dlg.addEventListener("cancel", (ev) => {
    ev.preventDefault();
    if (onCancel) onCancel();
    close();
  });
  dlg.showModal();
  return { el: dlg, close };
}

// Asks for a reason; resolves to the text, or null when cancelled.
export function askReason({ title, lead }) {
  return new Promise((resolve) => {
    const area = h("textarea", { rows: 3, maxlength: 2000, required: true, dir: "auto" });
    const form = h("form", { class: "dialog-form", novalidate: true });
    const cancel = button("common.cancel", { class: "btn ghost" }, () => {
      d.close();
      resolve(null);
    });
    form.append(
      lead ? h("p", { text: lead }) : "",
      field({ label: t("case.reason"), control: area, required: true }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary", text: t("common.continue") }), cancel),
    );
    area.addEventListener("input", () => {
      area.removeAttribute("aria-invalid");
      $(".field-error", form).textContent = "";
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = area.value.trim();
      if (!v) {
        area.setAttribute("aria-invalid", "true");
        $(".field-error", form).textContent = t("case.reason_needed");
        area.focus();
        return;
      }
      d.close();
      resolve(v);
    });
    const d = openDialog({ title, content: form, onCancel: () => resolve(null) });
    area.focus();
  });
}

let toastTimer = null;
export function toast(text) {
  const el = $("#toast");
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 4000);
}

export function empty(text) {
  return h("p", { class: "empty", text });
}

export function loading() {
  return h("p", { class: "loading", role: "status", text: t("common.loading") });
}

export function pageHeader(title, ...actions) {
  return h(
    "div",
    { class: "page-head" },
    h("h1", { tabindex: "-1", id: "page-title" }, title),
    actions.length ? h("div", { class: "page-actions" }, actions) : null,
  );
}

// A message whose {placeholders} are nodes (a link, a reference kept left
// to right) rather than text: t(key) split around them.
export function tNodes(key, nodes) {
  return t(key)
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m && m[1] in nodes ? nodes[m[1]] : part;
    });
}

export function link(href, ...children) {
  return h("a", { href }, children);
}

// ---- tables ----

// columns: [{label, cell(row) -> node|string, sort(row) -> value}]; sorting
// is on the rows shown (the page), by clicking a column's header.
export function dataTable(columns, rows, opts = {}) {
  const table = h("table", { class: "data" });
  if (opts.caption) table.append(h("caption", { class: "sr-only", text: opts.caption }));
  let sortCol = -1;
  let dir = 1;
  const thead = h("thead");
  const tbody = h("tbody");
  const headRow = h("tr");
  const paint = () => {
    clear(tbody);
    let list = rows.slice();
    if (sortCol >= 0) {
      const key = columns[sortCol].sort;
      list.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x === y) return 0;
        if (x === null || x === undefined || x === "") return 1;
        if (y === null || y === undefined || y === "") return -1;
        return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), lang())) * dir;
      });
    }
    for (const row of list)
      tbody.append(h("tr", {}, columns.map((c) => h("td", { class: c.cls }, c.cell(row)))));
    columns.forEach((c, i) => {
      const th = headRow.children[i];
      if (!c.sort) return;
      th.setAttribute("aria-sort", i === sortCol ? (dir > 0 ? "ascending" : "descending") : "none");
    });
  };
  columns.forEach((c, i) => {
    const th = h("th", { scope: "col", class: c.cls });
    if (c.sort) {
      th.append(
        h(
          "button",
          {
            type: "button",
            class: "sort",
            on: {
              click: () => {
                dir = sortCol === i ? -dir : 1;
                sortCol = i;
                paint();
              },
            },
          },
          c.label,
          h("span", { class: "sort-mark", "aria-hidden": "true" }),
        ),
      );
    } else th.textContent = c.label;
    headRow.append(th);
  });
  thead.append(headRow);
  table.append(thead, tbody);
  paint();
  return h("div", { class: "table-wrap" }, table);
}

// Previous/next over keyset pages. cursors: the stack of cursors that led
// here (for "previous").
export function pager({ next, hasPrev, onNext, onPrev, count }) {
  return h(
    "nav",
    { class: "pager", "aria-label": t("list.pages") },
    h("span", { class: "muted", text: t("list.shown", { n: count }) }),
    button("list.previous", { disabled: !hasPrev }, onPrev),
    button("list.next", { disabled: !next }, onNext),
  );
}

export { num };
