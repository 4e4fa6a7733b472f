// A case's file: the steps the user may take now (a reason asked where the
// workflow needs one), a refusal explained in plain words with the API's
// reasons and what to do about each, the members, the details and the
// status timeline (who, when, why).
import { api, ApiError } from "../api.js";
import { h, clear } from "../dom.js";
import { t, lang } from "../i18n.js";
import { state, can, getCountries, countryName } from "../state.js";
import { dateEl, fmtDateTime } from "../dates.js";
import { ENUMS } from "../enums.js";
import {
  pageHeader, nameEl, ltr, bdi, enumLabel, statusBadge, dataTable, field, select, enumOptions, checkbox,
  onSubmit, showProblem, toast, busy, problemBox, askReason, apiMessage,
} from "../ui.js";

const TERMINAL = new Set(["closed", "withdrawn", "ineligible", "rejected"]);

export async function render(ctx) {
  const { root, params, alive } = ctx;
  let c = await api.get(`/cases/${params.id}`);
  const countries = await getCountries();
  // the members' native-script names (the case lists them in Latin letters)
  const people = new Map();
  const loadPeople = () =>
    Promise.all(c.members.filter((m) => !people.has(m.person_id)).map(async (m) => {
      people.set(m.person_id, await api.get(`/persons/${m.person_id}`).catch(() => null));
    }));
  await loadPeople();
  if (!alive()) return;
  const withNative = (m) => {
    const p = people.get(m.person_id);
    return p ? { ...m, given_name_native: p.given_name_native, family_name_native: p.family_name_native } : m;
  };
  const displayName = (m) => {
    const x = withNative(m);
    const latin = [x.given_name, x.family_name].filter(Boolean).join(" ");
    const native = [x.given_name_native, x.family_name_native].filter(Boolean).join(" ");
    return lang() === "fa" ? native || latin : latin || native;
  };

  const head = pageHeader([ltr(c.ref), " ", h("span", { id: "case-status" }, statusBadge(c.status))]);
  const stepsBox = h("section", { class: "panel steps", "aria-labelledby": "steps-h" });
  const refusal = h("div", { class: "refusal-slot", "aria-live": "assertive" });
  const detailsBox = h("section", { class: "panel", "aria-labelledby": "details-h" });
  const membersBox = h("section", { class: "panel", "aria-labelledby": "members-h" });
  const timelineBox = h("section", { class: "panel", "aria-labelledby": "timeline-h" });
  root.append(head, h("div", { class: "file-grid" }, h("div", {}, stepsBox, refusal, membersBox, detailsBox), h("div", {}, timelineBox)));

  const paint = () => {
    clear(head.querySelector("#case-status")).append(statusBadge(c.status));
    paintSteps();
    paintMembers();
    paintDetails();
    paintTimeline();
  };

  // ---- the next steps ----
  function paintSteps() {
    clear(stepsBox).append(h("h2", { id: "steps-h", text: t("case.next_steps") }));
    const moves = c.allowed_transitions || [];
    if (!moves.length) {
      stepsBox.append(h("p", { class: "muted", text: TERMINAL.has(c.status) && c.status === "closed" ? t("case.closed_final") : t("case.no_steps") }));
      return;
    }
    const forward = moves.filter((m) => !TERMINAL.has(m.to) || m.to === "closed");
    const stop = moves.filter((m) => TERMINAL.has(m.to) && m.to !== "closed");
    const btn = (m) =>
      h(
        "button",
        {
          type: "button",
          class: ["btn", TERMINAL.has(m.to) && m.to !== "closed" ? "danger-outline" : "primary"],
          dataset: { to: m.to },
          on: { click: (ev) => move(ev.currentTarget, m) },
        },
        t("case.move_to", { state: enumLabel("status", m.to) }),
        m.requires_reason ? h("span", { class: "sr-only", text: ` (${t("case.reason_asked")})` }) : null,
      );
    stepsBox.append(
      h("div", { class: "step-buttons" }, forward.map(btn)),
      stop.length ? h("div", { class: "step-buttons secondary" }, stop.map(btn)) : "",
    );
  }

  async function move(button, m) {
    let reason;
    if (m.requires_reason) {
      reason = await askReason({ title: t("case.reason_title", { state: enumLabel("status", m.to) }), lead: t("case.reason_lead") });
      if (reason === null) return;
    }
    await busy(button, async () => {
      clear(refusal);
      try {
        c = await api.post(`/cases/${c.id}/transitions`, { to: m.to, version: c.version, reason });
        paint();
        toast(t("case.moved", { state: enumLabel("status", c.status) }));
        stepsBox.querySelector("button")?.focus();
      } catch (e) {
        await explain(e, m);
      }
    });
  }

  // Why a step was refused, in plain words, and what to do.
  async function explain(e, m) {
    const box = h("div", { class: "refusal", role: "alert", tabindex: "-1", id: "refusal" });
    const target = enumLabel("status", m.to);
    if (e instanceof ApiError && e.status === 422) {
      box.append(h("h3", { text: t("case.refused_title", { state: target }) }));
      const items = [];
      for (const er of e.errors) {
        const mm = /^members\[(\d+)\]/.exec(er.field || "");
        const member = mm ? c.members[Number(mm[1])] : null;
        const fix = /travel document/.test(er.message) ? "case.fix_document" : /consent to travel/.test(er.message) ? "case.fix_consent" : null;
        items.push(
          h("li", {},
            h("span", { class: "reason" }, bdi(apiMessage(er.message, (ref) => {
              const who = c.members.find((x) => x.ref === ref);
              return who ? displayName(who) : null;
            }))),
            member && fix
              ? h("span", { class: "fix" }, " — ", h("a", { href: `#/persons/${member.person_id}` }, t(fix, { name: displayName(member) })))
              : null,
          ),
        );
      }
      box.append(h("ul", {}, items));
      box.append(h("p", { class: "hint", text: t("case.refused_after") }));
    } else if (e instanceof ApiError && e.status === 403) {
      box.append(h("h3", { text: t("case.refused_title", { state: target }) }), h("p", { text: t("case.forbidden_step", { perm: m.permission }) }));
    } else if (e instanceof ApiError && e.status === 409) {
      c = await api.get(`/cases/${c.id}`);
      paint();
      box.append(h("h3", { text: t("case.conflict_title") }), h("p", { text: t("case.conflict") }));
    } else {
      box.append(problemBox(e));
    }
    refusal.replaceChildren(box);
    box.focus();
  }

  // ---- members ----
  function paintMembers() {
    clear(membersBox).append(
      h("h2", { id: "members-h", text: t("case.members") }),
      dataTable([
        { label: t("person.ref"), cell: (m) => h("a", { href: `#/persons/${m.person_id}` }, ltr(m.ref)), sort: (m) => m.ref },
        { label: t("person.name"), cell: (m) => nameEl(withNative(m)), sort: (m) => `${m.family_name || ""} ${m.given_name || ""}` },
        { label: t("case.relationship"), cell: (m) => enumLabel("rel", m.relationship), sort: (m) => m.relationship },
      ], c.members, { caption: t("case.members") }),
    );
  }

  // ---- details and their changes ----
  function paintDetails() {
    const assigned = c.assigned_to === null ? t("case.unassigned") : c.assigned_to === state.me.id ? t("case.assigned_me") : t("case.assigned_user", { id: c.assigned_to });
    clear(detailsBox).append(
      h("h2", { id: "details-h", text: t("case.details") }),
      h("dl", { class: "details" },
        h("dt", { text: t("case.program") }), h("dd", { text: enumLabel("program", c.program) }),
        h("dt", { text: t("case.office") }), h("dd", {}, ltr(c.office)),
        h("dt", { text: t("case.opened_on") }), h("dd", {}, dateEl(c.opened_on)),
        h("dt", { text: t("case.closed_on") }), h("dd", {}, c.closed_on ? dateEl(c.closed_on) : t("common.none")),
        h("dt", { text: t("case.priority") }), h("dd", { text: enumLabel("priority", c.priority) }),
        h("dt", { text: t("case.destination") }), h("dd", { text: c.destination_country ? countryName(c.destination_country, countries) : t("common.unknown") }),
        h("dt", { text: t("case.assigned_to") }), h("dd", { text: assigned }),
      ),
    );
    if (!can("case.write")) return;
    const priority = select(enumOptions("priority", ENUMS.priority), { value: c.priority });
    const dest = select([{ value: "", label: t("common.unknown") }, ...countries.map((x) => ({ value: x.code, label: countryName(x.code, countries) }))], { value: c.destination_country || "" });
    const mine = checkbox(t("case.assign_me"), { checked: c.assigned_to === state.me.id, field: "assigned_to" });
    const form = h("form", { class: "inline-form", novalidate: true, "aria-label": t("case.change_details") },
      field({ label: t("case.priority"), control: priority, field: "priority" }),
      field({ label: t("case.destination"), control: dest, field: "destination_country" }),
      mine,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn", text: t("common.save") })),
    );
    onSubmit(form, async () => {
      const body = { version: c.version, priority: priority.value, destination_country: dest.value || null };
      const me = mine.querySelector("input").checked;
      if (me && c.assigned_to !== state.me.id) body.assigned_to = state.me.id;
      if (!me && c.assigned_to === state.me.id) body.assigned_to = null;
      try {
        c = await api.patch(`/cases/${c.id}`, body);
        paint();
        toast(t("case.saved"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          c = await api.get(`/cases/${c.id}`);
          paint();
          toast(t("case.conflict"));
          return;
        }
        showProblem(form, e);
      }
    });
    detailsBox.append(h("details", { class: "edit-details" }, h("summary", { text: t("case.change_details") }), form));
  }

  // ---- timeline ----
  function paintTimeline() {
    const rows = [...(c.history || [])].reverse();
    clear(timelineBox).append(
      h("h2", { id: "timeline-h", text: t("case.timeline") }),
      h("ol", { class: "timeline", reversed: true },
        rows.map((r) =>
          h("li", {},
            h("div", { class: "tl-head" },
              r.from ? [statusBadge(r.from), h("span", { class: "arrow", "aria-label": t("case.to"), text: ` ${t("case.arrow")} ` })] : null,
              statusBadge(r.to),
            ),
            h("div", { class: "tl-meta" }, h("bdi", { text: r.by_name || `#${r.by}` }), " · ", h("time", { datetime: r.at, text: fmtDateTime(r.at) })),
            r.reason ? h("div", { class: "tl-reason" }, r.reason === "opened" && !r.from ? t("case.opened_reason") : bdi(r.reason)) : null,
          ),
        ),
      ),
    );
  }

  paint();
}
