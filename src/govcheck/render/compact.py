"""`--format compact`: one line a finding, for grep, editors' problem matchers and logs.

    proposals/a.yaml:19:5: error COI-001 Dr A has not stepped out.

The shape is yamllint's `parsable` (and a compiler's): `FILE:LINE:COLUMN: SEVERITY RULE
message`. A waived finding keeps its severity and says so at the end of its message, so
a problem matcher still places it. A file with no findings writes nothing.
"""

from __future__ import annotations

from ..model import Result
from ..textsafe import clean, guard_line
from .base import Renderer
from .text import COLOURS, RESET


class CompactRenderer(Renderer):
    terminal = True

    def result(self, result: Result) -> None:
        file = clean(result.file)
        for f in result.findings:
            severity = f.severity
            if self.color:
                severity = COLOURS[f.severity] + severity + RESET
            message = clean(f.message)
            if f.waived:
                message += f" [waived until {clean(f.waived.expires)}]"
            line, column = max(f.location.line, 1), max(f.location.column, 1)
            self.out.write(guard_line(f"{file}:{line}:{column}: {severity} {f.rule} {message}"))
            self.out.write("\n")
