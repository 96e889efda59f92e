"""`--format markdown`: the review memo a governance lead pastes into a board paper.

The same order and words as the HTML page (both come from `render.board`): the verdict
in plain words, the proposal's summary and dates; the findings, unresolved errors first,
each with its reasons, what to do and its sources named by title; the machine
references in an appendix. Every piece of text goes through `govcheck.textsafe.clean`
and then `md`, so nothing from a proposal becomes raw HTML, a heading, a list, a link
or a table cell of its own in any CommonMark renderer. Results are spooled as they
arrive, so a batch's overview can still come first.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Result, Summary
from ..textsafe import clean, guard_text
from . import board
from .base import uk_date

# Characters that can start inline structure anywhere in a line: escapes, code spans,
# emphasis, links and images, raw HTML and autolinks, table cells, strikethrough.
_INLINE = re.compile(r"[\\`*\[\]|~#]")
# `_` makes emphasis only at a word's edge; inside a word (nhs_pension_access) it is inert.
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# An ampersand that would start a character reference (&lt; &#60;) is shown as itself.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What makes a block when it starts a line: a quote, a list item, a setext underline,
# an ordered list item (`1.` or `1)`).
_BLOCK_START = re.compile(r"^([>+=-]|\d{1,9}(?=[.)]))")
_SPACES = re.compile(r" {2,}")


def md(text: Any) -> str:
    """Any text, made inert for Markdown: one line, no raw HTML, no structure of its own.

    Line breaks and other unsafe characters inside the text are shown as escapes
    (`\\n`), by `clean`; runs of spaces become one, so none can indent a code block
    or end a line with a hard break."""
    s = _SPACES.sub(" ", clean(str(text).strip(" \t\n"))).strip(" ")
    s = _INLINE.sub(lambda m: "\\" + m.group(), s)
    s = _UNDERSCORE.sub(r"\\_", s)
    s = _ENTITY.sub("&amp;", s).replace("<", "&lt;").replace(">", "&gt;")
    return _BLOCK_START.sub(_unblock, s)


def _unblock(m: re.Match[str]) -> str:
    """`1.` -> `1\\.`, `#` -> `\\#`: the same characters, no longer a block marker."""
    return m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group()


def code(text: Any) -> str:
    """Text as a code span (shown literally, never parsed), fenced past any backticks."""
    s = _SPACES.sub(" ", clean(str(text).strip(" \t\n")))
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


class MarkdownRenderer(board.BoardRenderer):
    def __init__(self, out: Any, **options: Any) -> None:
        super().__init__(out, **options)
        self.w = lambda text: self.body.write(guard_text(text))

    def _overview(self, lead: board.Lead) -> None:
        self.overview.write(  # a table row starts with `|`, never with `::`
            f"| {md(lead.title)} ({md(lead.file)}) | {md(lead.verdict.headline)} |\n"
        )

    def _lead(self, lead: board.Lead, alone: bool) -> None:
        w = self.w
        if alone:
            w(f"# Governance review: {md(lead.title)}\n\n")
        else:
            w(f"## {md(lead.title)}\n\n")
        v = lead.verdict
        aside = f"  \n{md(v.aside)}" if v.aside else ""
        w(f"**{md(v.label)}**{md(v.headline[len(v.label) :])}{aside}\n\n")
        if lead.summary:
            w(f"*{md(lead.summary)}*\n\n")
        facts = board.lead_facts(lead)
        if alone:
            facts += board.report_facts(uk_date(self.today), self.rulebook_info)
        w(_facts(facts))

    def _note(self, note: board.Note, alone: bool) -> None:
        self.w(f"{md(note.text)}\n\n")

    def _group(self, group: board.Group, alone: bool) -> None:
        self.w(f"{'#' * self.level} {md(group.heading)} ({group.count})\n\n")

    def _head(self, head: board.Head, alone: bool) -> None:
        meta = " · ".join(md(m) for m in head.meta)
        self.w(
            f"{'#' * (self.level + 1)} {head.number}. {md(head.title)}\n\n"
            f"**{md(head.kind)}**{' · ' + meta if meta else ''}\n\n"
        )

    def _message(self, message: board.Message, alone: bool) -> None:
        self.w(f"{md(message.text)}\n\n")

    def _waivernote(self, note: board.WaiverNote, alone: bool) -> None:
        self.w(f"*{md(note.text)}*\n\n")

    def _reasons(self, reasons: board.Reasons, alone: bool) -> None:
        w = self.w
        w(f"**{md(reasons.heading)}**\n\n")
        for r in reasons.items:
            said = md(r.lead)
            if r.field:
                said += f" {code(r.field)}: **{md(r.value)}**"
            if r.note:
                said += f" {md(r.note)}"
            w(f"- {said}\n")
        w("\n")

    def _remedy(self, remedy: board.Remedy, alone: bool) -> None:
        self.w(f"**{md(remedy.heading)}.** {md(remedy.text)}\n\n")

    def _source(self, source: board.Source, alone: bool) -> None:
        w = self.w
        if source.quote:
            w(f"> \u201c{md(source.quote)}\u201d\n>\n")
        place = f" ({md(source.place)})" if source.place else ""
        w(f"> \u2014 {md(source.label)}{place}\n\n")

    def _end(self, end: board.End, alone: bool) -> None:
        pass

    # ---- the appendix, the overview and the memo

    def _references(self, result: Result, rows: list[board.Reference], alone: bool) -> None:
        def a(text: str) -> None:
            self.appendix.write(guard_text(text))

        if not alone:
            a(f"### {md(board.lead(result).title)} ({md(result.file)})\n\n")
        a("| " + " | ".join(board.APPENDIX_COLUMNS) + " |\n")
        a("|---:|---|---|---|---|---|\n")
        for r in rows:
            facts = "; ".join(f"{md(f)} ({md(d)})" for f, d in r.facts)
            a(
                f"| {r.number} | {md(r.rule)} | {r.line}:{r.column} | {md(r.pointer)} "
                f"| {md(r.rule_at)} | {facts} |\n"
            )
        a("\n")

    def finish(self, summary: Summary) -> None:
        alone = self.alone() is not None
        w = self.out.write
        if alone:
            self.overview.close()
        else:
            w(f"# Governance review: {self.files} proposals\n\n")
            w(f"{md(board.batch_line(summary))}\n\n")
            w(_facts(board.report_facts(uk_date(self.today), self.rulebook_info)))
            w("| Proposal | Verdict |\n|---|---|\n")
            board.copy(self.overview, w)
            w("\n")
        board.copy(self.body, w)
        if self.appendix.tell():
            w(f"## {md(board.APPENDIX_HEADING)}\n\n{md(board.APPENDIX_INTRO)}\n\n")
            board.copy(self.appendix, w)
        else:
            self.appendix.close()
        version = self.tool.get("version", "")
        rules = self.rulebook_info.get("rules", "?")
        w(
            f"---\n\n*Prepared with govcheck {code(version)} on {md(uk_date(self.today))}. "
            f"{md(board.COLOPHON.format(rules=rules))}*\n"
        )


def _facts(facts: list[tuple[str, str]]) -> str:
    return "".join(f"- {md(k)}: {md(v)}\n" for k, v in facts) + "\n"
