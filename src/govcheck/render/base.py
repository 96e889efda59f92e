"""The interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import IO, Any

from ..model import Result, Summary


class Renderer(ABC):
    """Streams a report: `start` once, `result` per file, `finish` once."""

    def __init__(self, out: IO[str], *, rulebook: Any = None, color: bool = False) -> None:
        self.out = out
        self.rulebook = rulebook
        self.color = color

    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        self.tool, self.rulebook_info = tool, rulebook

    @abstractmethod
    def result(self, result: Result) -> None:
        """Write one file's result (each format says how)."""

    def finish(self, summary: Summary) -> None:  # noqa: B027 - optional, by design
        """Write what follows the last result; formats with no closing part keep this."""


def source_line(source: dict[str, Any]) -> str:
    """'Freeman & Peck (2007) Adult care…, 8(iii)(b) …, 000_….txt line 557'."""
    where = source.get("section", "")
    if "file" in source:
        place = f"{source['file']} line {source['line']}"
    else:
        place = source.get("reference", "")
        if source.get("url"):
            place += f" <{source['url']}>"
    return ", ".join(p for p in (source.get("title", source["document"]), where, place) if p)
