// Training mode for a projector: large type, one finding at a time, the question first
// and the answer on a click. Forward: → Space Enter PageDown (a presenter's clicker);
// back: ← PageUp b; quit: Esc q. The steps are those of `govcheck explain --step`.

import { el, clear } from "./dom.js";

function lines(items) {
  const out = [];
  let list = null;
  for (const line of items) {
    if (line.style === "rule" || (!line.text && !line.style)) { list = null; continue; }
    if (line.style === "question") { out.push(el("h2", { class: "question" }, line.text)); list = null; continue; }
    if (["error", "warning", "info"].includes(line.style)) {
      out.push(el("h2", { class: `answer ${line.style}` }, line.text)); list = null; continue;
    }
    if (line.style === "label") { out.push(el("h3", {}, line.text)); list = null; continue; }
    const cls = [line.style, line.indent >= 4 ? "deep" : line.indent ? "indent" : ""].filter(Boolean).join(" ");
    if (line.style === "quote") { out.push(el("blockquote", {}, line.text)); continue; }
    if (line.indent && /^- /.test(line.text)) {
      if (!list) { list = el("ul", {}); out.push(list); }
      list.append(el("li", { class: cls }, line.text.slice(2)));
      continue;
    }
    list = null;
    out.push(el("p", { class: cls }, line.text));
  }
  return out;
}

export class Training {
  constructor(root) {
    this.root = root;
    this.onKey = (e) => this.key(e);
  }

  open(explanation, title) {
    this.x = explanation;
    this.title = title;
    this.index = 0;       // 0: the arrangement; 1..n: the findings
    this.revealed = false;
    this.root.hidden = false;
    document.body.classList.add("training-open");
    document.addEventListener("keydown", this.onKey);
    this.draw();
    this.root.focus();
  }

  close() {
    this.root.hidden = true;
    document.body.classList.remove("training-open");
    document.removeEventListener("keydown", this.onKey);
    clear(this.root);
  }

  get total() { return this.x.steps.length; }

  forward() {
    if (this.index > 0 && !this.revealed) { this.revealed = true; }
    else if (this.index < this.total) { this.index += 1; this.revealed = false; }
    this.draw();
  }

  back() {
    if (this.index > 0 && this.revealed) { this.revealed = false; }
    else if (this.index > 0) { this.index -= 1; this.revealed = this.index > 0; }
    this.draw();
  }

  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key;
    if (["ArrowRight", " ", "Enter", "PageDown", "n"].includes(k)) { e.preventDefault(); this.forward(); }
    else if (["ArrowLeft", "PageUp", "b", "p", "Backspace"].includes(k)) { e.preventDefault(); this.back(); }
    else if (k === "Escape" || k === "q") { e.preventDefault(); this.close(); }
  }

  draw() {
    clear(this.root);
    const slide = el("section", { class: "slide" });
    if (this.index === 0) {
      slide.append(el("p", { class: "kicker" }, "Training session"), ...lines(this.x.head));
      if (!this.x.valid) slide.append(...lines(this.x.foot));
      else if (!this.total) slide.append(...lines(this.x.foot));
    } else {
      const step = this.x.steps[this.index - 1];
      // Once answered, the question steps back (smaller) so the answer fits the screen.
      slide.append(el("div", { class: this.revealed ? "asked" : "asking" }, ...lines(step.ask)));
      if (this.revealed) {
        slide.append(el("div", { class: `reveal ${step.severity}` }, ...lines(step.tell)));
      } else {
        slide.append(el("button", { type: "button", class: "show-answer", onclick: () => this.forward() },
          "Show the answer"));
      }
    }
    const atEnd = this.index === this.total && (this.revealed || this.index === 0);
    const nav = el("nav", { class: "training-nav" },
      el("button", { type: "button", onclick: () => this.back(), disabled: this.index === 0 }, "← Back"),
      el("span", { class: "progress" }, this.index === 0 ? `${this.total} finding${this.total === 1 ? "" : "s"} to discuss` : `Finding ${this.index} of ${this.total}`),
      el("button", { type: "button", onclick: () => this.forward(), disabled: atEnd },
        this.index > 0 && !this.revealed ? "Answer →" : "Next →"),
      el("button", { type: "button", class: "quit", onclick: () => this.close() }, "Quit (Esc)"));
    this.root.append(el("header", { class: "training-title" }, this.title || ""), slide, nav);
    this.root.scrollTop = 0;
  }
}
