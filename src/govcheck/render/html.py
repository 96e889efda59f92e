"""`--format html`: one self-contained page a governance lead can send as it is.

No scripts, no external fonts, stylesheets or images: everything is inline, so the
page opens offline and nothing in it fetches anything. Every piece of proposal text
(and rule text, which quotes the proposal in messages) goes through `html.escape`.
A print stylesheet sets the page for A4 and keeps each finding on one page where it
can. Results are spooled as they arrive so the summary can still come first.
"""

from __future__ import annotations

import html
import tempfile
from typing import Any

from ..conditions import show
from ..model import Finding, Result, Summary
from .base import Renderer, source_line
from .markdown import topic_groups, topic_title


def e(text: Any) -> str:
    return html.escape(str(text), quote=True)


CSS = """
:root { --ink:#1b1b1b; --muted:#5a5f66; --rule:#c9ccd1; --paper:#fff;
  --error:#a4161a; --warning:#9a5b00; --info:#1d4f91; --waived:#4b5563; }
* { box-sizing: border-box; }
html { background:#eceef1; }
body { margin:0 auto; max-width: 50rem; background:var(--paper); color:var(--ink);
  font-family: Georgia, "Times New Roman", Times, serif; font-size: 11pt; line-height:1.45;
  padding: 2.2rem 3rem 3rem; }
header.memo { border-bottom: 3px double var(--ink); margin-bottom: 1.2rem; padding-bottom:.6rem; }
.kicker { font-family: Helvetica, Arial, sans-serif; font-size: 8.5pt; letter-spacing:.12em;
  text-transform: uppercase; color: var(--muted); margin:0; }
h1 { font-size: 20pt; margin:.2rem 0 .3rem; line-height:1.2; }
h2 { font-size: 15pt; margin: 1.8rem 0 .4rem; padding-top:.4rem; border-top:1px solid var(--ink); }
h3 { font-family: Helvetica, Arial, sans-serif; font-size: 10pt; text-transform: uppercase;
  letter-spacing:.08em; color: var(--muted); margin: 1.4rem 0 .5rem;
  border-bottom:1px solid var(--rule); padding-bottom:.15rem; }
h4 { font-size: 12pt; margin: 0 0 .3rem; line-height:1.3; }
p { margin: .35rem 0; }
.meta { color: var(--muted); font-size: 9.5pt; margin:.1rem 0; }
.meta b { color: var(--ink); font-weight: normal; }
table.counts { border-collapse: collapse; margin: .8rem 0 .2rem;
  font-family: Helvetica, Arial, sans-serif; font-size: 9.5pt; }
table.counts th, table.counts td { border:1px solid var(--rule); padding:.25rem .8rem;
  text-align:right; }
table.counts th { background:#f4f5f7; font-weight:600; text-align:center; }
table.counts th:first-child, table.counts td:first-child { text-align:left; }
.summary-text { font-style: italic; margin:.6rem 0; }
article.finding { border-left: 4px solid var(--rule); padding: .5rem 0 .6rem .9rem;
  margin: 0 0 1.1rem; break-inside: avoid; page-break-inside: avoid; }
article.error { border-left-color: var(--error); }
article.warning { border-left-color: var(--warning); }
article.info { border-left-color: var(--info); }
article.waived { border-left-color: var(--waived); background:#f7f7f8; }
.badge { display:inline-block; font-family: Helvetica, Arial, sans-serif; font-size:8pt;
  font-weight:700; letter-spacing:.06em; text-transform:uppercase; padding:.05rem .4rem;
  border-radius:2px; color:#fff; vertical-align: .1em; margin-right:.35rem; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); } .badge.waived { background: var(--waived); }
.rid { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9.5pt;
  color: var(--muted); margin-right:.3rem; }
.where { font-size: 9pt; color: var(--muted); margin:0 0 .3rem; }
.message { margin:.3rem 0 .45rem; }
.label { font-family: Helvetica, Arial, sans-serif; font-size: 8.5pt; font-weight:700;
  text-transform: uppercase; letter-spacing:.06em; color: var(--muted); margin:.5rem 0 .1rem; }
ol.chain { margin:.1rem 0 .3rem 1.2rem; padding:0; font-size:10pt; }
ol.chain li { margin:.1rem 0; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt;
  background:#f2f3f5; padding:0 .2rem; border-radius:2px; }
.todo { background:#f4f7fb; border:1px solid #d6e0ee; padding:.35rem .6rem; margin:.4rem 0; }
.waiver { background:#fff; border:1px dashed var(--waived); padding:.35rem .6rem; margin:.4rem 0; }
blockquote { margin:.4rem 0 .4rem .2rem; padding:.1rem 0 .1rem .8rem;
  border-left:2px solid var(--rule); color:#2b2b2b; }
blockquote p { margin:0; font-style: italic; }
blockquote footer { font-size: 8.5pt; color: var(--muted); margin-top:.15rem; font-style: normal; }
.none { color: var(--muted); font-style: italic; }
footer.colophon { margin-top:2rem; border-top:1px solid var(--rule); padding-top:.4rem;
  font-size:8.5pt; color:var(--muted); }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  html { background: none; }
  body { max-width:none; padding:0; font-size:10.5pt; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  article.finding { break-inside: avoid; page-break-inside: avoid; }
  section.file + section.file { break-before: page; page-break-before: always; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


class HtmlRenderer(Renderer):
    def __init__(self, out: Any, **options: Any) -> None:
        super().__init__(out, **options)
        self.body = tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")
        self.first: Result | None = None
        self.files = 0

    def result(self, result: Result) -> None:
        # The first result waits: alone, it is the whole page and its title the heading.
        self.files += 1
        if self.first is None:
            self.first = result
            return
        if self.files == 2:
            self._section(self.first, alone=False)
        self._section(result, alone=False)

    def _section(self, result: Result, alone: bool) -> None:
        w = self.body.write
        title = result.title or result.proposal or result.file
        c = result.counts()
        w('<section class="file">\n')
        if not alone:  # alone, the page header already says all this
            w(f"<h2>{e(title)}</h2>\n")
            w(f'<p class="meta">File <b>{e(result.file)}</b>')
            if result.proposal:
                w(f" &middot; proposal id <b>{e(result.proposal)}</b>")
            if result.as_at:
                w(f" &middot; judged as at <b>{e(result.as_at)}</b> ({e(result.as_at_origin)})")
            w("</p>\n")
            w(
                f'<p class="meta">{c["error"]} error &middot; {c["warning"]} warning &middot; '
                f"{c['info']} info &middot; {c['waived']} waived</p>\n"
            )
        if not result.valid:
            w(
                '<p class="message"><strong>This file is not a valid proposal; '
                "no rule was run on it.</strong></p>\n"
            )
        live = [f for f in result.findings if not f.waived]
        waived = [f for f in result.findings if f.waived]
        if not result.findings:
            w(
                '<p class="none">No findings: no rule in force on this date fired on this '
                "proposal.</p>\n"
            )
        for topic, group in topic_groups(live):
            w(f"<h3>{e(topic_title(topic))}</h3>\n")
            for f in group:
                self._finding(f)
        if waived:
            w("<h3>Waived findings (accepted risks)</h3>\n")
            for f in waived:
                self._finding(f)
        w("</section>\n")

    def _finding(self, f: Finding) -> None:
        w = self.body.write
        kind = "waived" if f.waived else f.severity
        w(f'<article class="finding {kind}" id="{e(f.rule)}-{f.location.line}">\n')
        badge = f'<span class="badge {f.severity}">{e(f.severity)}</span>'
        if f.waived:
            badge += '<span class="badge waived">waived</span>'
        w(f'<h4>{badge}<span class="rid">{e(f.rule)}</span>{e(f.title)}</h4>\n')
        w(
            f'<p class="where">Line {f.location.line}, <code>{e(f.location.path or "/")}</code>'
            "</p>\n"
        )
        w(f'<p class="message">{e(f.message)}</p>\n')
        if f.waived:
            wv = f.waived
            w(
                f'<div class="waiver"><strong>Waived</strong> until {e(wv.expires)} by '
                f"{e(wv.approved_by)}. Reason: {e(wv.reason)}</div>\n"
            )
        if f.fields or f.chain or f.because:
            w('<p class="label">Why it fired</p>\n<ol class="chain">\n')
            for path, value, line in f.fields:
                where = f" (line {line})" if line else ""
                w(
                    f"<li>The proposal states <code>{e(path)}</code>: "
                    f"<b>{e(show(value))}</b>{e(where)}</li>\n"
                )
            for step in f.chain:
                because = "; ".join(e(b) for b in step.because)
                w(
                    f"<li>Derived: {e(step.means)}, because {because} "
                    f'<span class="meta">(fact <code>{e(step.fact)}</code>, '
                    f"{e(step.definition)})</span></li>\n"
                )
            rule = self.rulebook.rules.get(f.rule) if self.rulebook is not None else None
            where = f" ({rule.file}:{rule.line})" if rule else ""
            w(
                f"<li>So the check {e(f.rule)}{e(where)} fired: "
                + "; ".join(e(b) for b in f.because)
                + "</li>\n"
            )
            w("</ol>\n")
        if f.remedy:
            w(f'<div class="todo"><strong>What to do.</strong> {e(f.remedy)}</div>\n')
        for s in f.sources:
            w("<blockquote>")
            if s.get("quote"):
                w(f"<p>\u201c{e(s['quote'])}\u201d</p>")
            w(f"<footer>{e(source_line(s))}</footer></blockquote>\n")
        w("</article>\n")

    def finish(self, summary: Summary) -> None:
        w = self.out.write
        first = self.first
        if self.files == 1 and first is not None:
            heading = first.title or first.proposal or first.file
        else:
            heading = f"{self.files} proposals"
        version = getattr(self, "tool", {}).get("version", "")
        w('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n')
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w(f"<title>Governance review: {e(heading)}</title>\n<style>{CSS}</style>\n</head>\n")
        w('<body>\n<header class="memo">\n<p class="kicker">Governance review</p>\n')
        w(f"<h1>{e(heading)}</h1>\n")
        if self.files == 1 and first is not None:
            if first.as_at:
                w(
                    f'<p class="meta">Judged by the law and policy as at <b>{e(first.as_at)}</b>'
                    f" ({e(first.as_at_origin)})</p>\n"
                )
            if first.proposal:
                w(
                    f'<p class="meta">Proposal <b>{e(first.proposal)}</b>, file '
                    f"<b>{e(first.file)}</b></p>\n"
                )
        s = summary
        w(
            '<table class="counts"><tr><th>Proposals</th><th>Invalid</th><th>Errors</th>'
            "<th>Warnings</th><th>Info</th><th>Waived</th></tr>\n"
        )
        w(
            f"<tr><td>{s.files}</td><td>{s.invalid}</td><td>{s.error}</td><td>{s.warning}</td>"
            f"<td>{s.info}</td><td>{s.waived}</td></tr></table>\n</header>\n"
        )
        if self.files == 1 and first is not None:
            self._section(first, alone=True)
        self.body.seek(0)
        while chunk := self.body.read(1 << 16):
            w(chunk)
        self.body.close()
        w(
            f'<footer class="colophon">Prepared with govcheck {e(version)}. Each finding names '
            "the source passage it rests on; quotations are verbatim from the cited document and "
            "line.</footer>\n</body>\n</html>\n"
        )
