// Importing persons from a CSV file (docs/import.md): upload, then watch
// the server's worker check and import it; the report of refused rows and
// possible duplicates is a download. #/imports?id=N shows one job.
import { api, getAll } from "../api.js";
import { h, clear } from "../dom.js";
import { t, num, digits } from "../i18n.js";
import { state, getOffices, officeLabel } from "../state.js";
import { pageHeader, field, select, checkbox, dataTable, empty, onSubmit, showProblem, problemBox, ltr, bdi, link } from "../ui.js";

// Raw bytes per request: base64 makes them 4/3, under the 1 MiB body limit.
const PART_BYTES = 512 * 1024;
const FINISHED = new Set(["done", "invalid", "refused", "failed"]);

function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(s);
}

// Sends the file in parts; resolves to the job.
async function upload(file, opts) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const parts = Math.max(1, Math.ceil(bytes.length / PART_BYTES));
  const part = (i) => base64(bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES));
  let job = await api.post("/imports", { filename: file.name, content_base64: part(0), more: parts > 1, ...opts });
  for (let i = 1; i < parts; i++)
    job = await api.post(`/imports/${job.id}/parts`, { content_base64: part(i), more: i + 1 < parts });
  return job;
}

const STATES = {
  queued: "imports.state.queued",
  checking: "imports.state.checking",
  running: "imports.state.running",
  done: "imports.state.done",
  invalid: "imports.state.invalid",
  refused: "imports.state.refused",
  failed: "imports.state.failed",
};

function stateLabel(s) {
  return STATES[s] ? t(STATES[s]) : s;
}

// The progress and outcome of one job, refreshed until it is finished.
function jobView(job) {
  const box = h("section", { class: "card import-job", "aria-live": "polite" });
  const fill = (j) => {
    clear(box);
    const total = j.rows_total;
    // nothing was written by a check only or a file with refused rows: its
    // good rows are counted as such, not as imported
    const written = j.state !== "invalid" && !j.dry_run;
    const parts = [
      h("h2", {}, bdi(j.filename), " · ", stateLabel(j.state)),
      total !== null && total !== undefined
        ? h("progress", { max: String(Math.max(total, 1)), value: String(j.rows_done), "aria-label": t("imports.progress") })
        : h("progress", { "aria-label": t("imports.progress") }),
      h("p", {}, total !== null && total !== undefined
        ? t("imports.rows_of", { done: j.rows_done, total })
        : t("imports.checking")),
      j.rows_per_second ? h("p", { class: "muted" }, t("imports.rate", { n: j.rows_per_second }),
        j.eta_seconds !== null && j.eta_seconds !== undefined ? ` · ${t("imports.eta", { n: j.eta_seconds })}` : "") : null,
      h("ul", { class: "import-counts" },
        h("li", {}, t(written ? "imports.imported" : "imports.valid", { n: j.rows_imported })),
        h("li", {}, t("imports.refused", { n: j.rows_refused })),
        h("li", {}, t("imports.duplicates", { n: j.duplicates }))),
      j.first_ref && j.last_ref ? h("p", {}, t("imports.refs"), " ", ltr(j.first_ref), " – ", ltr(j.last_ref)) : null,
      j.message ? h("p", { class: "problem" }, bdi(j.message)) : null,
      j.dry_run && FINISHED.has(j.state) ? h("p", { class: "muted" }, t("imports.dry_run_done")) : null,
      j.report_url ? h("p", {}, h("a", { href: j.report_url, download: `import-${j.id}-report.csv`, class: "btn" }, t("imports.report"))) : null,
    ];
    box.append(...parts.filter(Boolean));
  };
  fill(job);
  return { box, fill };
}

async function watch(job, alive) {
  const view = jobView(job);
  const poll = async () => {
    if (!alive() || FINISHED.has(job.state)) return;
    try {
      job = await api.get(`/imports/${job.id}`);
      view.fill(job);
    } catch (e) {
      view.box.append(problemBox(e));
      return;
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
  return view.box;
}

export async function render({ root, query, alive }) {
  root.append(pageHeader(t("imports.title")));
  const id = Number(query.get("id"));
  if (id > 0) {
    const job = await api.get(`/imports/${id}`);
    if (!alive()) return;
    root.append(await watch(job, alive), h("p", {}, link("#/imports", t("imports.back"))));
    return;
  }

  const offices = (await getOffices()).filter((o) => state.me.roles.includes("admin") || (state.me.offices || []).includes(o.code));
  if (!alive()) return;
  const file = h("input", { type: "file", accept: ".csv,text/csv", required: true });
  const office = select(offices.map((o) => ({ value: o.code, label: officeLabel(o) })));
  const dry = checkbox(t("imports.dry_run"), { field: "dry_run" });
  const skip = checkbox(t("imports.skip_invalid"), { field: "skip_invalid" });
  const dups = checkbox(t("imports.check_duplicates"), { field: "check_duplicates", checked: true });
  const checked = (c) => c.querySelector("input").checked;
  const out = h("div");
  const form = h("form", { class: "card import-form", novalidate: true },
    h("p", { class: "muted" }, t("imports.lead")),
    field({ label: t("imports.file"), control: file, field: "content_base64", required: true, hint: t("imports.file_hint") }),
    field({ label: t("imports.office"), control: office, field: "office", hint: t("imports.office_hint") }),
    dry, skip, dups,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary", text: t("imports.upload") })),
  );
  onSubmit(form, async () => {
    if (!file.files.length) {
      showProblem(form, { control: file, key: "imports.no_file" });
      return;
    }
    try {
      const job = await upload(file.files[0], {
        office: office.value || undefined,
        dry_run: checked(dry),
        skip_invalid: checked(skip),
        check_duplicates: checked(dups),
      });
      if (!alive()) return;
      history.replaceState(null, "", `#/imports?id=${job.id}`);
      clear(out);
      out.append(await watch(job, alive));
    } catch (e) {
      showProblem(form, e);
    }
  });
  root.append(form, out);

  // the newest first (the API pages oldest first)
  const recent = (await getAll("/imports")).sort((a, b) => b.id - a.id).slice(0, 20);
  if (!alive()) return;
  root.append(
    h("h2", {}, t("imports.recent")),
    recent.length
      ? dataTable([
          { label: t("imports.file"), cell: (j) => link(`#/imports?id=${j.id}`, bdi(j.filename)), sort: (j) => j.filename },
          { label: t("imports.state_label"), cell: (j) => stateLabel(j.state), sort: (j) => j.state },
          { label: t("imports.imported_label"), cell: (j) => num(j.rows_imported), sort: (j) => j.rows_imported },
          { label: t("imports.refused_label"), cell: (j) => num(j.rows_refused), sort: (j) => j.rows_refused },
          { label: t("imports.when"), cell: (j) => digits((j.created_at || "").replace("T", " ").slice(0, 16)), sort: (j) => j.created_at },
        ], recent, { caption: t("imports.recent") })
      : empty(t("imports.none")),
  );
}
