// Reading the proposal schema for the form: what each field is called, what it means,
// what values it takes and how a person reads them.

let ROOT = null;

export function useSchema(schema) { ROOT = schema; }

export function resolve(node) {
  let n = node || {};
  let guard = 0;
  while (n.$ref && guard++ < 20) {
    const target = n.$ref.replace(/^#\//, "").split("/").reduce((o, k) => (o || {})[k], ROOT);
    const rest = { ...n };
    delete rest.$ref;
    n = { ...target, ...rest };
  }
  return n;
}

export function kind(node) {
  const n = resolve(node);
  if (n.const !== undefined) return "const";
  if (n.enum) return "enum";
  if (n.type === "string" && n.format === "date") return "date";
  if (n.type === "array") {
    const items = resolve(n.items);
    return items.type === "object" ? "list" : items.enum ? "choices" : "words";
  }
  return n.type || "string";
}

// Words a label writes in capitals or otherwise than the key does.
const WORDS = {
  nhs: "NHS", gp: "GP", gps: "GPs", cic: "CIC", id: "ID", dass: "DASS", psr: "PSR", vat: "VAT",
  tupe: "TUPE", cosop: "COSOP", pct: "PCT", icb: "ICB", ccg: "CCG", fsa: "FSA", fca: "FCA",
  cqc: "CQC", llp: "LLP", s113: "s.113", gbp: "(£)",
};

// 'legal_form' -> 'Legal form'; 'value_gbp' -> 'Value (£)'; 'as_at' -> 'As at'.
export function label(key) {
  const words = String(key).replace(/^x-/, "").split("_").filter(Boolean);
  return words.map((w, i) => {
    if (WORDS[w]) return WORDS[w];
    return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  }).join(" ");
}

// The readable name of each value of an enum: the start of its description, as the
// options appraisal names them ('Community interest company'), else the value in words.
export function enumLabels(node) {
  const n = resolve(node);
  const values = n.enum || [];
  const descriptions = n.enumDescriptions || [];
  return values.map((value, i) => {
    const description = descriptions[i] || "";
    let short = description;
    for (const cut of [":", " (", ","]) short = short.split(cut)[0];
    short = short.trim().replace(/\.$/, "");
    if (!short || short.length > 36) short = label(value);
    return { value, label: short, description };
  });
}

// 'commissioners' -> 'commissioner'; 'conflicts_of_interest' -> 'conflict of interest'.
export function singular(key) {
  const special = { bodies: "body", conflicts_of_interest: "conflict of interest",
    classes: "class", services: "service" };
  if (special[key]) return special[key];
  return label(key).toLowerCase().replace(/s$/, "");
}

// '/assets/2/from' matches '/assets/*/from'.
export function matches(pointer, pattern) {
  const a = pointer.split("/");
  const b = pattern.split("/");
  return a.length === b.length && b.every((part, i) => part === "*" ? /^\d+$/.test(a[i]) : part === a[i]);
}

export function escapePointer(key) {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}
