"""`--format json`: exactly the structure of report-format.md, written as it goes."""

from __future__ import annotations

import json

from ..model import Result, Summary
from .base import Renderer


class JsonRenderer(Renderer):
    def start(self, tool, rulebook) -> None:
        super().start(tool, rulebook)
        head = json.dumps({"tool": tool, "rulebook": rulebook}, indent=2, ensure_ascii=False)
        # Write the opening of the document and stream each result into "results".
        self.out.write(head[:-2] + ',\n  "results": [')
        self.first = True

    def result(self, result: Result) -> None:
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
        text = "\n".join("    " + line for line in text.splitlines())
        self.out.write(("\n" if self.first else ",\n") + text)
        self.first = False

    def finish(self, summary: Summary) -> None:
        tail = json.dumps(summary.as_dict(), ensure_ascii=False)
        self.out.write(("\n  " if not self.first else "") + f'],\n  "summary": {tail}\n}}\n')
