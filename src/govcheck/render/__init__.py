"""Renderers: one module per output format, all with the same streaming interface.

A renderer is told the header once, then each Result as soon as it is ready, then the
summary; so a batch of 20,000 files is written out file by file and never held in
memory. Adding a format means adding a module and one entry to FORMATS: the command
line reads its choices, their help and which of them may be coloured from here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, Any

from .base import Renderer


@dataclass(frozen=True)
class Format:
    """One output format: where its renderer lives and what it is for."""

    name: str
    renderer: str  # "module:Class"
    purpose: str  # a few words for --help
    colour: bool = False  # the renderer colours severities when asked


def _formats(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


FORMATS: dict[str, Format] = _formats(
    Format("text", "govcheck.render.text:TextRenderer", "each finding in full", colour=True),
    Format(
        "compact",
        "govcheck.render.compact:CompactRenderer",
        "one line a finding: FILE:LINE:COLUMN: SEVERITY RULE message",
        colour=True,
    ),
    Format("json", "govcheck.render.json_format:JsonRenderer", "for scripts"),
    Format("sarif", "govcheck.render.sarif:SarifRenderer", "SARIF 2.1.0, for code scanning"),
    Format("junit", "govcheck.render.junit:JunitRenderer", "JUnit XML, for CI test reports"),
    Format("github", "govcheck.render.github:GithubRenderer", "GitHub Actions annotations"),
    Format("csv", "govcheck.render.csv_format:CsvRenderer", "one row a finding, for spreadsheets"),
    Format("markdown", "govcheck.render.markdown:MarkdownRenderer", "a review memo"),
    Format("html", "govcheck.render.html:HtmlRenderer", "a board report, one file"),
)


def renderer_class(name: str) -> type[Renderer]:
    module, cls = FORMATS[name].renderer.split(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def renderer(name: str, out: IO[str], **options: Any) -> Renderer:
    """The renderer of format `name`, writing to `out`.

    Options a format does not take (`fired_only` outside JUnit, for example) are
    dropped here, so a caller can pass one set of options to every format it writes.
    """
    kind = renderer_class(name)
    taken = ("rulebook", "color", "today", *getattr(kind, "options", ()))
    return kind(out, **{k: v for k, v in options.items() if k in taken})


__all__ = ["FORMATS", "Format", "Renderer", "renderer", "renderer_class"]
