"""`govcheck compare` for people: a matrix of options for a terminal, a board paper or a page.

Options are columns (in markdown and html; rows on an 80-column terminal, where fourteen
columns would not fit), the properties the seeds' appraisals weigh and the topics of the
findings are rows; then the findings that tell the options apart, what else each
option would need to change, and where each property's answer comes from.

Text that came from the proposal or the command line (file name, title, field values,
messages) goes through `textsafe.clean`, and markup escaping comes on top of that.
"""

from __future__ import annotations

import json
import textwrap
from functools import lru_cache
from typing import Any

from ..appraisal import AlsoChange, Comparison, Option, spelled
from ..conditions import MISSING, show
from ..model import TOPICS, Finding
from ..rulebook import Property
from ..textsafe import clean, guard_text
from .base import as_at_origin, cite, law_reviewed_line, uk_date
from .board import topic_title
from .html import CSS as MEMO_CSS
from .html import e
from .markdown import md

WIDTH = 80
MARK = {True: "y", False: "n", None: "?"}
SEVERITY_LETTER = {"error": "E", "warning": "W", "info": "I"}


def render(comparison: Comparison, fmt: str) -> str:
    """The comparison in one of: text, markdown, html, json."""
    if fmt == "json":
        return json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n"
    return {"text": text, "markdown": markdown, "html": page}[fmt](comparison)


# ---- words shared by the formats


def answer(prop: Property, value: bool | None) -> str:
    if value is None:
        return "not known"
    return prop.shown_true if value else prop.shown_false


def varied_words(c: Comparison) -> str:
    return "; ".join(v.field for v in c.vary)


def dated_words(c: Comparison) -> str:
    if c.as_at is None:
        return "each option at its own date"
    return f"as at {uk_date(c.as_at)} ({as_at_origin(c.as_at_origin)})"


@lru_cache(maxsize=64)
def _value_labels(path: str) -> dict[str, str]:
    """Readable names of a field's values, from the proposal schema's descriptions:
    'community_interest_company' -> 'Community interest company'."""
    from ..fields import enum_descriptions
    from ..fields import resolve as resolve_ref
    from ..resources import proposal_schema

    schema = proposal_schema()

    def resolve(sub: dict[str, Any]) -> dict[str, Any]:
        return resolve_ref(schema, sub)

    node: dict[str, Any] = schema
    for part in path.split("."):
        node = resolve(node)
        if part.endswith("[]"):
            node = resolve(node.get("properties", {}).get(part[:-2], {})).get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    node = resolve(node)
    out = {}
    for value, words in enum_descriptions(node).items():
        short = words
        for cut in (":", " (", ","):
            short = short.split(cut, 1)[0]
        short = short.strip().rstrip(".")
        if not short or len(short) > 36:  # a column heading, not a definition
            short = value.replace("_", " ").capitalize()
        out[value] = short
    return out


def option_title(c: Comparison, option: Option) -> str:
    """The option as a board reads it: 'Community interest company', or for several
    fields 'legal form: Community interest company; route: direct award'."""
    parts = []
    for name, value in option.set.items():
        word = _value_labels(name).get(value, "") if isinstance(value, str) else ""
        word = word or ("not stated" if spelled(value) == "~" else spelled(value).replace("_", " "))
        parts.append(word if len(option.set) == 1 else f"{_short(name)}: {word}")
    return "; ".join(parts)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1].replace("_", " ")


def change_words(change: AlsoChange) -> str:
    if not change.fields:
        return "nothing else: under this proposal the option itself is at fault"
    items = []
    for f in change.fields:
        value = "not stated" if f.value is MISSING else show(f.value)
        where = f", line {f.line}" if f.line else ""
        items.append(f"{f.field} ({value}{where})")
    lead = "change " if len(items) == 1 else "change one of "
    return lead + ", ".join(items)


def topics_of(c: Comparison) -> list[str]:
    present = {f.topic for o in c.options for f in o.result.findings}
    order = {t: i for i, t in enumerate(TOPICS)}
    return sorted(present, key=lambda t: (order.get(t, 99), t))


def topic_cell(option: Option, topic: str) -> str:
    seen: dict[str, str] = {}
    for f in option.result.findings:
        if f.topic == topic and f.rule not in seen:
            seen[f.rule] = SEVERITY_LETTER[f.severity] + (" waived" if f.waived else "")
    return ", ".join(f"{rule} {sev}" for rule, sev in seen.items())


def _under(c: Comparison, indices: tuple[int, ...]) -> str:
    return ", ".join(c.options[i].label for i in indices)


# ---- text


def text(c: Comparison) -> str:
    out: list[str] = []
    w = out.append
    title = f" — {clean(c.title)}" if c.title else ""
    w(fill(f"{clean(c.file)}{title}", "", "  "))
    w(
        fill(
            f"Options appraisal of {clean(varied_words(c))}: {len(c.options)} options, "
            f"{dated_words(c)}."
        )
    )
    if law_reviewed_line(c.book):
        w(law_reviewed_line(c.book) + ".")
    w("")
    props = c.properties
    letters = [_letter(i) for i in range(len(props))]
    fixed = 10 + 2 * len(props)
    labels = [clean(o.label) + (" *" if o.as_proposed else "") for o in c.options]
    width = max(12, min(max(len(x) for x in labels) + 1, WIDTH - fixed - 1))
    w(f"{'':{width}} findings  properties (key below)")
    w(f"{'option':{width}}  E  W  I  " + " ".join(letters))
    for label, o in zip(labels, c.options, strict=True):
        n = o.summary()
        cells = " ".join(MARK[o.facts.get(p.name)] for p in props)
        w(
            f"{_cut(label, width):{width}} {n['error']:>2} {n['warning']:>2} {n['info']:>2}  "
            + cells
        )
    w("")
    w("* as proposed;  y yes, n no, ? not known (each answer rests on a derived fact)")
    for letter, p in zip(letters, props, strict=True):
        hedge = ""
        if (p.shown_true, p.shown_false) != ("yes", "no"):
            hedge = f" (y {p.shown_true}, n {p.shown_false})"
        w(fill(f"{letter} {p.label}{hedge}", "  "))
    distinctions = c.distinctions()
    w("")
    w("What tells the options apart")
    if not distinctions:
        w("  nothing: every option has the same findings")
    for d in distinctions:
        w(fill(f"{d.severity.upper():<8} {d.rule:<9} {clean(d.title)}", "  ", " " * 21))
        w(fill("under: " + clean(_under(c, d.options)), " " * 21))
    common = c.common()
    if common:
        w("")
        w("Under every option")
        for f in common:
            w(fill(f"{f.severity.upper():<8} {f.rule:<9} {clean(f.title)}", "  ", " " * 21))
    changes = [(o, o.also_change) for o in c.options if o.also_change]
    if changes:
        w("")
        w("What else would have to change (the errors under each option)")
        for o, items in changes:
            w(f"  {clean(o.label)}")
            for a in items:
                w(fill(f"{a.rule:<9} {clean(change_words(a))}", "    ", " " * 14))
    w("")
    w(
        fill(
            "Each answer's source, and each finding's message and source: "
            "--format markdown, html or json."
        )
    )
    return guard_text("\n".join(out)) + "\n"


def _letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i] if i < 26 else f"{i}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fill(text: str, first: str = "", rest: str | None = None) -> str:
    """`text` (already made inert) wrapped at 80 columns with these indents."""
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=first if rest is None else rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


# ---- markdown


m = md  # proposal-derived text for Markdown: made inert (textsafe.clean), then escaped


def markdown(c: Comparison) -> str:
    out: list[str] = []
    w = out.append
    md_head(w, "Options appraisal", c.title or c.proposal or c.file, c.file, c.proposal)
    w(f"- Judged {m(dated_words(c))}")
    proposed = [option_title(c, o) for o in c.options if o.as_proposed]
    as_proposed = f"; as proposed: {m(proposed[0])}" if proposed else ""
    w(f"- Varied: {m(varied_words(c))} ({len(c.options)} options{as_proposed})")
    w(md_rulebook(c.book) + "\n")
    w("## The options side by side\n")
    heads = [m(option_title(c, o)) + (" (as proposed)" if o.as_proposed else "") for o in c.options]
    w("| | " + " | ".join(heads) + " |")
    w("|---|" + "---|" * len(c.options))
    for sev, name in (("error", "Errors"), ("warning", "Warnings"), ("info", "Info")):
        w(f"| **{name}** | " + " | ".join(str(o.summary()[sev]) for o in c.options) + " |")
    w("| **Properties** |" + " |" * len(c.options))
    for p in c.properties:
        w(
            f"| {m(p.label)} | "
            + " | ".join(_md_answer(p, o.facts.get(p.name)) for o in c.options)
            + " |"
        )
    topics = topics_of(c)
    if topics:
        w("| **Findings by topic** |" + " |" * len(c.options))
    for t in topics:
        w(f"| {topic_title(t)} | " + " | ".join(topic_cell(o, t) or "—" for o in c.options) + " |")
    w(
        "\n? not known; E error, W warning, I info. Each property's answer rests on a derived "
        "fact of the rulebook; its sources are listed at the end.\n"
    )
    w("## What tells the options apart\n")
    distinctions = c.distinctions()
    if not distinctions:
        w("Nothing: every option has the same findings.\n")
    for d in distinctions:
        w(f"### {d.severity.upper()} {d.rule}: {m(d.title)}\n")
        under = ", ".join(m(option_title(c, c.options[i])) for i in d.options)
        others = len(c.options) - len(d.options)
        w(f"Under: {under} (not under the other {others}).\n")
        _md_finding(w, d.example, f"Under {option_title(c, c.options[d.options[0]])}")
    common = c.common()
    if common:
        w("## Under every option\n")
        for f in common:
            w(f"- **{f.severity.upper()} {f.rule}**: {m(f.title)}")
        w("")
    changes = [o for o in c.options if o.also_change]
    if changes:
        w("## What else would have to change\n")
        w(
            "For each option with errors, the other fields each error reads: one of them "
            "would have to change too.\n"
        )
        for o in changes:
            w(f"### {m(option_title(c, o))}\n")
            for a in o.also_change:
                w(f"- **{a.rule}** ({m(a.title)}): {m(change_words(a))}")
            w("")
    w("## Where the properties come from\n")
    definitions = c.fact_definitions()
    for p in c.properties:
        w(f"### {m(p.label)}\n")
        for value, names in ((True, p.true_if), (False, p.false_if)):
            for name in names:
                d = definitions[name]
                when = _dates(d)
                w(f"- **{answer(p, value)}** when {m(d['means'])} (fact `{name}`{when})")
                for s in d["sources"]:
                    quote = f"“{m(s['quote'])}” — " if s.get("quote") else ""
                    w(f"  - {quote}{m(cite(s))}")
        w("")
    return guard_text("\n".join(out)) + "\n"


def _md_answer(prop: Property, value: bool | None) -> str:
    return "?" if value is None else answer(prop, value)


def _dates(definition: dict[str, Any]) -> str:
    start, stop = definition.get("valid_from"), definition.get("valid_to")
    if start and stop:
        return f", from {start} to {stop}"
    if start:
        return f", from {start}"
    if stop:
        return f", to {stop}"
    return ""


def _md_finding(w: Any, f: Finding, lead: str) -> None:
    w(f"{m(lead)}: {m(f.message)}\n")
    if f.remedy:
        w(f"**What to do:** {m(f.remedy)}\n")
    md_sources(w, f.sources)


def md_head(w: Any, kind: str, heading: str, file: str, proposal: str | None) -> None:
    """The memo's title and its first list items: the file and the proposal's id."""
    w(f"# {kind}: {m(heading)}\n")
    w(f"- File: {m(file)}")
    if proposal:
        w(f"- Proposal id: {m(proposal)}")


def md_rulebook(book: dict[str, Any]) -> str:
    """The Markdown list item naming the rulebook: its rule count, digest and law review."""
    reviewed = law_reviewed_line(book)
    tail = f"; {reviewed[0].lower()}{reviewed[1:]}" if reviewed else ""
    return f"- Rulebook: {book.get('rules', '?')} rules, {m(book.get('digest', ''))}{tail}"


def md_sources(w: Any, sources: list[dict[str, Any]]) -> None:
    """A finding's sources as Markdown block quotes: the quote, then who says it."""
    for s in sources:
        if s.get("quote"):
            w(f"> {m(s['quote'])}\n>")
        w(f"> — {m(cite(s))}\n")


# ---- html


# The memo stylesheet of `--format html`, plus what a matrix of options or periods and
# its findings need. Shared by the timeline page.
SCENARIO_CSS = (
    MEMO_CSS
    + """
body { max-width: 92rem; }
.nw { white-space: nowrap; }
.wrap { overflow-x: auto; }
table.matrix { border-collapse: collapse; font-size: 8.5pt; margin: .6rem 0; }
table.matrix th, table.matrix td { border: 1px solid var(--rule); padding: .2rem .35rem;
  vertical-align: top; text-align: center; }
table.matrix th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap;
  background: #f7f8fa; position: sticky; left: 0; }
table.matrix thead th { background: #f4f5f7; font-weight: 600; }
table.matrix tr.group th { background: #e9ebef; font-weight: 700; text-align: left; }
table.matrix th.proposed { outline: 2px solid var(--ink); }
td.yes { background: #e8f3ea; } td.no { background: #f6e9e9; } td.unknown { color: var(--muted); }
td.errors { color: var(--error); font-weight: 700; } td.zero { color: var(--muted); }
td.error { background: #f6e0e0; color: var(--error); font-weight: 700; }
td.warning { background: #fbf0dc; color: var(--warning); }
td.info { background: #e6eef8; color: var(--info); }
td.waived { color: var(--waived); } td.none { color: var(--muted); }
table.matrix td.title { text-align: left; }
.under, .where { font-size: 9.5pt; color: var(--muted); }
.rid { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9.5pt;
  color: var(--muted); margin-right: .35rem; }
.badge { margin-right: .35rem; }
.message { margin: .3rem 0 .45rem; }
.law { background: #f4f7fb; border: 1px solid #d6e0ee; padding: .35rem .6rem; margin: .4rem 0; }
blockquote { margin: .35rem 0 .35rem .2rem; padding: .05rem 0 .05rem .8rem;
  border-left: 2px solid var(--rule); }
blockquote p { margin: 0; font-style: italic; }
blockquote footer { font-family: "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif;
  font-size: 8.5pt; color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
@media print { body { max-width: none; } }
"""
)


def html_head(
    w: Any, kind: str, heading: str, file: str, proposal: str | None, css: str = ""
) -> None:
    """The page's head and the memo header's first lines: kind, heading, file, proposal."""
    w('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{kind}: {e(heading)}</title>")
    w(f"<style>{SCENARIO_CSS}{css}</style>\n</head>\n<body>")
    w(f'<header class="memo">\n<p class="kicker">{kind}</p>')
    w(f"<h1>{e(heading)}</h1>")
    w(
        f'<p class="meta">File <b>{e(file)}</b>'
        + (f" &middot; proposal id <b>{e(proposal)}</b>" if proposal else "")
        + "</p>"
    )


def html_sources(w: Any, sources: list[dict[str, Any]]) -> None:
    """Sources as block quotes: the quote in italics, then who says it and where."""
    for s in sources:
        quote = f"<p>\u201c{e(s['quote'])}\u201d</p>" if s.get("quote") else ""
        w(f"<blockquote>{quote}<footer>{e(cite(s))}</footer></blockquote>")


def page(c: Comparison) -> str:
    heading = c.title or c.proposal or c.file
    out: list[str] = []
    w = out.append
    html_head(w, "Options appraisal", heading, c.file, c.proposal, "@page { size: A4 landscape; }")
    w(
        f'<p class="meta">Judged {e(dated_words(c))} &middot; varied <b>{e(varied_words(c))}'
        f"</b>, {len(c.options)} options</p>"
    )
    if law_reviewed_line(c.book):
        w(f'<p class="meta">{e(law_reviewed_line(c.book))}</p>')
    w("</header>")
    w("<h2>The options side by side</h2>")
    w('<div class="wrap"><table class="matrix">\n<thead><tr><th scope="col"></th>')
    for o in c.options:
        cls = ' class="proposed"' if o.as_proposed else ""
        note = "<br><small>as proposed</small>" if o.as_proposed else ""
        w(f'<th scope="col"{cls}>{e(option_title(c, o))}{note}</th>')
    w("</tr></thead>\n<tbody>")
    for sev, name in (("error", "Errors"), ("warning", "Warnings"), ("info", "Info")):
        w(f'<tr><th scope="row">{name}</th>')
        for o in c.options:
            n = o.summary()[sev]
            cls = "zero" if n == 0 else ("errors" if sev == "error" else "")
            w(f'<td class="{cls}">{n}</td>')
        w("</tr>")
    span = len(c.options) + 1
    w(f'<tr class="group"><th colspan="{span}">Properties</th></tr>')
    for p in c.properties:
        w(f'<tr><th scope="row">{e(p.label)}</th>')
        for o in c.options:
            value = o.facts.get(p.name)
            cls = {True: "yes", False: "no", None: "unknown"}[value]
            basis = ", ".join(o.facts_from.get(p.name, ()))
            shown = "?" if value is None else e(answer(p, value))
            w(f'<td class="{cls}" title="{e(basis or "not known")}">{shown}</td>')
        w("</tr>")
    topics = topics_of(c)
    if topics:
        w(f'<tr class="group"><th colspan="{span}">Findings by topic</th></tr>')
    for t in topics:
        w(f'<tr><th scope="row">{e(topic_title(t))}</th>')
        for o in c.options:
            cell = " ".join(
                f'<span class="nw">{e(x)}</span>' for x in topic_cell(o, t).split(", ") if x
            )
            w(f"<td>{cell or '&mdash;'}</td>")
        w("</tr>")
    w("</tbody></table></div>")
    w(
        '<p class="meta">? not known; E error, W warning, I info. Each property\'s answer rests '
        "on a derived fact of the rulebook; hover over an answer for its fact, and see the "
        "sources at the end.</p>"
    )
    w("<h2>What tells the options apart</h2>")
    distinctions = c.distinctions()
    if not distinctions:
        w('<p class="none">Nothing: every option has the same findings.</p>')
    for d in distinctions:
        f = d.example
        w(f'<article class="finding {d.severity}">')
        w(
            f'<h4><span class="badge {d.severity}">{e(d.severity)}</span>'
            f'<span class="rid">{e(d.rule)}</span>{e(d.title)}</h4>'
        )
        under = ", ".join(e(option_title(c, c.options[i])) for i in d.options)
        w(
            f'<p class="under">Under: {under} (not under the other '
            f"{len(c.options) - len(d.options)})</p>"
        )
        first = option_title(c, c.options[d.options[0]])
        w(f'<p class="message">Under {e(first)}: {e(f.message)}</p>')
        if f.remedy:
            w(f'<div class="todo"><strong>What to do.</strong> {e(f.remedy)}</div>')
        html_sources(w, f.sources)
        w("</article>")
    common = c.common()
    if common:
        w("<h2>Under every option</h2>\n<ul>")
        for f in common:
            w(f"<li><b>{e(f.severity.upper())} {e(f.rule)}</b>: {e(f.title)}</li>")
        w("</ul>")
    changes = [o for o in c.options if o.also_change]
    if changes:
        w("<h2>What else would have to change</h2>")
        w(
            "<p>For each option with errors, the other fields each error reads: one of them "
            "would have to change too.</p>"
        )
        for o in changes:
            w(f"<h3>{e(option_title(c, o))}</h3>\n<ul>")
            for a in o.also_change:
                w(f"<li><b>{e(a.rule)}</b> ({e(a.title)}): {e(change_words(a))}</li>")
            w("</ul>")
    w("<h2>Where the properties come from</h2>")
    definitions = c.fact_definitions()
    for p in c.properties:
        w(f"<h3>{e(p.label)}</h3>\n<ul>")
        for value, names in ((True, p.true_if), (False, p.false_if)):
            for name in names:
                d = definitions[name]
                w(
                    f"<li><b>{e(answer(p, value))}</b> when {e(d['means'])} "
                    f'<span class="meta">(fact <code>{e(name)}</code>{e(_dates(d))})</span>'
                )
                html_sources(w, d["sources"])
                w("</li>")
        w("</ul>")
    version = c.tool.get("version", "")
    w(
        f'<footer class="colophon">Prepared with govcheck {e(version)}. Each option is an '
        "ordinary check of the proposal with the varied field changed; each answer and finding "
        "names the source it rests on.</footer>\n</body>\n</html>"
    )
    return "\n".join(out) + "\n"


__all__ = ["markdown", "page", "render", "text"]
