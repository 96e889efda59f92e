// The workbench page: the list of proposals, and the editor of one (form, YAML, options,
// over time), with live findings, saving, the board report and training mode.

import { el, clear, debounce, ukDate } from "./dom.js";
import { api, ApiError, encodePath } from "./api.js";
import { label, useSchema } from "./schema.js";
import { ProposalForm } from "./form.js";
import { findingCard, findingKey, findingPointer, renderPanel, renderVerdict } from "./findings.js";
import { renderCompare, renderTimeline, varyChoices } from "./views.js";
import { Training } from "./training.js";

const CHECK_DELAY = 300;
const main = document.getElementById("main");
const statusLine = document.getElementById("status");
const state = {
  about: null, schema: null,
  path: null, isNew: false, etag: null,
  text: "", data: null,
  textStale: false,     // the form changed data since `text` was made from it
  dirty: false,
  asAt: "", report: null, checkSeq: 0,
  tab: "form", open: new Set(), yamlProblem: null,
};
let form = null;
let training = null;

let sayTimer = null;

// A short message at the foot of the page; all but problems go away after a while.
function say(message, kind = "") {
  statusLine.textContent = message;
  statusLine.className = kind;
  clearTimeout(sayTimer);
  if (message && kind !== "bad") sayTimer = setTimeout(() => { statusLine.textContent = ""; }, 6000);
}

function setDirty(dirty) {
  state.dirty = dirty;
  const mark = document.getElementById("dirty");
  if (mark) mark.textContent = dirty ? "Unsaved changes" : "";
  const save = document.getElementById("save");
  if (save) save.disabled = !dirty && !state.isNew;
}

window.addEventListener("beforeunload", (e) => {
  if (state.dirty) { e.preventDefault(); e.returnValue = ""; }
});

// ---------------------------------------------------------------- the list

async function showList() {
  if (state.dirty && !confirm("Leave this proposal? Your changes are not saved.")) {
    location.hash = `#/open/${encodePath(state.path)}`;
    return;
  }
  state.path = null;
  setDirty(false);
  document.title = "govcheck workbench";
  setHeader(null);
  clear(main);
  const listBox = el("div", { class: "listing" }, el("p", { class: "muted" }, "Reading the folder…"));
  const name = el("input", { type: "text", id: "new-name", placeholder: "e.g. northtown-cic.yaml",
    "aria-label": "File name of the new proposal", spellcheck: "false" });
  const problem = el("p", { class: "local-problem" });
  const start = async () => {
    let path = name.value.trim();
    if (!path) { problem.textContent = "Give the new file a name."; return; }
    if (!/\.(ya?ml|json)$/i.test(path)) path += ".yaml";
    try {
      const text = await api.starter(path);
      problem.textContent = "";
      openText(path, text, null, true);
    } catch (e) { problem.textContent = e.message; }
  };
  name.addEventListener("keydown", (e) => { if (e.key === "Enter") start(); });
  const filter = el("input", { type: "search", placeholder: "Filter by title or file name",
    "aria-label": "Filter proposals" });
  main.append(el("div", { class: "home" },
    el("section", { class: "proposals" },
      el("div", { class: "home-head" }, el("h1", {}, "Proposals"), filter), listBox),
    el("aside", { class: "start" },
      el("h2", {}, "Start a new proposal"),
      el("p", {}, "A starter with every required field filled in with a placeholder, dated today. ",
        "It is saved in this folder when you first save it."),
      el("label", { for: "new-name" }, "File name"), name,
      el("button", { type: "button", class: "primary", onclick: start }, "Start"), problem)));
  try {
    const listing = await api.proposals();
    document.getElementById("folder-name").textContent = listing.folder;
    const draw = () => {
      const words = filter.value.trim().toLowerCase();
      clear(listBox);
      const shown = listing.proposals.filter((p) => !words
        || `${p.title || ""} ${p.path}`.toLowerCase().includes(words));
      if (!listing.proposals.length) {
        listBox.append(el("p", { class: "muted" }, "No proposal files (.yaml, .yml, .json) in this folder yet. Start one on the right."));
        return;
      }
      listBox.append(el("ul", { class: "files" }, shown.map((p) =>
        el("li", {}, // Encoded: a name may hold `%`, which the route decodes (`n%6Fx.yaml` is not `nox.yaml`).
        el("a", { href: `#/open/${encodePath(p.path)}`, class: "file" },
          el("span", { class: "title" }, p.title || p.path),
          el("span", { class: "path" }, p.path))))));
    };
    filter.addEventListener("input", draw);
    draw();
  } catch (e) {
    clear(listBox).append(el("p", { class: "local-problem" }, e.message));
  }
  document.body.dataset.ready = "list";
}

// ---------------------------------------------------------------- the editor

function setHeader(path) {
  const name = document.getElementById("doc-name");
  const tools = document.getElementById("doc-tools");
  name.textContent = path || "";
  tools.hidden = !path;
}

async function openPath(path) {
  if (state.path === path && state.data) return;
  say("Opening…");
  try {
    const { text, etag } = await api.read(path);
    await openText(path, text, etag, false);
  } catch (e) {
    clear(main).append(el("div", { class: "problem-page" }, el("h1", {}, "Cannot open this file"),
      el("p", {}, e.message), el("p", {}, el("a", { href: "#/" }, "Back to the list of proposals"))));
    say("");
  }
}

async function openText(path, text, etag, isNew) {
  Object.assign(state, { path, etag, isNew, text, textStale: false, report: null,
    asAt: "", open: new Set(), yamlProblem: null, tab: "form" });
  if (isNew) history.replaceState(null, "", `#/open/${encodePath(path)}`);
  setHeader(path);
  document.title = `${path} — govcheck workbench`;
  setDirty(isNew);
  const parsed = await api.parse(text);
  state.data = parsed.data;
  state.yamlProblem = parsed.problem;
  buildEditor();
  await checkNow();
  say(isNew ? "A new proposal from the starter: fill it in, then save." : "");
  document.body.dataset.ready = "editor";
}

function buildEditor() {
  clear(main);
  const verdict = el("section", { class: "verdict", id: "verdict", "aria-live": "polite" },
    el("p", { class: "headline" }, "Checking…"));
  const asAt = el("input", { type: "date", id: "as-at", value: state.asAt });
  const asAtReset = el("button", { type: "button", class: "link", onclick: () => {
    asAt.value = ""; state.asAt = ""; refreshViews(); } }, "use the proposal's date");
  asAt.addEventListener("change", () => { state.asAt = asAt.value; refreshViews(); });
  const tabs = el("nav", { class: "tabs", role: "tablist" },
    [["form", "Form"], ["yaml", "YAML"], ["compare", "Options"], ["timeline", "Over time"]].map(([id, name]) =>
      el("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-selected": String(state.tab === id),
        onclick: () => showTab(id) }, name)));
  const formBox = el("form", { class: "proposal-form", id: "form", autocomplete: "off",
    onsubmit: (e) => e.preventDefault() });
  const yamlBox = el("div", { class: "yaml", id: "yaml", hidden: true });
  const compareBox = el("div", { class: "compare", id: "compare", hidden: true });
  const timelineBox = el("div", { class: "over-time", id: "timeline", hidden: true });
  const panel = el("aside", { class: "panel", id: "panel", "aria-label": "Findings" });
  main.append(el("div", { class: "editor" },
    el("div", { class: "top" }, verdict,
      el("div", { class: "as-at" }, el("label", { for: "as-at" }, "Judge as at"), asAt, asAtReset,
        el("p", { class: "muted small", id: "as-at-note" }))),
    tabs,
    el("div", { class: "work" },
      el("div", { class: "pane" }, formBox, yamlBox, compareBox, timelineBox), panel)));
  form = new ProposalForm(formBox, { schema: state.schema, references: state.about.references,
    onChange: formChanged });
  drawForm();
  drawYaml();
}

function drawForm() {
  const box = document.getElementById("form");
  if (!state.data || typeof state.data !== "object" || Array.isArray(state.data)) {
    clear(box).append(el("div", { class: "problem-page" },
      el("h2", {}, "The form cannot show this file"),
      el("p", {}, state.yamlProblem
        ? `Line ${state.yamlProblem.line}: ${state.yamlProblem.message}`
        : "A proposal is a mapping of fields starting with govcheck: 1."),
      el("p", {}, "Correct it in the YAML view.")));
    return;
  }
  form.render(state.data);
  if (state.report) placeFindings(state.report);
}

function formChanged(kind) {
  state.textStale = true;
  setDirty(true);
  if (kind === "structure") drawForm();
  scheduleCheck();
}

// ---- checking

const scheduleCheck = debounce(() => checkNow(), CHECK_DELAY);

function body() {
  if (state.textStale && state.data) return { body: JSON.stringify(state.data), isJson: true };
  return { body: state.text, isJson: false };
}

async function checkNow() {
  const seq = ++state.checkSeq;
  const { body: b, isJson } = body();
  try {
    const report = await api.check(b, { asAt: state.asAt, file: state.path, isJson });
    if (seq !== state.checkSeq) return;  // a newer edit is already being checked
    state.report = report;
    renderVerdict(document.getElementById("verdict"), report);
    const note = document.getElementById("as-at-note");
    if (note) note.textContent = state.asAt ? "A what-if: the proposal's own as_at is unchanged."
      : state.data && state.data.as_at ? `From the proposal's as_at (${ukDate(state.data.as_at)}).`
        : "The proposal states no as_at: today's law.";
    if (form) form.refresh();
    placeFindings(report);
    document.body.dataset.checked = String(seq);
  } catch (e) {
    if (seq === state.checkSeq) say(e.message, "bad");
  }
}

function labelFor(f) {
  const { pointer } = form.slotFor(findingPointer(f));
  return form.labels.get(pointer) || "the proposal as a whole";
}

function placeFindings(report) {
  const result = report.results[0];
  // Keep open the details a reader opened, across re-checks.
  for (const d of document.querySelectorAll(".finding details[open]")) {
    state.open.add(d.closest(".finding").dataset.key);
  }
  for (const d of document.querySelectorAll(".finding details:not([open])")) {
    state.open.delete(d.closest(".finding").dataset.key);
  }
  for (const slot of form.slots.values()) clear(slot);
  for (const row of document.querySelectorAll(".has-error, .has-warning, .has-info, .has-schema")) {
    row.classList.remove("has-error", "has-warning", "has-info", "has-schema");
  }
  for (const f of result.findings) {
    const { pointer, slot } = form.slotFor(findingPointer(f));
    const exact = pointer === findingPointer(f);
    slot.append(findingCard(f, { open: state.open.has(findingKey(f)),
      where: exact ? null : `at ${f.location.path || "the top"}` }));
    const row = form.rows.get(pointer);
    if (row && !f.waived) row.classList.add(`has-${f.topic === "schema" ? "schema" : f.severity}`);
    const item = slot.closest("details.item");
    if (item) item.open = true;
  }
  renderPanel(document.getElementById("panel"), report, { labelFor, onPick: pick });
}

function pick(f) {
  showTab("form");
  const card = [...document.querySelectorAll(".proposal-form .finding")]
    .find((c) => c.dataset.key === findingKey(f));
  if (!card) return;
  const item = card.closest("details.item");
  if (item) item.open = true;
  card.scrollIntoView({ behavior: "smooth", block: "center" });
  card.classList.remove("flash");
  void card.offsetWidth;
  card.classList.add("flash");
  const row = card.closest(".field");
  const control = row && row.querySelector("input, select, textarea");
  if (control) control.focus({ preventScroll: true });
}

// ---- the YAML view

async function currentText() {
  if (state.textStale && state.data) {
    const { text } = await api.edit(state.text, state.data);
    state.text = text;
    state.textStale = false;
  }
  return state.text;
}

function drawYaml() {
  const box = document.getElementById("yaml");
  const area = el("textarea", { id: "yaml-text", spellcheck: "false", "aria-label": "The proposal as YAML text" });
  area.value = state.text;
  const problem = el("p", { class: "local-problem", id: "yaml-problem" });
  const parse = debounce(async () => {
    state.text = area.value;
    state.textStale = false;
    const parsed = await api.parse(state.text);
    state.yamlProblem = parsed.problem;
    problem.textContent = parsed.problem ? `Line ${parsed.problem.line}, column ${parsed.problem.column}: ${parsed.problem.message}` : "";
    if (parsed.data !== null) state.data = parsed.data;
    state.formStale = true;
    checkNow();
  }, CHECK_DELAY);
  area.addEventListener("input", () => { setDirty(true); parse(); });
  clear(box).append(
    el("p", { class: "muted" }, "The same proposal as text. Comments and the order of fields are kept when you save, whichever view you edit."),
    problem, area);
  box.refresh = async () => { area.value = await currentText(); };
  box.parse = parse;
}

// ---- tabs

async function showTab(id) {
  const yaml = document.getElementById("yaml");
  if (state.tab === "yaml" && id !== "yaml" && yaml.parse.pending()) await yaml.parse.now();
  state.tab = id;
  for (const name of ["form", "yaml", "compare", "timeline"]) {
    document.getElementById(name).hidden = name !== id;
    document.getElementById(`tab-${name}`).setAttribute("aria-selected", String(name === id));
  }
  if (id === "yaml") await yaml.refresh();
  if (id === "form" && state.formStale) { state.formStale = false; drawForm(); }
  if (id === "compare") drawCompare();
  if (id === "timeline") drawTimeline();
}

function refreshViews() {
  checkNow();
  if (state.tab === "compare") drawCompare();
  if (state.tab === "timeline") drawTimeline();
}

let varyField = "provider.legal_form";

async function drawCompare() {
  const box = document.getElementById("compare");
  const choices = varyChoices(state.schema);
  const select = el("select", { id: "vary" }, choices.map((c) =>
    el("option", { value: c, selected: c === varyField }, c.split(".").map(label).join(" › "))));
  select.addEventListener("change", () => { varyField = select.value; drawCompare(); });
  const out = el("div", {}, el("p", { class: "muted" }, "Comparing…"));
  clear(box).append(el("div", { class: "view-tools" }, el("label", { for: "vary" }, "Vary"), select), out);
  try {
    // The default appraisal varies the legal form; another field over all its values.
    const vary = varyField === "provider.legal_form" ? []
      : [`${varyField}=${enumValues(varyField).join(",")}`];
    const c = await api.compare(await currentText(), { asAt: state.asAt, file: state.path, vary });
    renderCompare(out, state.schema, c);
  } catch (e) {
    clear(out).append(el("p", { class: "local-problem" }, problemWords(e)));
  }
}

function enumValues(field) {
  let node = state.schema;
  const resolve = (n) => {
    let x = n;
    while (x && x.$ref) x = x.$ref.replace(/^#\//, "").split("/").reduce((o, k) => o[k], state.schema);
    return x || {};
  };
  for (const part of field.split(".")) node = resolve((resolve(node).properties || {})[part]);
  return resolve(node).enum || [];
}

async function drawTimeline() {
  const box = document.getElementById("timeline");
  clear(box).append(el("p", { class: "muted" }, "Following the proposal through the changes of law…"));
  try {
    const t = await api.timeline(await currentText(), { file: state.path });
    renderTimeline(box, t);
  } catch (e) {
    clear(box).append(el("p", { class: "local-problem" }, problemWords(e)));
  }
}

function problemWords(e) {
  if (e instanceof ApiError && e.status === 422) {
    return `${e.message.replace(/^./, (c) => c.toUpperCase())}. Correct the proposal first: the form shows where.`;
  }
  return e.message;
}

// ---- saving

async function save(overwrite = null) {
  if (!state.path) return;
  say("Saving…");
  try {
    const text = await currentText();
    const done = await api.write(state.path, text, overwrite
      ? { etag: overwrite } : { etag: state.etag, create: state.isNew });
    state.etag = done.etag;
    state.isNew = false;
    setDirty(false);
    const valid = state.report && state.report.results[0].valid;
    say(`Saved ${state.path} at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`
      + (valid ? "." : ", but it is not yet a valid proposal: see the findings."), valid ? "good" : "bad");
  } catch (e) {
    if (e instanceof ApiError && e.status === 412) conflict(e.body || {});
    else say(`Not saved: ${e.message}`, "bad");
  }
}

function conflict(detail) {
  const dialog = el("dialog", { class: "conflict", id: "conflict" });
  const close = () => { dialog.close(); dialog.remove(); };
  dialog.append(
    el("h2", {}, state.isNew ? "A file with this name already exists" : "This file changed on disk"),
    el("p", {}, state.isNew
      ? "Someone or something has saved a file with this name since you started. Your proposal is not saved."
      : "Since you opened it, the file was changed, moved or deleted outside the workbench. Your changes are not saved yet."),
    el("div", { class: "choices-row" },
      el("button", { type: "button", onclick: close }, "Keep editing"),
      detail.etag ? el("button", { type: "button", onclick: async () => {
        close();
        const mine = await currentText();
        const disk = await api.read(state.path);
        showDiskVersion(disk.text, mine);
      } }, "Compare with the file on disk") : null,
      el("button", { type: "button", class: "danger", onclick: () => {
        close();
        if (detail.etag) save(detail.etag); else { state.isNew = true; save(); }
      } }, "Replace it with my version")));
  document.body.append(dialog);
  dialog.showModal();
  say("Not saved: the file changed on disk.", "bad");
}

function showDiskVersion(disk, mine) {
  const dialog = el("dialog", { class: "conflict wide" });
  dialog.append(el("h2", {}, "The file on disk, and your version"),
    el("div", { class: "two" },
      el("div", {}, el("h3", {}, "On disk now"), el("pre", {}, disk)),
      el("div", {}, el("h3", {}, "Yours, not saved"), el("pre", {}, mine))),
    el("div", { class: "choices-row" }, el("button", { type: "button", onclick: () => { dialog.close(); dialog.remove(); } }, "Close")));
  document.body.append(dialog);
  dialog.showModal();
}

// ---- report and training

async function download(format) {
  say("Making the report…");
  try {
    const { blob, name } = await api.report(await currentText(), { format, asAt: state.asAt, file: state.path });
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say(`Downloaded ${name}.`, "good");
  } catch (e) { say(`No report: ${e.message}`, "bad"); }
}

async function train() {
  try {
    const x = await api.explain(await currentText(), { asAt: state.asAt, file: state.path });
    training.open(x, state.data && state.data.title);
  } catch (e) { say(problemWords(e), "bad"); }
}

// ---------------------------------------------------------------- start

function route() {
  const m = /^#\/open\/(.+)$/.exec(location.hash);
  let path = null;
  try {
    path = m ? decodeURIComponent(m[1]) : null;
  } catch { /* a hand-made address that is not encoded: back to the list */ }
  if (path) openPath(path);
  else showList();
}

async function start() {
  training = new Training(document.getElementById("training"));
  document.getElementById("save").addEventListener("click", () => save());
  document.getElementById("report-html").addEventListener("click", () => download("html"));
  document.getElementById("report-md").addEventListener("click", () => download("markdown"));
  document.getElementById("train").addEventListener("click", () => train());
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s" && state.path) { e.preventDefault(); save(); }
  });
  try {
    [state.about, state.schema] = await Promise.all([api.about(), api.schema()]);
  } catch (e) {
    say(e.message, "bad");
    return;
  }
  useSchema(state.schema);
  document.getElementById("folder-name").textContent = state.about.folder;
  window.addEventListener("hashchange", route);
  route();
}

start();
