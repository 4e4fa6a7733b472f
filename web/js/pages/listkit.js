// What the persons and cases lists share: filters kept in the address
// (#/persons?sex=F&cursor=...), keyset paging with a trail of the cursors
// that led to this page (for "previous"), and the table.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { pager, empty, dataTable, onSubmit, problemBox, showProblem } from "../ui.js";

// The query as filters: only the names in keys, without the paging ones.
export function filtersFrom(query, keys) {
  const f = {};
  for (const k of keys) if (query.get(k)) f[k] = query.get(k);
  return f;
}

export function hashFor(base, filters, cursor, trail) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (cursor) q.set("cursor", cursor);
  if (trail && trail.length) q.set("trail", trail.join(","));
  const s = q.toString();
  return `#${base}${s ? `?${s}` : ""}`;
}

// Wires a filter form: on submit go to the first page of the new filters.
export function filterForm(form, base, read) {
  onSubmit(form, async () => {
    try {
      location.hash = hashFor(base, read(), null, null);
    } catch (e) {
      showProblem(form, e); // a date that does not exist
    }
  });
}

// Renders one page of results into box: table or empty state, and pager.
export function showPage({ box, base, filters, query, page, columns, caption, emptyKey }) {
  box.replaceChildren();
  const cursor = query.get("cursor");
  const trail = (query.get("trail") || "").split(",").filter(Boolean);
  if (!page.items.length) {
    box.append(empty(t(cursor ? "list.empty_page" : emptyKey)));
  } else {
    box.append(dataTable(columns, page.items, { caption }));
  }
  box.append(
    pager({
      count: page.items.length,
      next: page.next_cursor,
      hasPrev: !!cursor,
      onNext: () => {
        location.hash = hashFor(base, filters, page.next_cursor, [...trail, cursor || "0"]);
      },
      onPrev: () => {
        const back = trail.slice(0, -1);
        const prev = trail[trail.length - 1];
        location.hash = hashFor(base, filters, prev && prev !== "0" ? prev : null, back);
      },
    }),
  );
}

// A refused filter (400 naming the query parameter) is shown at its field.
export function showError(box, e, form) {
  if (form && e.status === 400) {
    box.replaceChildren();
    showProblem(form, e);
  } else box.replaceChildren(problemBox(e));
}

export function filterActions(base) {
  return h(
    "div",
    { class: "actions" },
    h("button", { type: "submit", class: "btn primary", text: t("list.apply") }),
    h("a", { class: "btn ghost", href: `#${base}`, text: t("list.reset") }),
  );
}
