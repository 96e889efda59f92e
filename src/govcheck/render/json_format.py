"""`--format json`: tool, rulebook, one result per file and a summary, written as it goes.

Other tools read these keys exactly as named; a new key is an addition, never a rename."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from ..model import Result, Summary
from .base import Renderer

_INDENT = "  "
_CONSTANTS = {None: "null", True: "true", False: "false"}


class JsonRenderer(Renderer):
    def start(self, tool, rulebook) -> None:
        super().start(tool, rulebook)
        # A rule's sources are the same in every finding it makes: written once each.
        self.sources_text: dict[tuple[Any, ...], tuple[list[Any], str]] = {}
        head = json.dumps({"tool": tool, "rulebook": rulebook}, indent=2, ensure_ascii=False)
        # Write the opening of the document and stream each result into "results".
        self.out.write(head[:-2] + ',\n  "results": [')
        self.first = True

    def result(self, result: Result) -> None:
        text = "    " + self.indented(result.as_dict(), "    ")
        self.out.write(("\n" if self.first else ",\n") + text)
        self.first = False

    def finish(self, summary: Summary) -> None:
        tail = json.dumps(summary.as_dict(), ensure_ascii=False)
        self.out.write(("\n  " if not self.first else "") + f'],\n  "summary": {tail}\n}}\n')

    def indented(self, value: Any, pad: str) -> str:
        """`json.dumps(value, indent=2, ensure_ascii=False)` with lines after the first
        indented by `pad`: byte for byte the same text.

        The standard library's indenting encoder is pure Python and walks every
        source quote of every finding; on a 2000-proposal run this took half the time
        for the report (tests/test_formats.py checks the two agree).
        """
        if isinstance(value, str):
            return encode_basestring(value)
        if value is None or value is True or value is False:
            return _CONSTANTS[value]
        if type(value) is int:
            return int.__repr__(value)
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            inner = pad + _INDENT
            entries = []
            for key, item in value.items():
                # Text, most of a report, is written here rather than in a call of its own.
                if item.__class__ is str:
                    text = encode_basestring(item)
                elif key == "sources" and isinstance(item, list):
                    text = self._sources(item, inner)
                else:
                    text = self.indented(item, inner)
                entries.append(f"{inner}{encode_basestring(key)}: {text}")
            return "{\n" + ",\n".join(entries) + "\n" + pad + "}"
        if isinstance(value, list) and value:
            inner = pad + _INDENT
            items = ",\n".join(
                inner
                + (encode_basestring(item) if item.__class__ is str else self.indented(item, inner))
                for item in value
            )
            return "[\n" + items + "\n" + pad + "]"
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad)

    def _sources(self, sources: list[Any], pad: str) -> str:
        first = sources[0] if sources else None
        quote = first.get("quote") if isinstance(first, dict) else None
        key = (pad, len(sources), quote if isinstance(quote, str) else None)
        seen = self.sources_text.get(key)
        if seen is None or not _same(seen[0], sources):
            seen = self.sources_text[key] = (sources, self.indented(sources, pad))
        return seen[1]


def _same(a: Any, b: Any) -> bool:
    """Equal and written the same: `==` holds between False and 0, and 1.0 and 1, which
    JSON writes differently."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)
