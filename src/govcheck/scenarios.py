"""Re-check one proposal under changed assumptions: the plumbing `compare` and `timeline`
share.

Both ask "what if?" of a single proposal: another value in one field (an options
appraisal), another date (law over time). Each scenario is an ordinary check by the
same `Checker`, so the loaded rulebook, its engine rulesets and their sessions serve
every scenario; only the proposal's data, or the date, differs.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from .checker import Checker
from .errors import GovcheckError
from .loader import Document, LoadError, Position, load_path
from .model import Finding, Result
from .validate import validate


class ScenarioError(GovcheckError):
    """The proposal cannot be compared or followed over time (exit 2): it cannot be
    read, it is not a valid proposal, or what to vary makes no sense."""

    kind = "cannot run"


Source = str | os.PathLike[str] | Mapping[str, Any] | Document


def load_one(source: Source) -> Document:
    """One proposal as a Document: a path, a mapping built in Python, or a Document."""
    if isinstance(source, Document):
        return source
    if isinstance(source, Mapping):
        return Document("<mapping>", dict(source), {"": Position(1, 1)})
    path = os.fspath(source)
    try:
        return load_path(path, display=path)
    except LoadError as e:
        raise ScenarioError(e.message, path, e.line, e.column) from None
    except OSError as e:
        raise ScenarioError(f"cannot read: {e.strerror}", path) from None


def require_valid(doc: Document, checker: Checker) -> None:
    """Refuse a proposal that is not valid as written: every scenario of it would show
    the same schema problems and nothing else."""
    problems = validate(doc, checker.rulebook.rules.keys())
    if problems:
        first = min(problems, key=Finding.sort_key)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScenarioError(
            f"not a valid proposal: {first.message}{more}; `govcheck validate "
            f"{doc.path}` lists every problem",
            doc.path,
            first.location.line,
            first.location.column,
        )


def at_date(checker: Checker, as_at: str | None) -> Checker:
    """The same checker (same rulebook, rulesets and sessions) judging as at `as_at`."""
    if checker.as_at == as_at:
        return checker
    other = copy.copy(checker)
    other.as_at = as_at
    return other


def recheck(checker: Checker, doc: Document, data: dict[str, Any] | None = None) -> Result:
    """Check `doc`, or the same file with its data replaced by `data` (positions kept, so
    findings still point at the lines of the file as written)."""
    if data is None:
        return checker.check_document(doc)
    return checker.check_document(Document(doc.path, data, doc.positions))
