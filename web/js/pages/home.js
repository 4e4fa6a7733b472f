// Home: my open cases, what waits on me by state, and departures.
import { api, getAll } from "../api.js";
import { h } from "../dom.js";
import { t, num } from "../i18n.js";
import { state, can, getWorkflows } from "../state.js";
import { dateEl, fmtDateTime } from "../dates.js";
import { pageHeader, dataTable, empty, enumLabel, statusBadge, nameEl, ltr, problemBox, loading } from "../ui.js";

function terminalStates(workflows) {
  const s = new Set();
  for (const w of workflows) for (const st of w.states) if (st.terminal) s.add(`${w.program}:${st.name}`);
  return s;
}

// States where a forward step needs a supervisor's decision (case.approve):
// eligibility review, a placement offered, ...
function approvalStates(workflows) {
  const terminal = terminalStates(workflows);
  const out = new Set();
  for (const w of workflows)
    for (const tr of w.transitions)
      if (
        tr.permission === "case.approve" &&
        !terminal.has(`${w.program}:${tr.from}`) &&
        !terminal.has(`${w.program}:${tr.to}`)
      )
        out.add(tr.from);
  return [...out];
}

function caseColumns(extra = []) {
  return [
    { label: t("case.ref"), cell: (c) => h("a", { href: `#/cases/${c.id}` }, ltr(c.ref)), sort: (c) => c.ref },
    { label: t("case.program"), cell: (c) => enumLabel("program", c.program), sort: (c) => c.program },
    { label: t("case.status"), cell: (c) => statusBadge(c.status), sort: (c) => c.status },
    { label: t("case.principal"), cell: (c) => (c.principal ? nameEl(c.principal) : ""), sort: (c) => c.principal?.family_name || "" },
    ...extra,
  ];
}

// The short form for the narrow column: reference, principal, and when.
function shortColumns(label, cell, sort) {
  const [ref, , , principal] = caseColumns();
  return [ref, principal, { label, cell, sort }];
}

function lastMove(c, status) {
  const rows = (c.history || []).filter((x) => x.to === status);
  return rows.length ? rows[rows.length - 1].at : null;
}

export async function render({ root, alive }) {
  root.append(pageHeader(t("home.title", { name: state.me.display_name || state.me.username })));
  if (!can("case.read")) {
    root.append(empty(t("home.no_cases_role")));
    return;
  }
  const mineBox = h("section", { class: "panel", "aria-labelledby": "mine-h" }, h("h2", { id: "mine-h", text: t("home.my_open") }), loading());
  const waitBox = h("section", { class: "panel", "aria-labelledby": "wait-h" }, h("h2", { id: "wait-h", text: t("home.waiting") }), loading());
  const depBox = h("section", { class: "panel", "aria-labelledby": "dep-h" }, h("h2", { id: "dep-h", text: t("home.departures") }), loading());
  root.append(h("div", { class: "home-grid" }, mineBox, h("div", { class: "home-side" }, waitBox, depBox)));

  let workflows;
  let mine;
  try {
    [workflows, mine] = await Promise.all([getWorkflows(), getAll("/cases", { assigned_to: "me" }, 1000)]);
  } catch (e) {
    mineBox.lastChild.replaceWith(problemBox(e));
    return;
  }
  if (!alive()) return;
  const terminal = terminalStates(workflows);
  const open = mine.filter((c) => !terminal.has(`${c.program}:${c.status}`));

  mineBox.lastChild.replaceWith(
    open.length
      ? dataTable(caseColumns([{ label: t("case.opened_on"), cell: (c) => dateEl(c.opened_on), sort: (c) => c.opened_on }]), open, { caption: t("home.my_open") })
      : empty(t("home.my_open_empty")),
  );

  // waiting on me: my open cases counted by state, and (supervisors) the
  // office's cases waiting for a decision
  const byState = new Map();
  for (const c of open) byState.set(c.status, (byState.get(c.status) || 0) + 1);
  const waitList = h("div", {});
  if (byState.size) {
    waitList.append(
      h("h3", { text: t("home.mine_by_state") }),
      h(
        "ul",
        { class: "counts" },
        [...byState.entries()].sort((a, b) => b[1] - a[1]).map(([st, n]) =>
          h("li", {}, h("a", { href: `#/cases?assigned_to=me&status=${encodeURIComponent(st)}` }, statusBadge(st), " ", h("span", { class: "count", text: num(n) }))),
        ),
      ),
    );
  }
  if (can("case.approve")) {
    const states = approvalStates(workflows);
    try {
      const lists = await Promise.all(states.map((s) => api.get("/cases", { status: s, limit: 200 })));
      if (!alive()) return;
      const rows = states.map((s, i) => [s, lists[i].items.length, lists[i].next_cursor]).filter((r) => r[1] > 0);
      waitList.append(h("h3", { text: t("home.awaiting_decision") }));
      waitList.append(
        rows.length
          ? h("ul", { class: "counts" }, rows.map(([s, n, more]) =>
              h("li", {}, h("a", { href: `#/cases?status=${encodeURIComponent(s)}` }, statusBadge(s), " ", h("span", { class: "count", text: more ? `${num(n)}+` : num(n) }))),
            ))
          : empty(t("home.awaiting_none")),
      );
    } catch (e) {
      waitList.append(problemBox(e));
    }
  }
  if (!waitList.childNodes.length) waitList.append(empty(t("home.waiting_empty")));
  waitBox.lastChild.replaceWith(waitList);

  // departures: no travel dates are recorded yet (movements come later), so
  // the cases ready to travel and those that left in the last week
  try {
    const [ready, departed] = await Promise.all([
      api.get("/cases", { status: "travel_ready", limit: 200 }),
      api.get("/cases", { status: "departed", limit: 200 }),
    ]);
    if (!alive()) return;
    const weekAgo = Date.now() - 7 * 86400000;
    const recent = departed.items.filter((c) => {
      const at = lastMove(c, "departed");
      return at && new Date(at).getTime() >= weekAgo;
    });
    const box = h("div", {}, h("p", { class: "hint", text: t("home.departures_note") }));
    box.append(h("h3", { text: t("home.ready_to_travel") }));
    box.append(
      ready.items.length
        ? dataTable(shortColumns(t("home.ready_since"), (c) => fmtDateTime(lastMove(c, "travel_ready")), (c) => lastMove(c, "travel_ready")), ready.items)
        : empty(t("home.ready_none")),
    );
    box.append(h("h3", { text: t("home.departed_week") }));
    box.append(
      recent.length
        ? dataTable(shortColumns(t("home.departed_at"), (c) => fmtDateTime(lastMove(c, "departed")), (c) => lastMove(c, "departed")), recent)
        : empty(t("home.departed_none")),
    );
    depBox.lastChild.replaceWith(box);
  } catch (e) {
    depBox.lastChild.replaceWith(problemBox(e));
  }
}
