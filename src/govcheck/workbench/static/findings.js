// Findings as a governance lead reads them: the verdict at the top, each finding beside
// the field it points at (severity, message, what to do; then why, the "because" chain
// and the sources with their quotes), and a panel listing them all.

import { el, clear, ukDate } from "./dom.js";

const SEVERITY = { error: "Error", warning: "Warning", info: "Point to note" };

export function severityName(f) {
  if (f.topic === "schema") return "Correct this";
  if (f.waived) return `Waived ${SEVERITY[f.severity].toLowerCase()}`;
  return SEVERITY[f.severity] || f.severity;
}

export function findingKey(f) {
  return `${f.rule} ${f.location.path}`;
}

// Where the form shows a finding: a missing required field at the field itself.
export function findingPointer(f) {
  const m = /is missing the required field `([^`]+)`/.exec(f.message || "");
  if (f.topic === "schema" && m) return `${f.location.path}/${m[1]}`;
  return f.location.path || "";
}

// As govcheck.render.base.source_label: a citation that began after the date that decided
// the finding is marked as later law, so nobody takes it for the law of the day.
function laterLaw(s) {
  if (!s.later) return "";
  if (s.kind === "guidance") return "Later guidance: ";
  return `Later law, from ${ukDate(s.applies_from)}: `;
}

function sourceLabel(s) {
  if (s.reference) return laterLaw(s) + s.reference;
  return laterLaw(s) + [s.title || s.document, s.section].filter(Boolean).join(", ");
}

function sourcePlace(s) {
  if (s.file) return `${s.file} line ${s.line}`;
  return "";
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch { return null; }
}

export function waiverLine(w) {
  const line = `waived until ${ukDate(w.expires)} by ${w.approved_by}: ${w.reason}`;
  return line.charAt(0).toUpperCase() + line.slice(1);
}

export function findingCard(f, { open = false, where = null } = {}) {
  const cls = f.topic === "schema" ? "schema" : f.waived ? "waived" : f.severity;
  const card = el("article", { class: `finding ${cls}`, dataset: { key: findingKey(f), rule: f.rule } },
    el("header", {},
      el("span", { class: "sev" }, severityName(f)),
      f.topic !== "schema" ? el("span", { class: "rule" }, f.rule) : null,
      where ? el("span", { class: "where" }, where) : null),
    f.topic !== "schema" ? el("h4", {}, f.title) : null,
    el("p", { class: "message" }, f.message),
    f.waived ? el("p", { class: "waiver" }, waiverLine(f.waived)) : null,
    f.remedy && f.topic !== "schema"
      ? el("p", { class: "remedy" }, el("strong", {}, "What to do: "), f.remedy) : null);
  const more = [];
  if (f.why) more.push(el("h5", {}, "Why it matters"), el("p", {}, f.why));
  if (f.because && f.because.length) {
    more.push(el("h5", {}, "Because"), el("ul", { class: "because" },
      f.because.map((b) => {
        const derived = b.startsWith("derived: ");
        return el("li", { class: derived ? "derived" : "" },
          derived ? [el("span", { class: "tag" }, "derived"), " ", b.slice(9)] : b);
      })));
  }
  if (f.sources && f.sources.length) {
    more.push(el("h5", {}, f.sources.length > 1 ? "Sources" : "Source"), el("ul", { class: "sources" },
      f.sources.map((s) => {
        const url = s.url ? safeUrl(s.url) : null;
        return el("li", {},
          el("cite", {}, sourceLabel(s)),
          s.kind ? el("span", { class: "kind" }, s.kind.replace("-", " ")) : null,
          s.quote ? el("blockquote", {}, `“${s.quote}”`) : null,
          sourcePlace(s) ? el("span", { class: "place" }, sourcePlace(s)) : null,
          url ? el("a", { class: "place", href: url, target: "_blank", rel: "noopener noreferrer" }, url) : null);
      })));
  }
  if (f.topic === "schema" && f.remedy) more.push(el("p", { class: "remedy" }, f.remedy));
  if (more.length) {
    card.append(el("details", { class: "more", open },
      el("summary", {}, f.topic === "schema" ? "More" : "Why, because, sources"), more));
  }
  return card;
}

export function renderVerdict(box, report) {
  clear(box);
  const v = report.verdict;
  const result = report.results[0];
  box.className = `verdict ${v.status}`;
  box.append(el("p", { class: "headline" }, v.headline));
  if (v.aside) box.append(el("p", { class: "aside" }, v.aside));
  const law = report.rulebook && report.rulebook.law_reviewed_to;
  const facts = [];
  if (result.as_at) facts.push(`Judged as at ${ukDate(result.as_at)}`);
  if (law) facts.push(`law reviewed to ${ukDate(law)}`);
  if (facts.length) box.append(el("p", { class: "dates" }, facts.join(" · ")));
}

const GROUPS = [
  ["schema", "To correct before it can be checked", (f) => f.topic === "schema"],
  ["error", "Unresolved errors", (f) => f.topic !== "schema" && !f.waived && f.severity === "error"],
  ["warning", "Warnings to answer", (f) => !f.waived && f.severity === "warning"],
  ["info", "Points to note", (f) => !f.waived && f.severity === "info"],
  ["waived", "Waived: accepted risks", (f) => Boolean(f.waived)],
];

export function renderPanel(panel, report, { labelFor, onPick }) {
  clear(panel);
  const result = report.results[0];
  const findings = result.findings;
  panel.append(el("h2", {}, "Findings", el("span", { class: "count" }, String(findings.length))));
  if (!findings.length) {
    panel.append(el("p", { class: "none" }, "No findings: no rule in force on this date fired on this proposal."));
    return;
  }
  for (const [cls, title, test] of GROUPS) {
    const chosen = findings.filter(test);
    if (!chosen.length) continue;
    panel.append(el("h3", { class: cls }, title));
    panel.append(el("ol", { class: `panel-list ${cls}` }, chosen.map((f) =>
      el("li", {}, el("button", { type: "button", class: "pick", dataset: { key: findingKey(f) },
        onclick: () => onPick(f) },
      el("span", { class: "title" }, f.topic === "schema" ? f.message : f.title),
      el("span", { class: "at" }, labelFor(f)))))));
  }
}
