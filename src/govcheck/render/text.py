"""The report for people: each finding with its place, reasons, remedy and sources.

It is also what the pre-commit hook prints into CI logs, so nothing from a proposal, a
key or a file name reaches it raw: every such string goes through
`govcheck.textsafe.clean` (line breaks, controls, bidi and zero-width characters shown
as escapes, workflow commands broken up) and every line through `guard_line`.
"""

from __future__ import annotations

import textwrap
from typing import Any

from ..model import Result, Summary
from ..textsafe import clean, guard_text
from .base import Renderer, as_at_origin, law_reviewed_line, source_line, waiver_line

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
RESET = "\033[0m"


class TextRenderer(Renderer):
    terminal = True

    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        """One line saying which rulebook judged, and the date its law was reviewed to:
        'govcheck 1.0.0, 196 rules, law reviewed to 30 November 2026'."""
        super().start(tool, rulebook)
        said = [f"govcheck {tool.get('version', '')}".strip()]
        if rulebook.get("rules") is not None:
            said.append(f"{rulebook['rules']} rules")
        reviewed = law_reviewed_line(rulebook)
        if reviewed:
            said.append(reviewed[0].lower() + reviewed[1:])
        self.out.write(guard_text(clean(", ".join(said))) + "\n\n")

    def result(self, result: Result) -> None:
        parts: list[str] = []
        w = parts.append
        file = clean(result.file)
        title = f" — {clean(result.title)}" if result.title else ""
        origin = as_at_origin(result.as_at_origin)
        dated = f" (as at {clean(result.as_at)}, from {origin})" if result.as_at else ""
        w(f"{file}{title}{dated}\n")
        if not result.findings:
            w("  no findings\n\n")
        for f in result.findings:
            sev = f.severity.upper()
            if self.color:
                sev = COLOURS[f.severity] + sev + RESET
            waived = "  [WAIVED]" if f.waived else ""
            w(f"\n  {sev} {clean(f.rule)}  {clean(f.title)}{waived}\n")
            w(f"    at {file}:{f.location.line}:{f.location.column}")
            w(f"  ({clean(f.location.path or '/')})\n")
            w(_wrap(f.message, "    "))
            if f.because:
                w("    why it fired:\n")
                for b in f.because:
                    w(_wrap(b, "      - ", "        "))
            if f.remedy:
                w(_wrap("what to do: " + f.remedy, "    ", "      "))
            if f.waived:
                w(_wrap(waiver_line(f.waived), "    "))
            for s in f.sources:
                w(_wrap("source: " + source_line(s), "    ", "      "))
                if s.get("quote"):
                    w(_wrap(f"\u201c{s['quote']}\u201d", "      ", "       "))
        if result.findings:
            w("\n")
        self.out.write(guard_text("".join(parts)))

    def finish(self, summary: Summary) -> None:
        pass  # the CLI writes the one-line summary on stderr


def _wrap(text: str, first: str, rest: str | None = None) -> str:
    """`text` made inert, then wrapped at 100 columns with these indents."""
    return (
        textwrap.fill(
            clean(text),
            width=100,
            initial_indent=first,
            subsequent_indent=rest if rest is not None else first,
            break_long_words=False,
            break_on_hyphens=False,
        )
        + "\n"
    )


def summary_line(summary: Summary) -> str:
    s = summary
    files = f"{s.files} file{'s' if s.files != 1 else ''}"
    return (
        f"govcheck: {files} checked, {s.invalid} invalid; "
        f"{s.error} error, {s.warning} warning, {s.info} info, {s.waived} waived"
    )
