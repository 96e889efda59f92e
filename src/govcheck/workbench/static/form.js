// The proposal as a form, generated from the proposal schema: each field with its title
// and description as help, enums as choices with readable labels, dates with a date
// picker, lists that grow and shrink, and references chosen from the ids the proposal
// defines. The form edits `data` in place and says what changed; it never checks
// anything itself.

import { el, clear } from "./dom.js";
import { resolve, kind, label, enumLabels, singular, matches, escapePointer } from "./schema.js";

const NOT_STATED = "— not stated —";
let serial = 0;

export class ProposalForm {
  constructor(root, { schema, references, onChange }) {
    this.root = root;
    this.schema = schema;
    this.references = references || [];
    this.onChange = onChange;
    this.slots = new Map();      // JSON pointer -> the element findings for it go in
    this.rows = new Map();       // JSON pointer -> the field's row
    this.labels = new Map();     // JSON pointer -> its label, for the findings panel
    this.refSelects = [];        // reference choices, refreshed as ids change
    this.itemTitles = [];        // list items' headings, refreshed as names change
    this.data = {};
  }

  render(data) {
    this.data = data;
    this.slots.clear();
    this.rows.clear();
    this.labels.clear();
    this.refSelects = [];
    this.itemTitles = [];
    clear(this.root);
    const top = resolve(this.schema);
    const required = new Set(top.required || []);
    const props = top.properties || {};
    const scalars = Object.keys(props).filter((k) => !["object", "list"].includes(kind(props[k])));
    const general = el("fieldset", { class: "section", dataset: { pointer: "" } },
      el("legend", {}, "The proposal"));
    const rootSlot = el("div", { class: "field-findings section-findings" });
    general.append(rootSlot);
    this.slots.set("", rootSlot);
    this.labels.set("", "the proposal as a whole");
    for (const key of scalars) {
      if (kind(props[key]) === "const") continue;  // the format version: nothing to choose
      general.append(this.field(data, key, props[key], `/${escapePointer(key)}`, required.has(key)));
    }
    const extra = this.extras(data, props, "");
    if (extra) general.append(extra);
    this.root.append(general);
    for (const key of Object.keys(props)) {
      if (scalars.includes(key)) continue;
      this.root.append(this.section(data, key, props[key], `/${escapePointer(key)}`,
        required.has(key), 1));
    }
  }

  // A top-level or nested group: an object's fields, or a list of items.
  section(parent, key, node, pointer, required, depth) {
    const n = resolve(node);
    const k = kind(n);
    const present = parent[key] !== undefined;
    const box = el("fieldset", { class: depth === 1 ? "section" : "group", dataset: { pointer } });
    const heading = el("legend", {}, label(key),
      required ? el("span", { class: "req" }, "required") : null);
    box.append(heading);
    if (n.description) box.append(el("p", { class: "help" }, n.description));
    const slot = el("div", { class: "field-findings section-findings" });
    box.append(slot);
    this.slots.set(pointer, slot);
    this.labels.set(pointer, this.context(pointer, label(key)));
    this.rows.set(pointer, box);
    if (!present) {
      const what = k === "list" ? `Add ${article(singular(key))}` : `Add ${label(key).toLowerCase()}`;
      box.classList.add("absent");
      box.append(el("p", { class: "absent-note" }, "Not stated.",
        " ", el("button", { type: "button", class: "add", onclick: () => {
          parent[key] = k === "list" ? [{}] : {};
          this.onChange("structure");
        } }, what)));
      return box;
    }
    if (k === "list") {
      box.append(this.list(parent, key, n, pointer, depth));
    } else if (typeof parent[key] === "object" && parent[key] !== null && !Array.isArray(parent[key])) {
      const inner = parent[key];
      const props = n.properties || {};
      const req = new Set(n.required || []);
      for (const name of Object.keys(props)) {
        const sub = resolve(props[name]);
        const p = `${pointer}/${escapePointer(name)}`;
        if (kind(sub) === "object" || kind(sub) === "list") {
          box.append(this.section(inner, name, sub, p, req.has(name), depth + 1));
        } else {
          box.append(this.field(inner, name, sub, p, req.has(name)));
        }
      }
      const extra = this.extras(inner, props, pointer);
      if (extra) box.append(extra);
      if (!required) {
        box.append(el("div", { class: "group-tools" }, el("button", {
          type: "button", class: "remove", onclick: () => {
            delete parent[key];
            this.onChange("structure");
          } }, `Remove ${label(key).toLowerCase()}`)));
      }
    } else {
      box.append(el("p", { class: "absent-note" },
        "This part of the file is not laid out as the form expects; edit it in the YAML view."));
    }
    return box;
  }

  list(parent, key, node, pointer, depth) {
    const items = parent[key];
    const wrap = el("div", { class: "items" });
    if (!Array.isArray(items)) {
      wrap.append(el("p", { class: "absent-note" }, "Not a list here; edit it in the YAML view."));
      return wrap;
    }
    const itemNode = resolve(node.items);
    const props = itemNode.properties || {};
    const req = new Set(itemNode.required || []);
    const noun = singular(key);
    items.forEach((item, i) => {
      const p = `${pointer}/${i}`;
      const title = el("span", { class: "item-title" });
      const card = el("details", { class: "item", open: true, dataset: { pointer: p } },
        el("summary", {}, title));
      const refresh = () => { title.textContent = itemTitle(item, noun, i); };
      refresh();
      this.itemTitles.push(refresh);
      const slot = el("div", { class: "field-findings section-findings" });
      card.append(slot);
      this.slots.set(p, slot);
      this.labels.set(p, `${label(noun)} ${i + 1}`);
      this.rows.set(p, card);
      if (item && typeof item === "object" && !Array.isArray(item)) {
        for (const name of Object.keys(props)) {
          const sub = resolve(props[name]);
          const fp = `${p}/${escapePointer(name)}`;
          if (kind(sub) === "object" || kind(sub) === "list") {
            card.append(this.section(item, name, sub, fp, req.has(name), depth + 1));
          } else {
            card.append(this.field(item, name, sub, fp, req.has(name)));
          }
        }
        const extra = this.extras(item, props, p);
        if (extra) card.append(extra);
      } else {
        card.append(el("p", { class: "absent-note" }, "Not laid out as the form expects; edit it in the YAML view."));
      }
      card.append(el("div", { class: "group-tools" }, el("button", {
        type: "button", class: "remove", onclick: () => {
          items.splice(i, 1);
          if (!items.length && !(node.minItems > 0)) delete parent[key];
          this.onChange("structure");
        } }, `Remove this ${noun}`)));
      wrap.append(card);
    });
    wrap.append(el("button", { type: "button", class: "add", onclick: () => {
      items.push({});
      this.onChange("structure");
    } }, `Add ${article(noun)}`));
    return wrap;
  }

  // Keys the schema does not describe (x- notes, or mistakes): kept, and named.
  extras(obj, props, pointer) {
    if (!obj || typeof obj !== "object") return null;
    const others = Object.keys(obj).filter((k) => !(k in props));
    if (!others.length) return null;
    for (const k of others) {
      this.labels.set(`${pointer}/${escapePointer(k)}`, k);
    }
    return el("p", { class: "extras" }, "Also in the file, kept as written (edit them in the YAML view): ",
      others.map((k, i) => [i ? ", " : "", el("code", {}, k)]));
  }

  field(obj, key, node, pointer, required) {
    const n = resolve(node);
    const id = `f${++serial}`;
    const k = kind(n);
    const value = obj[key];
    let control;
    let after = null;
    const set = (v) => {
      if (v === undefined) delete obj[key];
      else obj[key] = v;
      this.onChange("value", pointer);
    };
    const reference = this.references.find((r) => matches(pointer, r.at));
    if (reference) {
      control = el("select", { id, name: pointer });
      this.refSelects.push({ select: control, reference, value: () => obj[key] });
      this.fillReference(control, reference, value);
      control.addEventListener("change", () => set(control.value === "" ? undefined : control.value));
    } else if (k === "const") {
      control = el("output", { id, class: "const" }, String(n.const));
    } else if (k === "enum") {
      const options = enumLabels(n);
      control = el("select", { id, name: pointer },
        el("option", { value: "" }, NOT_STATED),
        options.map((o) => el("option", { value: o.value, title: o.description,
          selected: o.value === value }, o.label)));
      if (value !== undefined && !options.some((o) => o.value === value)) {
        control.append(el("option", { value: String(value), selected: true }, `${value} (not an allowed value)`));
      }
      const meaning = el("p", { class: "meaning" });
      const explain = () => {
        const o = options.find((x) => x.value === control.value);
        meaning.textContent = o && o.description ? o.description : "";
      };
      explain();
      control.addEventListener("change", () => {
        explain();
        set(control.value === "" ? undefined : control.value);
      });
      after = meaning;
    } else if (k === "boolean") {
      control = el("select", { id, name: pointer },
        el("option", { value: "" }, NOT_STATED),
        el("option", { value: "true", selected: value === true }, "Yes"),
        el("option", { value: "false", selected: value === false }, "No"));
      if (value !== undefined && typeof value !== "boolean") {
        control.append(el("option", { value: "?", selected: true }, `${value} (write yes or no)`));
      }
      control.addEventListener("change", () => {
        if (control.value === "?") return;
        set(control.value === "" ? undefined : control.value === "true");
      });
    } else if (k === "integer" || k === "number") {
      control = el("input", { id, name: pointer, type: "number", inputmode: "numeric",
        step: k === "integer" ? "1" : "any", min: n.minimum, max: n.maximum,
        value: typeof value === "number" ? String(value) : "" });
      const hint = el("p", { class: "local-problem" });
      control.addEventListener("input", () => {
        if (control.validity.badInput) {
          hint.textContent = "Write a number, such as 240.";
          return;
        }
        hint.textContent = "";
        set(control.value === "" ? undefined : Number(control.value));
      });
      after = hint;
    } else if (k === "date") {
      control = el("input", { id, name: pointer, type: "date", value: typeof value === "string" ? value : "" });
      control.addEventListener("change", () => set(control.value === "" ? undefined : control.value));
    } else if (k === "choices") {
      const options = enumLabels(n.items);
      const chosen = new Set(Array.isArray(value) ? value : []);
      control = el("div", { class: "choices", id, role: "group" });
      const boxes = options.map((o) => {
        const box = el("input", { type: "checkbox", value: o.value, checked: chosen.has(o.value) });
        box.addEventListener("change", () => {
          const now = boxes.filter((b) => b.checked).map((b) => b.value);
          const unknown = Array.isArray(obj[key]) ? obj[key].filter((v) => !options.some((o2) => o2.value === v)) : [];
          const next = [...now, ...unknown];
          set(next.length ? next : undefined);
        });
        control.append(el("label", { class: "choice", title: o.description }, box, " ", o.label));
        return box;
      });
    } else {
      const long = (n.maxLength || 0) > 1000;
      const text = typeof value === "string" ? value : value === undefined ? "" : String(value);
      control = long
        ? el("textarea", { id, name: pointer, rows: 4 }, text)
        : el("input", { id, name: pointer, type: "text", value: text, spellcheck: "true" });
      control.addEventListener("input", () => set(control.value === "" ? undefined : control.value));
    }
    const help = n.description || "";
    const slot = el("div", { class: "field-findings" });
    const row = el("div", { class: "field", dataset: { pointer } },
      el("div", { class: "field-main" },
        el("label", { for: id }, label(key), required ? el("span", { class: "req" }, "required") : null),
        control, after,
        help ? el("p", { class: "help" }, help) : null,
        el("p", { class: "name" }, n.title || key)),
      slot);
    this.slots.set(pointer, slot);
    this.rows.set(pointer, row);
    this.labels.set(pointer, this.context(pointer, label(key)));
    return row;
  }

  fillReference(select, reference, value) {
    const ids = [];
    for (const list of reference.to) {
      for (const item of Array.isArray(this.data[list]) ? this.data[list] : []) {
        if (item && typeof item.id === "string" && item.id) ids.push({ id: item.id, name: item.name, list });
      }
    }
    clear(select);
    select.append(el("option", { value: "" }, NOT_STATED));
    for (const x of ids) {
      select.append(el("option", { value: x.id, selected: x.id === value },
        x.name ? `${x.name} (${x.id})` : x.id));
    }
    if (value !== undefined && !ids.some((x) => x.id === value)) {
      select.append(el("option", { value: String(value), selected: true }, `${value} (not an id in this proposal)`));
    }
    if (!ids.length) select.title = `Add ${reference.what} first: its id is chosen here.`;
  }

  // 'Legal form' -> 'Provider › Legal form', for the panel, where the form is not in view.
  context(pointer, name) {
    const parent = pointer.slice(0, pointer.lastIndexOf("/"));
    const above = parent ? this.labels.get(parent) : null;
    return above ? `${above} › ${name}` : name;
  }

  // After an edit: the choices of references follow the ids, item headings their names.
  refresh() {
    for (const r of this.refSelects) {
      if (document.activeElement === r.select) continue;
      this.fillReference(r.select, r.reference, r.value());
    }
    for (const f of this.itemTitles) f();
  }

  // Where a finding at `pointer` is shown: its field, or the nearest group holding it.
  slotFor(pointer) {
    let p = pointer || "";
    while (p && !this.slots.has(p)) p = p.slice(0, p.lastIndexOf("/"));
    return { pointer: p, slot: this.slots.get(p) || this.slots.get("") };
  }
}

function itemTitle(item, noun, i) {
  const name = item && typeof item === "object"
    ? item.name || item.person || item.description || item.rule || item.id : "";
  const n = `${label(noun)} ${i + 1}`;
  return name ? `${n}: ${name}` : n;
}

function article(noun) {
  return (/^[aeiou]/i.test(noun) ? "an " : "a ") + noun;
}
