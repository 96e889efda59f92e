"""The library API: from proposal files (or mappings) to results, one step at a time.

    load -> validate -> extract facts -> evaluate -> apply waivers

Each file gives one Result; a file that cannot be read as a proposal gives a Result
with its `schema` findings and the others are still checked. Results are produced one
by one (a generator), so a batch of thousands of files never sits in memory at once.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .dates import is_iso_date, iso_date
from .entities import extract
from .errors import GovcheckError
from .evaluate import evaluate
from .loader import Document, LoadError, from_data, load_bytes, load_path
from .model import (
    LAW_CURRENCY_RULE,
    Finding,
    Location,
    Result,
    Summary,
    Waiver,
    fails,
)
from .rulebook import Rulebook, load_rulebook
from .validate import schema_finding, validate
from .waivers import IdClaims, SharedWaiver, apply, load_shared, proposal_waivers

PROPOSAL_SUFFIXES = (".yaml", ".yml", ".json")
FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class Report:
    """What a check gives: the tool, the rulebook, and one Result per proposal.

    Iterating over a report gives its results; ``passed()`` says whether a run with
    that ``--fail-on`` would exit 0.
    """

    tool: dict[str, str]
    rulebook: dict[str, Any]
    results: list[Result] = field(default_factory=list)

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def passed(self, fail_on: str = "error") -> bool:
        """True when no proposal is invalid and none has an unwaived finding at or
        above `fail_on` ("error", "warning", "info"; "never" counts invalid ones only)."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        return not any(fails(r, fail_on) for r in self.results)

    @property
    def summary(self) -> Summary:
        summary = Summary()
        for r in self.results:
            summary.add(r)
        return summary

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "rulebook": self.rulebook,
            "results": [r.as_dict() for r in self.results],
            "summary": self.summary.as_dict(),
        }


class Checker:
    """Checks proposals against one loaded rulebook."""

    def __init__(
        self,
        rulebook: Rulebook | None = None,
        *,
        as_at: str | datetime.date | None = None,
        shared_waivers: Iterable[SharedWaiver] = (),
        validate_only: bool = False,
        today: datetime.date | str | None = None,
        ignore_proposal_waivers: bool = False,
    ) -> None:
        """`as_at` (a date, or text written YYYY-MM-DD) judges every proposal by the
        law of that day instead of its own `as_at`; anything else is refused
        (TypeError, ValueError). `validate_only` stops each check after the schema step
        (load and validate, with cross-references and waiver rules), as `govcheck
        validate` does.

        `today` is the date of the run: a waiver is live only while it and the as-at
        date are both on or before its expiry, and a proposal that states no as_at is
        judged at it. By default it is the GOVCHECK_TODAY environment variable
        (YYYY-MM-DD, for tests and for re-running a past check) or else today's date.
        `ignore_proposal_waivers` makes waivers written in proposals cover nothing (each
        is reported), so only the shared waivers count."""
        self.as_at = iso_date(as_at, "as_at") if as_at is not None else None
        self.rulebook = rulebook or load_rulebook()
        if not validate_only:  # an engine that cannot load stops the run, not each file
            from .engine import require

            require()
        self.shared_waivers = list(shared_waivers)
        self.validate_only = validate_only
        self.today = run_date(today)
        self.ignore_proposal_waivers = ignore_proposal_waivers

    @classmethod
    def from_settings(
        cls,
        *,
        rules: str | None = None,
        as_at: str | None = None,
        waivers: str | None = None,
        validate_only: bool = False,
        today: str | None = None,
        ignore_proposal_waivers: bool = False,
    ) -> Checker:
        """A checker built from plain settings (paths, dates, flags), as a worker process
        receives them: the rulebook directory (None for the bundled one), the as-at date
        that overrides each proposal's, a shared waivers file, and the others as for
        the constructor."""
        rulebook = load_rulebook(rules)
        shared = load_shared(waivers, rulebook.rules.keys()) if waivers else []
        return cls(
            rulebook,
            as_at=as_at,
            shared_waivers=shared,
            validate_only=validate_only,
            today=today,
            ignore_proposal_waivers=ignore_proposal_waivers,
        )

    @property
    def header(self) -> tuple[dict[str, str], dict[str, Any]]:
        return ({"name": "govcheck", "version": __version__}, self.rulebook.header())

    def check_document(self, doc: Document) -> Result:
        """The result for one loaded proposal. Never raises for the proposal's sake: a
        failure while checking it (a bug in govcheck, or memory running out) becomes
        an error finding of this result, so the other files of a batch go on."""
        try:
            return self._check_document(doc)
        except Exception as e:  # the file's result says what happened
            return failed(doc.path, e)

    def _check_document(self, doc: Document) -> Result:
        data = doc.data if isinstance(doc.data, dict) else {}
        as_at, origin = self._as_at(data)
        result = Result(
            file=doc.path,
            proposal=data.get("id") if isinstance(data.get("id"), str) else None,
            as_at=as_at,
            title=data.get("title") if isinstance(data.get("title"), str) else None,
            as_at_origin=origin,
            summary=_summary(data.get("summary")),
        )
        if "id" in data:
            at = doc.locate("/id")
            result.id_location = Location("/id", at.line, at.column)
        problems = validate(doc, self.rulebook.rules.keys())
        if problems or self.validate_only:
            result.findings = sorted(problems, key=Finding.sort_key)
            return result
        facts = extract(data, self.rulebook.catalogue, as_at)
        law = self.rulebook.law_for(self.rulebook.deciding_dates(data, as_at))
        established: set[tuple[str, str]] = set()
        findings = evaluate(doc, facts, self.rulebook, law, established)
        result.derived = frozenset(established)
        findings.extend(law_currency(self.rulebook, as_at))
        pid = data["id"]
        own = proposal_waivers(doc)
        ignored: list[Waiver] = []
        if self.ignore_proposal_waivers:
            own, ignored = [], own
        shared = [s for s in self.shared_waivers if s.covers_proposal(pid)]
        root = Location("", 1, 1)
        findings = apply(
            findings,
            own + [s.waiver for s in shared],
            as_at,
            root,
            today=self.today,
            quiet=[s.waiver for s in shared if not s.names_proposal(pid)],
            ignored=ignored,
        )
        result.findings = sorted(findings, key=Finding.sort_key)
        result.evaluated_rules = law.rule_ids
        return result

    def _as_at(self, data: Mapping[str, Any]) -> tuple[str, str]:
        if self.as_at:
            return self.as_at, "command line"
        stated = data.get("as_at")
        if isinstance(stated, str):
            return stated, "proposal"
        return self.today, "today"

    def check_path(self, path: str | os.PathLike[str], display: str | None = None) -> Result:
        """The result for one proposal file, whatever the file holds.

        Only a file that cannot be reached at all (missing, unreadable, a directory)
        raises, as ``OSError``: that is about the command, not the proposal.
        """
        shown = display or str(path)
        try:
            doc = load_path(path, display=shown)
        except LoadError as e:
            return unreadable(shown, e.message, e.line, e.column)
        except OSError:
            raise
        except Exception as e:  # the file's result says what happened
            return failed(shown, e)
        return self.check_document(doc)

    def check_bytes(self, raw: bytes, display: str = "<stdin>", fmt: str | None = None) -> Result:
        """The result for a proposal already in memory; never raises for its content."""
        try:
            doc = load_bytes(raw, display, fmt=fmt)
        except LoadError as e:
            return unreadable(display, e.message, e.line, e.column)
        except Exception as e:  # the file's result says what happened
            return failed(display, e)
        return self.check_document(doc)

    def check_text(self, text: str, display: str = "<text>", fmt: str | None = None) -> Result:
        """Check a proposal's YAML or JSON text (JSON when `fmt` says so, or when the
        text starts with `{`); never raises for its content."""
        if fmt is None:
            fmt = "json" if text.lstrip().startswith("{") else "yaml"
        return self.check_bytes(text.encode("utf-8", "surrogatepass"), display, fmt)

    def check_mapping(self, data: Mapping[str, Any], display: str = "<mapping>") -> Result:
        """Check a proposal built in Python; findings carry no line (there is no file).

        Held to what a file is held to: dates (as ``yaml.safe_load`` gives them) become
        YYYY-MM-DD text; a key that is not text, a number that is not finite or a
        value no file could hold makes an error finding. Never raises for its content.
        """
        try:
            doc = from_data(data, display)
        except LoadError as e:
            return unreadable(display, e.message, e.line, e.column)
        except Exception as e:  # the result says what happened
            return failed(display, e)
        return self.check_document(doc)

    def iter_check(self, sources: Iterable[str | os.PathLike[str]]) -> Iterator[Result]:
        """Results of a batch of files, in order, with the checks across the batch (a
        proposal id claimed by several files that a shared waiver names)."""
        return IdClaims(self.shared_waivers).each(self.check_path(s) for s in sources)


def run_date(value: datetime.date | str | None = None) -> str:
    """The date of the run, YYYY-MM-DD: `value` (a date or YYYY-MM-DD text, else
    TypeError or ValueError, as for `as_at`), else the GOVCHECK_TODAY environment
    variable (a bad one is a GovcheckError: exit 2), else today's date."""
    if value is not None:
        return iso_date(value, "today")
    stated = os.environ.get("GOVCHECK_TODAY")
    if not stated:
        return datetime.date.today().isoformat()
    if not is_iso_date(stated):
        raise GovcheckError(f"GOVCHECK_TODAY is {stated!r}, which is not a date; write YYYY-MM-DD")
    return stated


def _summary(value: Any) -> str | None:
    """The proposal's summary as it wrote it, or None when it gives none."""
    return value if isinstance(value, str) and value.strip() else None


def law_currency(rulebook: Rulebook, as_at: str) -> list[Finding]:
    """One info finding when the proposal is dated after the law this rulebook knows."""
    reviewed = rulebook.law_reviewed_to
    if not reviewed or as_at <= reviewed:
        return []
    message = (
        f"This proposal is judged as at {as_at}, after {reviewed}, the date to which "
        "the rulebook's law was last reviewed. Law made or brought into force after "
        f"{reviewed} is not checked."
    )
    return [Finding.reserved(LAW_CURRENCY_RULE, message, Location("", 1, 1))]


def unreadable(file: str, message: str, line: int, column: int) -> Result:
    result = Result(file=file, proposal=None, as_at=None)
    result.findings = [schema_finding(message, Location("", line, column))]
    return result


def failed(file: str, error: BaseException) -> Result:
    """The result for a file whose check failed inside govcheck: one error finding that
    names the failure, so the file counts as not checked (exit 1) and is reported."""
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if len(what) > 300:
        what = what[:297] + "..."
    return unreadable(
        file,
        f"govcheck failed while checking this file ({what}); its findings are unknown. "
        "This is a fault in govcheck, not in the proposal: please report it with the file",
        1,
        1,
    )


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given, directories as their *.yaml/*.yml/*.json files, sorted.

    In a directory, every entry with a proposal suffix that is not itself a directory is
    listed, including a broken or looping symbolic link and a named pipe: reading it then
    says what is wrong, rather than the file being skipped without a word. Symbolic links
    to directories are not followed.

    Raises FileNotFoundError for a path that does not exist: that is a usage error
    (exit 2), not an invalid proposal.
    """
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = [
                str(f)
                for f in path.rglob("*")
                if f.suffix.lower() in PROPOSAL_SUFFIXES and not f.is_dir()
            ]
            out.extend(sorted(found))
        elif os.path.lexists(path):
            out.append(p)
        else:
            raise FileNotFoundError(p)
    stdin = [p for p in out if p == "-"]
    return sorted(set(p for p in out if p != "-")) + stdin[:1]


def check(
    source: str
    | bytes
    | os.PathLike[str]
    | Mapping[str, Any]
    | Iterable[str | os.PathLike[str]],
    *,
    as_at: str | datetime.date | None = None,
    rules: str | os.PathLike[str] | None = None,
) -> Report:
    """Check proposals and return the report.

    `source` is a path (a file, or a directory of *.yaml/*.yml/*.json), several
    paths, a mapping built in Python (``yaml.safe_load``'s dates are fine), or the
    text of a proposal: a ``str`` holding a line break, or starting with `{` (JSON),
    is read as YAML or JSON text rather than as a path; ``bytes`` are a file's content.
    A path that does not exist raises FileNotFoundError. `as_at` (a ``datetime.date``
    or YYYY-MM-DD text) judges every proposal by the law of that day; anything else
    raises TypeError or ValueError.

    >>> report = check("cases/northtown-cic.yaml", as_at="2009-10-01")  # doctest: +SKIP
    >>> report.passed()                                                 # doctest: +SKIP
    False
    >>> [f.rule for result in report for f in result.findings]          # doctest: +SKIP
    """
    checker = Checker(load_rulebook(rules) if rules else None, as_at=as_at)
    tool, book = checker.header
    report = Report(tool, book)
    if isinstance(source, Mapping):
        report.results.append(checker.check_mapping(source))
    elif isinstance(source, bytes):
        report.results.append(checker.check_bytes(source, "<bytes>"))
    elif isinstance(source, str) and _is_text(source):
        report.results.append(checker.check_text(source))
    elif isinstance(source, str | os.PathLike):
        for p in expand_paths([str(source)]):
            report.results.append(checker.check_path(p))
    else:
        for p in expand_paths(str(s) for s in source):
            report.results.append(checker.check_path(p))
    return report


def _is_text(source: str) -> bool:
    """A proposal's text rather than a path: no path of a proposal holds a line break,
    and none starts with `{`."""
    return "\n" in source or "\r" in source or source.lstrip().startswith("{")
