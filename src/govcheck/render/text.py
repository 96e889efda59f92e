"""The report for people: each finding with its place, reasons, remedy and sources."""

from __future__ import annotations

import textwrap

from ..model import Result, Summary
from .base import Renderer, source_line

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
RESET = "\033[0m"


class TextRenderer(Renderer):
    terminal = True

    def result(self, result: Result) -> None:
        w = self.out.write
        title = f" — {result.title}" if result.title else ""
        origin = {
            "proposal": "the proposal's as_at",
            "command line": "--as-at",
            "today": "today's date",
        }.get(result.as_at_origin, result.as_at_origin)
        dated = f" (as at {result.as_at}, from {origin})" if result.as_at else ""
        w(f"{result.file}{title}{dated}\n")
        if not result.findings:
            w("  no findings\n\n")
            return
        for f in result.findings:
            sev = f.severity.upper()
            if self.color:
                sev = COLOURS[f.severity] + sev + RESET
            waived = "  [WAIVED]" if f.waived else ""
            w(f"\n  {sev} {f.rule}  {f.title}{waived}\n")
            w(f"    at {result.file}:{f.location.line}:{f.location.column}")
            w(f"  ({f.location.path or '/'})\n")
            w(_wrap(f.message, "    "))
            if f.because:
                w("    why it fired:\n")
                for b in f.because:
                    w(_wrap(b, "      - ", "        "))
            if f.remedy:
                w(_wrap("what to do: " + f.remedy, "    ", "      "))
            if f.waived:
                wv = f.waived
                w(_wrap(f"waived until {wv.expires} by {wv.approved_by}: {wv.reason}", "    "))
            for s in f.sources:
                w(_wrap("source: " + source_line(s), "    ", "      "))
                if s.get("quote"):
                    w(_wrap(f"\u201c{s['quote']}\u201d", "      ", "       "))
        w("\n")

    def finish(self, summary: Summary) -> None:
        pass  # the CLI writes the one-line summary on stderr


def _wrap(text: str, first: str, rest: str | None = None) -> str:
    return (
        textwrap.fill(
            text,
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
