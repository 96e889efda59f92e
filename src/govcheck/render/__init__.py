"""Renderers: one module per output format, all with the same streaming interface.

A renderer is told the header once, then each Result as soon as it is ready, then the
summary; so a batch of 20,000 files is written out file by file and never held in
memory. Adding a format means adding a module and one line to FORMATS.
"""

from __future__ import annotations

import importlib
from typing import IO, Any

from .base import Renderer

FORMATS: dict[str, str] = {
    "text": "govcheck.render.text:TextRenderer",
    "json": "govcheck.render.json_format:JsonRenderer",
    "sarif": "govcheck.render.sarif:SarifRenderer",
    "junit": "govcheck.render.junit:JunitRenderer",
    "github": "govcheck.render.github:GithubRenderer",
    "markdown": "govcheck.render.markdown:MarkdownRenderer",
    "html": "govcheck.render.html:HtmlRenderer",
}


def renderer_class(name: str) -> type[Renderer]:
    module, cls = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def renderer(name: str, out: IO[str], **options: Any) -> Renderer:
    return renderer_class(name)(out, **options)


__all__ = ["FORMATS", "Renderer", "renderer", "renderer_class"]
