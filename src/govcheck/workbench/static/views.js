// The options appraisal as a matrix and the law over time as a timeline, from the
// answers of /api/compare and /api/timeline.

import { el, clear, ukDate } from "./dom.js";
import { enumLabels, resolve, label } from "./schema.js";

function valueLabels(schema, field) {
  let node = resolve(schema);
  for (const part of field.split(".")) {
    const name = part.replace(/\[\]$/, "");
    node = resolve((node.properties || {})[name] || {});
    if (part.endsWith("[]") || node.type === "array") node = resolve(node.items || {});
  }
  const out = {};
  for (const o of enumLabels(node)) out[o.value] = o.label;
  return out;
}

function optionName(schema, option) {
  const parts = Object.entries(option.set).map(([field, value]) => {
    const words = value === null ? "not stated" : (valueLabels(schema, field)[value] || String(value).replace(/_/g, " "));
    return Object.keys(option.set).length > 1 ? `${label(field.split(".").pop())}: ${words}` : words;
  });
  return parts.join("; ");
}

function counts(summary) {
  return el("span", { class: "counts" },
    el("span", { class: `n error${summary.error ? "" : " zero"}` }, `${summary.error} error${summary.error === 1 ? "" : "s"}`),
    el("span", { class: `n warning${summary.warning ? "" : " zero"}` }, `${summary.warning} warning${summary.warning === 1 ? "" : "s"}`));
}

// The singleton fields with a fixed set of values: what an appraisal can vary.
export function varyChoices(schema) {
  const out = [];
  const walk = (node, path) => {
    const n = resolve(node);
    for (const [key, sub] of Object.entries(n.properties || {})) {
      const s = resolve(sub);
      const p = path ? `${path}.${key}` : key;
      if (s.type === "object") walk(s, p);
      else if (s.enum) out.push(p);
    }
  };
  walk(schema, "");
  return out;
}

export function renderCompare(box, schema, c) {
  clear(box);
  box.append(el("p", { class: "lede" },
    `The proposal re-checked with ${c.vary.map((v) => v.field).join(" and ")} set to each value in turn`,
    c.as_at ? `, as at ${ukDate(c.as_at)}.` : "."));
  const table = el("table", { class: "matrix" });
  const head = el("tr", {}, el("th", { scope: "col" }, "Option"));
  c.options.forEach((o) => head.append(el("th", { scope: "col", class: o.as_proposed ? "proposed" : "" },
    optionName(schema, o), o.as_proposed ? el("span", { class: "badge" }, "as proposed") : null)));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const findingsRow = el("tr", { class: "totals" }, el("th", { scope: "row" }, "Under this proposal"));
  c.options.forEach((o) => findingsRow.append(el("td", { class: o.as_proposed ? "proposed" : "" },
    o.valid ? counts(o.summary) : "not valid")));
  body.append(findingsRow);
  for (const p of c.properties) {
    const row = el("tr", {}, el("th", { scope: "row" }, p.label));
    c.options.forEach((o) => {
      const v = o.facts[p.name];
      const word = v === null || v === undefined ? "not known" : v ? p.shown_true : p.shown_false;
      row.append(el("td", { class: `${v === true ? "yes" : v === false ? "no" : "unknown"}${o.as_proposed ? " proposed" : ""}` }, word));
    });
    body.append(row);
  }
  table.append(body);
  box.append(el("div", { class: "matrix-wrap" }, table));
  const apart = c.distinguishing || [];
  if (apart.length) {
    box.append(el("h3", {}, "What tells the options apart"));
    box.append(el("ul", { class: "apart" }, apart.map((d) => el("li", { class: d.severity },
      el("span", { class: "rule" }, d.rule), " ", d.title, " — ",
      el("span", { class: "under" }, `under ${d.options.map((i) => optionName(schema, c.options[i])).join(", ")}`)))));
  }
}

export function renderTimeline(box, t, { titles = {} } = {}) {
  clear(box);
  const fixed = (t.fixed_dates || []).map((d) => `${d.field} ${ukDate(d.value)}`);
  box.append(el("p", { class: "lede" },
    `The proposal checked as at each period between changes of law that touch it, from ${ukDate(t.from)} to ${ukDate(t.to)}.`,
    fixed.length ? ` Its own dates stay as stated: ${fixed.join(", ")}.` : ""));
  const known = { ...titles };
  for (const p of t.periods) for (const f of p.findings) known[f.rule] = f.title;
  const list = el("ol", { class: "timeline" });
  for (const p of t.periods) {
    const item = el("li", { class: "period" },
      el("div", { class: "when" }, `${ukDate(p.from)} – ${ukDate(p.to)}`),
      el("div", { class: "what" }, counts(p.summary)));
    if (p.instruments && p.instruments.length) {
      item.append(el("p", { class: "law" }, el("strong", {}, "Law that changed: "), p.instruments.join("; ")));
    }
    const changes = [
      ...p.appear.map((r) => ["appears", r]),
      ...p.disappear.map((r) => ["goes", r]),
      ...(p.changed || []).map((r) => ["changes", r]),
    ];
    if (changes.length) {
      item.append(el("ul", { class: "changes" }, changes.map(([what, r]) =>
        el("li", { class: what }, el("span", { class: "tag" }, what), " ",
          el("span", { class: "rule" }, r), " ", known[r] || ""))));
    }
    list.append(item);
  }
  box.append(list);
}
