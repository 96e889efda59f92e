"""Render the board formats through the library, with the report date fixed."""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from govcheck.checker import Checker
from govcheck.model import Summary
from govcheck.render import renderer
from govcheck.rulebook import load_rulebook

TODAY = datetime.date(2026, 12, 3)


def render(
    fmt: str,
    paths: Iterable[str | Path],
    rules: Path | None = None,
    *,
    header: dict[str, Any] | None = None,
) -> str:
    """`fmt` for the proposals at `paths`, dated TODAY; `header` adds to the rulebook
    header the renderer is given (law_reviewed_to, for one)."""
    checker = Checker(_rulebook(rules))
    tool, book = checker.header
    out = io.StringIO()
    r = renderer(fmt, out, rulebook=checker.rulebook, today=TODAY)
    r.start(tool, {**book, **(header or {})})
    summary = Summary()
    for path in paths:
        result = checker.check_path(path)
        summary.add(result)
        r.result(result)
    r.finish(summary)
    return out.getvalue()


@functools.cache
def _rulebook(rules: Path | None) -> Any:
    return load_rulebook(rules) if rules else load_rulebook()
