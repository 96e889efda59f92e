"""`govcheck timeline` for people: the periods between changes of law, what appears and
disappears at each boundary, and the law that changed there.

The first period lists its findings; each later one lists only what changed (so a board
sees changes, not noise). Markdown and html add a matrix of findings by period. Text
that came from the proposal goes through `textsafe.clean`, with markup escaping on top.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import SEVERITY_RANK, Finding
from ..periods import Period, Timeline
from ..textsafe import clean, guard_text
from .appraisal import fill, html_head, html_sources, md_head, md_rulebook, md_sources
from .base import law_reviewed_line, uk_date
from .html import e
from .markdown import md


def render(timeline: Timeline, fmt: str) -> str:
    """The timeline in one of: text, markdown, html, json."""
    if fmt == "json":
        return json.dumps(timeline.as_dict(), indent=2, ensure_ascii=False) + "\n"
    return {"text": text, "markdown": markdown, "html": page}[fmt](timeline)


def counts_words(counts: dict[str, int]) -> str:
    def n(k: str, word: str) -> str:
        return f"{counts[k]} {word}{'' if counts[k] == 1 or word == 'info' else 's'}"

    out = ", ".join([n("error", "error"), n("warning", "warning"), n("info", "info")])
    return out + (f", {counts['waived']} waived" if counts.get("waived") else "")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def fixed_words(t: Timeline) -> str:
    if not t.fixed_dates:
        return "The proposal states no event dates of its own; only the date of judgment moves."
    dates = ", ".join(f"{f} {v}" for f, v in t.fixed_dates)
    return f"The proposal's own dates stay as stated in every period: {dates}."


def _by_key(period: Period) -> dict[tuple[str, str], Finding]:
    return {(f.rule, f.location.path): f for f in period.result.findings}


def changes(before: Period, after: Period) -> list[tuple[str, Finding]]:
    """('+', finding) for each that appears, ('-', …) disappears, ('~', …) is reworded
    or changes severity or waiver; worst first."""
    old, new = _by_key(before), _by_key(after)
    out = [("+", f) for k, f in new.items() if k not in old]
    out += [("-", f) for k, f in old.items() if k not in new]
    out += [("~", f) for k, f in new.items() if k in old and f.as_dict() != old[k].as_dict()]
    return sorted(out, key=lambda x: (Finding.sort_key(x[1]), x[0]))


def unchanged(before: Period, after: Period) -> int:
    old, new = _by_key(before), _by_key(after)
    return sum(1 for k, f in new.items() if k in old and f.as_dict() == old[k].as_dict())


CHANGE_WORDS = {"+": "appears", "-": "disappears", "~": "changes"}


def headlines(period: Period) -> list[str]:
    """What happened on the period's first day, in the rulebook's words: the meaning of
    each named date it falls on, and of changes no instrument explains."""
    out = [c.means for c in period.law if c.means and (c.named_date or not c.references)]
    return list(dict.fromkeys(out))


# ---- text


def text(t: Timeline) -> str:
    out: list[str] = []
    w = out.append
    title = f" — {clean(t.title)}" if t.title else ""
    w(fill(f"{clean(t.file)}{title}", "", "  "))
    w(
        fill(
            f"Law over time, {t.start} to {t.end}: {_n(len(t.periods), 'period')} "
            f"(checked at {_n(len(t.checked_at), 'date')})."
        )
    )
    w(fill(clean(fixed_words(t))))
    if law_reviewed_line(t.book):
        w(law_reviewed_line(t.book) + ".")
    previous: Period | None = None
    for p in t.periods:
        w("")
        w(f"{p.start} to {p.end}   {counts_words(p.summary())}")
        if previous is None:
            if not p.result.findings:
                w("  no findings")
            for f in p.result.findings:
                w(_line(" ", f))
        else:
            for line in headlines(p):
                w(fill(f"{uk_date(p.start)}: {clean(line)}", "  ", "    "))
            if p.instruments:
                w(f"  the law that changed on {uk_date(p.start)}:")
                for ref in p.instruments:
                    w(fill(clean(ref), "    ", "      "))
            for mark, f in changes(previous, p):
                w(_line(mark, f))
            same = unchanged(previous, p)
            if same:
                w(f"  {same} finding{'s' if same != 1 else ''} as before")
        previous = p
    w("")
    w("+ appears, - disappears, ~ changes; messages: --format markdown, html or json")
    return guard_text("\n".join(out)) + "\n"


def _line(mark: str, f: Finding) -> str:
    waived = " [waived]" if f.waived else ""
    return fill(
        f"{mark} {f.severity.upper():<8} {f.rule:<9} {clean(f.title)}{waived}", "  ", " " * 23
    )


# ---- the matrix of findings by period (markdown and html)


def matrix(t: Timeline) -> list[tuple[Finding, list[str | None]]]:
    """One row per rule: (its first finding, its worst severity in each period or None)."""
    rows: dict[str, tuple[Finding, list[str | None]]] = {}
    for i, p in enumerate(t.periods):
        for f in p.result.findings:
            finding, cells = rows.setdefault(f.rule, (f, [None] * len(t.periods)))
            sev = "waived" if f.waived else f.severity
            if cells[i] is None or SEVERITY_RANK.get(sev, 3) < SEVERITY_RANK.get(cells[i], 3):
                cells[i] = sev
    return sorted(
        rows.values(), key=lambda r: (min(SEVERITY_RANK.get(c, 3) for c in r[1] if c), r[0].rule)
    )


def _span(p: Period) -> str:
    return f"{p.start} to {p.end}"


# ---- markdown


m = md  # proposal-derived text for Markdown: made inert (textsafe.clean), then escaped


def markdown(t: Timeline) -> str:
    out: list[str] = []
    w = out.append
    md_head(w, "Law over time", t.title or t.proposal or t.file, t.file, t.proposal)
    w(
        f"- Judged as at each day from {t.start} to {t.end}: {_n(len(t.periods), 'period')} "
        f"(checked at {_n(len(t.checked_at), 'date')}; periods with the same findings merged)"
    )
    w(f"- {m(fixed_words(t))}")
    w(md_rulebook(t.book) + "\n")
    w("## At a glance\n")
    w("| From | To | Errors | Warnings | Info | Appear | Disappear |")
    w("|---|---|---:|---:|---:|---|---|")
    for p in t.periods:
        n = p.summary()
        w(
            f"| {p.start} | {p.end} | {n['error']} | {n['warning']} | {n['info']} | "
            f"{', '.join(p.appear) or '—'} | {', '.join(p.disappear) or '—'} |"
        )
    w("\n## Findings by period\n")
    w("| Rule | Finding | " + " | ".join(_span(p) for p in t.periods) + " |")
    w("|---|---|" + "---|" * len(t.periods))
    for f, cells in matrix(t):
        w(f"| {f.rule} | {m(f.title)} | " + " | ".join(c or "—" for c in cells) + " |")
    first = t.periods[0]
    w(f"\n## From {uk_date(first.start)}\n")
    if not first.result.findings:
        w("No findings.\n")
    for f in first.result.findings:
        _md_finding(w, f, "")
    for before, p in zip(t.periods, t.periods[1:], strict=False):
        w(f"## From {uk_date(p.start)}\n")
        for line in headlines(p):
            w(f"*{m(line)}*\n")
        if p.instruments:
            w("**The law that changed:** " + "; ".join(m(r) for r in p.instruments) + "\n")
        for c in p.law:
            refs = f": {'; '.join(m(r) for r in c.references)}" if c.references else ""
            w(f"- {m(c.subject)} {c.event} on {uk_date(c.date)}{refs}")
        if p.law:
            w("")
        for mark, f in changes(before, p):
            _md_finding(w, f, CHANGE_WORDS[mark])
        same = unchanged(before, p)
        if same:
            w(f"{same} other finding{'s' if same != 1 else ''} as before.\n")
    return guard_text("\n".join(out)) + "\n"


def _md_finding(w: Any, f: Finding, change: str) -> None:
    lead = f"{change.capitalize()}: " if change else ""
    waived = " (waived)" if f.waived else ""
    w(f"### {lead}{f.severity.upper()} {f.rule}: {m(f.title)}{waived}\n")
    w(m(f.message) + "\n")
    if f.remedy and change != "disappears":
        w(f"**What to do:** {m(f.remedy)}\n")
    md_sources(w, f.sources)


# ---- html


def page(t: Timeline) -> str:
    heading = t.title or t.proposal or t.file
    out: list[str] = []
    w = out.append
    html_head(w, "Law over time", heading, t.file, t.proposal)
    w(
        f'<p class="meta">Judged as at each day from <b>{t.start}</b> to <b>{t.end}</b>: '
        f"{_n(len(t.periods), 'period')} (checked at {_n(len(t.checked_at), 'date')})</p>"
    )
    w(f'<p class="meta">{e(fixed_words(t))}</p>')
    if law_reviewed_line(t.book):
        w(f'<p class="meta">{e(law_reviewed_line(t.book))}</p>')
    w("</header>")
    w("<h2>Findings by period</h2>")
    w('<div class="wrap"><table class="matrix">\n<thead><tr><th>Rule</th><th>Finding</th>')
    for p in t.periods:
        w(f"<th>{p.start}<br>to {p.end}</th>")
    w("</tr></thead>\n<tbody>")
    w(
        "<tr><th>Count</th><th></th>"
        + "".join(f"<td>{e(counts_words(p.summary()))}</td>" for p in t.periods)
        + "</tr>"
    )
    for f, cells in matrix(t):
        w(f'<tr><th>{e(f.rule)}</th><td class="title">{e(f.title)}</td>')
        for c in cells:
            w(f'<td class="{c}">{e(c)}</td>' if c else '<td class="none">&mdash;</td>')
        w("</tr>")
    w("</tbody></table></div>")
    first = t.periods[0]
    w(f"<h2>From {e(uk_date(first.start))}</h2>")
    if not first.result.findings:
        w('<p class="none">No findings.</p>')
    for f in first.result.findings:
        _html_finding(w, f, "")
    for before, p in zip(t.periods, t.periods[1:], strict=False):
        w(f"<h2>From {e(uk_date(p.start))}</h2>")
        for line in headlines(p):
            w(f'<p class="summary-text">{e(line)}</p>')
        if p.instruments:
            w('<div class="law"><strong>The law that changed.</strong><ul>')
            for ref in p.instruments:
                w(f"<li>{e(ref)}</li>")
            w("</ul></div>")
        if p.law:
            w("<ul>")
            for c in p.law:
                refs = f": {'; '.join(e(r) for r in c.references)}" if c.references else ""
                w(f"<li>{e(c.subject)} {e(c.event)} on {e(uk_date(c.date))}{refs}</li>")
            w("</ul>")
        for mark, f in changes(before, p):
            _html_finding(w, f, CHANGE_WORDS[mark])
        same = unchanged(before, p)
        if same:
            w(f'<p class="meta">{same} other finding{"s" if same != 1 else ""} as before.</p>')
    version = t.tool.get("version", "")
    w(
        f'<footer class="colophon">Prepared with govcheck {e(version)}. Each period is an '
        "ordinary check of the proposal as at its first day; each finding names the source it "
        "rests on.</footer>\n</body>\n</html>"
    )
    return "\n".join(out) + "\n"


def _html_finding(w: Any, f: Finding, change: str) -> None:
    kind = "waived" if f.waived else f.severity
    w(f'<article class="finding {kind}">')
    lead = f"{e(change.capitalize())}: " if change else ""
    w(
        f'<h4>{lead}<span class="badge {f.severity}">{e(f.severity)}</span>'
        f'<span class="rid">{e(f.rule)}</span>{e(f.title)}</h4>'
    )
    w(f'<p class="message">{e(f.message)}</p>')
    if f.remedy and change != "disappears":
        w(f'<div class="todo"><strong>What to do.</strong> {e(f.remedy)}</div>')
    html_sources(w, f.sources)
    w("</article>")
