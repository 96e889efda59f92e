"""`--format csv`: a header row, then one row a finding, for a spreadsheet.

Governance leads sort and filter findings across many proposals in a spreadsheet, so
every row stands alone (it repeats its file, proposal and as-at date). Two things keep
proposal text from acting when the file is opened:

- every value is one line of inert text (govcheck.textsafe.clean: line breaks, tabs
  and other controls are shown as escapes such as `\\n`);
- a cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-` or
  `@`, after any spaces) starts with an apostrophe instead, as OWASP's advice on CSV
  injection says, so `=HYPERLINK(...)` in a person's name stays text.
"""

from __future__ import annotations

import csv
from typing import Any

from ..model import Result
from ..textsafe import clean, guard_line
from .base import Renderer

COLUMNS = (
    "file",
    "proposal",
    "as_at",
    "rule",
    "severity",
    "topic",
    "title",
    "message",
    "line",
    "column",
    "path",
    "waived",
    "remedy",
)

# What spreadsheets read as the start of a formula (tab and CR are escaped by clean()).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a spreadsheet-safe cell: one line, never a formula."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = clean(value)
    if text.lstrip(" ").startswith(_FORMULA_START):
        text = "'" + text
    return text


class _Line:
    """Collects what csv.writer writes for one row, so the row can be guarded."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


class CsvRenderer(Renderer):
    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        super().start(tool, rulebook)
        self.line = _Line()
        self.writer = csv.writer(self.line, lineterminator="\r\n")
        self._row(COLUMNS)

    def result(self, result: Result) -> None:
        for f in result.findings:
            waived = ""
            if f.waived:
                w = f.waived
                waived = f"until {w.expires} by {w.approved_by}: {w.reason}"
            self._row(
                (
                    result.file,
                    result.proposal,
                    result.as_at,
                    f.rule,
                    f.severity,
                    f.topic,
                    f.title,
                    f.message,
                    f.location.line,
                    f.location.column,
                    f.location.path or "/",
                    waived,
                    f.remedy or None,
                )
            )

    def _row(self, values: tuple[Any, ...]) -> None:
        self.writer.writerow([cell(v) for v in values])
        self.out.write(guard_line(self.line.take()))
