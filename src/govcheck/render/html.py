"""`--format html`: one self-contained page a board member can read as it is.

The page leads with the verdict in plain words, the proposal's summary and the dates;
then the findings, unresolved errors first (the order and words come from
`render.board`, shared with the Markdown memo); the machine references are in an
appendix. No scripts, no external fonts, stylesheets or images: everything is inline, so
the page opens offline and fetches nothing. All text goes through
`govcheck.textsafe.clean` and then `html.escape`. The print stylesheet sets A4 pages
with the report date and page numbers in the margin, and lets findings flow across
pages rather than pushing each to a page of its own. Results are spooled as they
arrive, so a batch's overview can still come first.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..model import Result, Summary
from ..textsafe import clean
from . import board
from .base import uk_date


def e(text: Any) -> str:
    """Any text, made inert for HTML: unsafe characters shown as escapes, then escaped."""
    return html.escape(clean(str(text).strip(" \t\n")), quote=True)


CSS = """
:root { --ink:#1b1b1b; --muted:#555b63; --rule:#c9ccd1; --paper:#fff;
  --error:#a4161a; --warning:#8a5200; --info:#1d4f91; --waived:#4b5563; --ok:#1e6b34; }
* { box-sizing: border-box; }
html { background:#eceef1; }
body { margin:0 auto; max-width: 52rem; background:var(--paper); color:var(--ink);
  font-family: Georgia, "Times New Roman", "Liberation Serif", serif; font-size: 11pt;
  line-height:1.4; padding: 2rem 3rem 2.5rem; }
.sans, .kicker, .kind, .label, table, .group, .meta, .num, .place, footer.colophon {
  font-family: "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif; }
header.memo { border-bottom: 3px double var(--ink); padding-bottom:.5rem; margin-bottom:.8rem; }
.kicker { font-size: 8.5pt; letter-spacing:.1em; text-transform: uppercase; color: var(--muted);
  margin:0; }
h1 { font-size: 19pt; margin:.15rem 0 .5rem; line-height:1.2; }
h2 { font-size: 15pt; margin: 1.2rem 0 .4rem; line-height:1.25; }
h2.group, h3.group { font-size: 10pt; text-transform: uppercase; letter-spacing:.08em;
  margin: 1.1rem 0 .5rem; padding-bottom:.15rem; border-bottom: 2px solid var(--rule); }
h2.group.error, h3.group.error, h2.group.invalid, h3.group.invalid { color: var(--error);
  border-color: var(--error); }
h2.group.warning, h3.group.warning { color: var(--warning); border-color: var(--warning); }
h2.group.info, h3.group.info { color: var(--info); border-color: var(--info); }
h2.group.waived, h3.group.waived { color: var(--waived); border-color: var(--waived); }
p { margin: .3rem 0; }
.verdict { border:1px solid var(--rule); border-left:6px solid var(--ok); padding:.45rem .8rem;
  margin:.4rem 0 .6rem; background:#f6faf7; }
.verdict p { margin:0; }
.verdict .headline { font-size: 13.5pt; }
.verdict .aside { font-size: 10pt; color: var(--muted); margin-top:.15rem; }
.verdict.not-ready, .verdict.invalid { border-left-color: var(--error); background:#fbf4f4; }
.verdict.warnings { border-left-color: var(--warning); background:#fbf7ef; }
.verdict.waivers { border-left-color: var(--waived); background:#f5f6f7; }
.summary-text { font-style: italic; margin:.5rem 0; }
dl.facts { display:flex; flex-wrap:wrap; gap:.1rem 1.4rem; margin:.3rem 0 0; font-size: 9pt;
  color: var(--muted); font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; }
dl.facts div { display:flex; gap:.35rem; }
dl.facts dt { font-weight:600; }
dl.facts dt::after { content: ":"; }
dl.facts dd { margin:0; color: var(--ink); }
table { border-collapse: collapse; font-size: 9pt; width:100%; margin:.4rem 0; }
th, td { border-bottom:1px solid var(--rule); padding:.2rem .45rem; text-align:left;
  vertical-align: top; }
th { font-weight:600; background:#f4f5f7; }
table.overview td:last-child { width: 45%; font-weight:600; }
.v-not-ready, .v-invalid { color: var(--error); } .v-warnings { color: var(--warning); }
.v-ready { color: var(--ok); } .v-waivers { color: var(--waived); }
article.finding { border-left: 4px solid var(--rule); padding: .1rem 0 .2rem .8rem;
  margin: 0 0 .9rem; }
article.error { border-left-color: var(--error); }
article.warning { border-left-color: var(--warning); }
article.info { border-left-color: var(--info); }
article.waived { border-left-color: var(--waived); }
article h3, article h4 { font-size: 12pt; margin: 0 0 .1rem; line-height:1.3; }
.num { display:inline-block; min-width:1.5em; color: var(--muted); font-weight:normal; }
.kind { font-size: 8.5pt; color: var(--muted); margin:0 0 .25rem; }
.badge { display:inline-block; font-size:7.5pt; font-weight:700; letter-spacing:.06em;
  text-transform:uppercase; padding:.02rem .35rem; border-radius:2px; color:#fff;
  margin-right:.4rem; background: var(--waived); }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); } .badge.waived { background: var(--waived); }
.waiver { border:1px dashed var(--waived); padding:.2rem .5rem; margin:.3rem 0;
  font-size:10pt; }
.label { font-size: 8pt; font-weight:700; text-transform: uppercase; letter-spacing:.06em;
  color: var(--muted); margin:.35rem 0 .05rem; }
ul.why { margin:.05rem 0 .2rem 1.1rem; padding:0; font-size:10pt; }
ul.why li { margin:.05rem 0; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 8.5pt;
  background:#f2f3f5; padding:0 .2rem; border-radius:2px; overflow-wrap:anywhere; }
.todo { background:#f4f7fb; border-left:3px solid #9db4d3; padding:.25rem .6rem; margin:.35rem 0;
  font-size:10.5pt; }
.source { margin:.3rem 0 0 .1rem; padding:0 0 0 .7rem; border-left:2px solid var(--rule);
  font-size:10pt; }
.source .quote { font-style: italic; margin:0; }
.source .cite { margin:.05rem 0 0; font-size: 8.5pt; color: var(--muted); }
.place { font-size: 7.5pt; color: #767b82; overflow-wrap:anywhere; }
.note { color: var(--muted); font-style: italic; }
section.file { border-top: 1px solid var(--ink); margin-top: 1.4rem; }
section.appendix { margin-top: 1.6rem; border-top: 1px solid var(--rule); }
section.appendix h2 { font-size: 12pt; }
section.appendix h3 { font-size: 10pt; margin:.6rem 0 .1rem; }
section.appendix p, section.appendix table { font-size: 8.5pt; color: var(--muted); }
section.appendix td { color: var(--ink); }
section.appendix code { font-size: 7.5pt; overflow-wrap: normal; background: none; padding: 0; }
section.appendix td:nth-child(-n+3) { white-space: nowrap; }
section.appendix th, section.appendix td { padding: .1rem .35rem; }
footer.colophon { margin-top:.8rem; border-top:1px solid var(--rule); padding-top:.3rem;
  font-size:8pt; color:var(--muted); }
@page { size: A4; margin: 14mm 15mm 16mm; }
@media print {
  html { background: none; }
  body { max-width:none; padding:0; font-size:10pt; line-height:1.35; }
  .verdict .headline { font-size: 12.5pt; }
  h1 { font-size: 17pt; }
  h2, h3, h4, .label, .kind { break-after: avoid; page-break-after: avoid; }
  article h3, article h4 { font-size: 11pt; }
  .source, .todo, .waiver, .verdict, li, tr { break-inside: avoid; page-break-inside: avoid; }
  .badge, .verdict, th, code { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def page_margins(*words: str) -> str:
    """Printed pages' margins: the words (a kind of report, its date) at the foot on the
    left, "Page 1 of 3" on the right. The words are govcheck's own, never a proposal's:
    CSS strings have escaping rules of their own."""
    said = " \\00B7  ".join(re.sub(r'[\\"<>]', "", w) for w in words)
    return (
        f'@page {{ @bottom-left {{ content: "{said}"; font: 8pt sans-serif; color: #555b63; }}\n'
        '  @bottom-right { content: "Page " counter(page) " of " counter(pages); '
        "font: 8pt sans-serif; color: #555b63; } }\n"
    )


class HtmlRenderer(board.BoardRenderer):
    def _open(self, result: Result, alone: bool) -> None:
        if not alone:
            self.w('<section class="file">\n')

    def _close(self, result: Result, alone: bool) -> None:
        if not alone:
            self.w("</section>\n")

    def _overview(self, lead: board.Lead) -> None:
        self.overview.write(
            f'<tr><td>{e(lead.title)}<br><span class="place">{e(lead.file)}</span></td>'
            f'<td class="v-{lead.verdict.status}">{e(lead.verdict.headline)}</td></tr>\n'
        )

    def _lead(self, lead: board.Lead, alone: bool) -> None:
        w = self.w
        if alone:
            w('<header class="memo">\n')
            w(self._kicker())
            w(f"<h1>{e(lead.title)}</h1>\n")
        else:
            w(f"<h2>{e(lead.title)}</h2>\n")
        v = lead.verdict
        rest = v.headline[len(v.label) :]
        w(f'<div class="verdict {v.status}"><p class="headline"><strong>{e(v.label)}</strong>')
        w(f"{e(rest)}</p>")
        if v.aside:
            w(f'<p class="aside">{e(v.aside)}</p>')
        w("</div>\n")
        if lead.summary:
            w(f'<p class="summary-text">{e(lead.summary)}</p>\n')
        facts = board.lead_facts(lead)
        if alone:
            facts += board.report_facts(uk_date(self.today), self.rulebook_info)
        w(_facts(facts))
        if alone:
            w("</header>\n")

    def _note(self, note: board.Note, alone: bool) -> None:
        self.w(f'<p class="note">{e(note.text)}</p>\n')

    def _group(self, group: board.Group, alone: bool) -> None:
        h = f"h{self.level}"
        self.w(f'<{h} class="group {group.key}">{e(group.heading)} ({group.count})</{h}>\n')

    def _head(self, head: board.Head, alone: bool) -> None:
        kind = "waived" if head.waived else head.severity
        h = f"h{self.level + 1}"
        self.w(
            f'<article class="finding {kind}">\n'
            f'<{h}><span class="num">{head.number}.</span> {e(head.title)}</{h}>\n'
            f'<p class="kind"><span class="badge {kind}">{e(head.kind)}</span>'
            f"{' &middot; '.join(e(m) for m in head.meta)}</p>\n"
        )

    def _message(self, message: board.Message, alone: bool) -> None:
        self.w(f'<p class="message">{e(message.text)}</p>\n')

    def _waivernote(self, note: board.WaiverNote, alone: bool) -> None:
        self.w(f'<p class="waiver">{e(note.text)}</p>\n')

    def _reasons(self, reasons: board.Reasons, alone: bool) -> None:
        w = self.w
        w(f'<p class="label">{e(reasons.heading)}</p>\n<ul class="why">\n')
        for r in reasons.items:
            said = e(r.lead)
            if r.field:
                said += f" <code>{e(r.field)}</code>: <b>{e(r.value)}</b>"
            if r.note:
                said += f' <span class="place">{e(r.note)}</span>'
            w(f"<li>{said}</li>\n")
        w("</ul>\n")

    def _remedy(self, remedy: board.Remedy, alone: bool) -> None:
        self.w(f'<p class="todo"><strong>{e(remedy.heading)}.</strong> {e(remedy.text)}</p>\n')

    def _source(self, source: board.Source, alone: bool) -> None:
        w = self.w
        w('<div class="source">')
        if source.quote:
            w(f'<p class="quote">\u201c{e(source.quote)}\u201d</p>')
        w(f'<p class="cite">{e(source.label)}')
        if source.place:
            w(f' <span class="place">({e(source.place)})</span>')
        w("</p></div>\n")

    def _end(self, end: board.End, alone: bool) -> None:
        self.w("</article>\n")

    # ---- the appendix, the overview and the page

    def _references(self, result: Result, rows: list[board.Reference], alone: bool) -> None:
        a = self.appendix.write
        if not alone:
            a(f"<h3>{e(board.lead(result).title)} <code>{e(result.file)}</code></h3>\n")
        a("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in board.APPENDIX_COLUMNS) + "</tr>\n")
        for r in rows:
            facts = "; ".join(f"<code>{e(f)}</code> ({e(d)})" for f, d in r.facts)
            a(
                f"<tr><td>{r.number}</td><td>{e(r.rule)}</td><td>{r.line}:{r.column}</td>"
                f"<td><code>{e(r.pointer)}</code></td><td>{_code(r.rule_at)}</td>"
                f"<td>{facts}</td></tr>\n"
            )
        a("</table>\n")

    def _kicker(self) -> str:
        return '<p class="kicker">Governance review</p>\n'

    def finish(self, summary: Summary) -> None:
        first = self.alone()
        heading = board.lead(first).title if first else f"{self.files} proposals"
        w = self.out.write
        css = CSS + page_margins("Governance review", uk_date(self.today))
        w('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n')
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w(f"<title>Governance review: {e(heading)}</title>\n<style>{css}</style>\n</head>\n")
        w("<body>\n")
        if not first:
            w('<header class="memo">\n' + self._kicker() + f"<h1>{e(heading)}</h1>\n")
            w(f'<p class="verdict-count">{e(board.batch_line(summary))}</p>\n')
            w(_facts(board.report_facts(uk_date(self.today), self.rulebook_info)))
            w('<table class="overview"><tr><th>Proposal</th><th>Verdict</th></tr>\n')
            board.copy(self.overview, w)
            w("</table>\n</header>\n")
        else:
            self.overview.close()
        board.copy(self.body, w)
        if self.appendix.tell():
            w(f'<section class="appendix">\n<h2>{e(board.APPENDIX_HEADING)}</h2>\n')
            w(f"<p>{e(board.APPENDIX_INTRO)}</p>\n")
            board.copy(self.appendix, w)
            w("</section>\n")
        else:
            self.appendix.close()
        version = self.tool.get("version", "")
        rules = self.rulebook_info.get("rules", "?")
        w(
            f'<footer class="colophon">Prepared with govcheck {e(version)} on '
            f"{e(uk_date(self.today))}. {e(board.COLOPHON.format(rules=rules))}</footer>\n"
            "</body>\n</html>\n"
        )


def _code(text: str) -> str:
    return f"<code>{e(text)}</code>" if text else ""


def _facts(facts: list[tuple[str, str]]) -> str:
    items = "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>\n'
