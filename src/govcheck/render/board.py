"""The board report's walk over a result: its parts in the order a board reads them.

The Markdown memo and the HTML page show a proposal the same way, so the order and the
words are decided here once and each renderer only marks the parts up and escapes them:

- the lead: title, the verdict in plain words, the proposal's own summary, the as-at
  date and where it came from;
- the findings, unresolved errors first, then warnings to answer, points to note and
  waived findings, each group in topic order; each finding as its heading, message,
  waiver, the reasons it fired (the proposal's own statements and what follows from
  them), what to do, and its sources named by title with the quote;
- an appendix of the references that matter to whoever maintains the proposal or the
  rulebook, not to a board: JSON pointers, rule definitions (`rules/x.yaml:361`) and
  the ids of derived facts.

Every string in a part is plain text as the proposal or the rulebook wrote it; the
renderer shows it through `govcheck.textsafe.clean` and its own escaping.
"""

from __future__ import annotations

import re
import tempfile
from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..conditions import show
from ..model import TOPIC_TITLES, TOPICS, Finding, Result, Summary
from .base import (
    NO_FINDINGS,
    NOT_VALID,
    Renderer,
    Verdict,
    as_at_origin,
    counted,
    source_label,
    source_place,
    uk_date,
    verdict,
    waiver_line,
)

# Groups of findings, in the order a board takes them, with their headings.
GROUPS = (
    ("invalid", "Problems to correct"),
    ("error", "Unresolved errors"),
    ("warning", "Warnings to answer"),
    ("info", "Points to note"),
    ("waived", "Waived: accepted risks"),
)
# A YAML block's line breaks and indents fold to spaces; other characters stay, for
# textsafe to show.
_FOLD = re.compile(r"[ \t\n]+")
SEVERITY_NAMES = {"error": "Error", "warning": "Warning", "info": "Note"}


def topic_title(topic: str) -> str:
    """'conflict-of-interest' -> 'Conflict of interest'."""
    return TOPIC_TITLES.get(topic) or topic.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Lead:
    """The head of one proposal's report."""

    title: str
    proposal: str | None
    file: str
    verdict: Verdict
    summary: str | None
    as_at: str  # '1 October 2009', or '' for a file that could not be read
    as_at_origin: str  # "the proposal's as_at"


@dataclass(frozen=True)
class Group:
    key: str  # invalid, error, warning, info or waived
    heading: str
    count: int


@dataclass(frozen=True)
class Note:
    """A sentence standing alone under the lead (no findings; not a valid proposal)."""

    text: str


@dataclass(frozen=True)
class Head:
    """A finding's heading: its number in the report, title and what kind it is."""

    number: int
    severity: str
    waived: bool
    title: str
    kind: str  # 'Error', 'Waived error', 'Warning', 'Note'
    meta: tuple[str, ...]  # ('Conflict of interest', 'COI-001', 'line 102')


@dataclass(frozen=True)
class Message:
    text: str


@dataclass(frozen=True)
class WaiverNote:
    text: str  # 'Waived until 31 March 2010 by …: reason'


@dataclass(frozen=True)
class Reason:
    """One reason a rule fired: a statement of the proposal, or what follows from it.

    A statement reads "The proposal states FIELD: VALUE (line N)"; a conclusion
    reads "It follows that MEANS" (`field` empty)."""

    lead: str
    field: str = ""
    value: str = ""
    note: str = ""


@dataclass(frozen=True)
class Reasons:
    heading: str
    items: tuple[Reason, ...]


@dataclass(frozen=True)
class Remedy:
    heading: str
    text: str


@dataclass(frozen=True)
class Source:
    quote: str  # may be empty: an Act cited without its words
    label: str  # the title and section, or the instrument's reference
    place: str  # small print: the seed file and line, or the URL


@dataclass(frozen=True)
class End:
    """The end of a finding."""


Part = Lead | Group | Note | Head | Message | WaiverNote | Reasons | Remedy | Source | End


@dataclass(frozen=True)
class Reference:
    """One appendix row: where a finding points and what the rulebook used."""

    number: int
    rule: str
    line: int
    column: int
    pointer: str  # JSON pointer into the proposal ('/' for the whole document)
    rule_at: str  # 'rules/pensions.yaml:75', or '' for reserved ids
    facts: tuple[tuple[str, str], ...]  # (derived fact id, where it is defined)


APPENDIX_HEADING = "Appendix: technical references"
APPENDIX_INTRO = (
    "For whoever maintains the proposal or the rulebook: where each finding points in the "
    "file, where its rule is defined, and the derived facts it used."
)
APPENDIX_COLUMNS = ("No.", "Rule", "Line", "Points at", "Rule defined at", "Derived facts")


def ordered(result: Result) -> list[tuple[str, list[Finding]]]:
    """The findings by group (unresolved errors first), each group in topic order."""
    order = {t: i for i, t in enumerate(TOPICS)}

    def group(f: Finding) -> str:
        if f.topic == "schema":
            return "invalid"
        return "waived" if f.waived else f.severity

    out = []
    for key, _ in GROUPS:
        found = [f for f in result.findings if group(f) == key]
        found.sort(key=lambda f: (order.get(f.topic, len(order)), f.sort_key()))
        if found:
            out.append((key, found))
    return out


def lead(result: Result) -> Lead:
    return Lead(
        title=result.title or result.proposal or result.file,
        proposal=result.proposal,
        file=result.file,
        verdict=verdict(result),
        summary=_FOLD.sub(" ", result.summary).strip() if result.summary else None,
        as_at=uk_date(result.as_at) if result.as_at else "",
        as_at_origin=as_at_origin(result.as_at_origin),
    )


def walk(result: Result) -> Iterator[Part]:
    """Every part of one proposal's report, in order (the appendix apart)."""
    yield lead(result)
    if not result.valid:
        yield Note(NOT_VALID)
    elif not result.findings:
        yield Note(NO_FINDINGS)
    headings = dict(GROUPS)
    number = 0
    for key, findings in ordered(result):
        yield Group(key, headings[key], len(findings))
        for f in findings:
            number += 1
            yield from finding_parts(f, number)


def finding_parts(f: Finding, number: int) -> Iterator[Part]:
    """One finding: heading, message, waiver, reasons, what to do, sources."""
    kind = SEVERITY_NAMES[f.severity]
    if f.waived:
        kind = "Waived " + kind.lower()
    where = f"line {f.location.line}" if f.location.line else ""
    if f.topic == "schema":  # every such finding has one title; its place tells them apart
        title, meta = f"At {where}" if where else "In the file as a whole", ()
    else:
        title, meta = f.title, (topic_title(f.topic), f.rule) + ((where,) if where else ())
    yield Head(number, f.severity, f.waived is not None, title, kind, meta)
    yield Message(f.message)
    if f.waived:
        line = waiver_line(f.waived, date=uk_date)
        yield WaiverNote(line[0].upper() + line[1:])
    reasons = tuple(_reasons(f))
    if reasons:
        yield Reasons("Why it fired", reasons)
    if f.remedy:
        yield Remedy("What to do", f.remedy)
    for s in f.sources:
        yield Source(str(s.get("quote") or ""), source_label(s), source_place(s))
    yield End()


def _reasons(f: Finding) -> Iterator[Reason]:
    """The proposal's statements the rule read, each derived conclusion after the
    statements it rests on; a statement is said once."""
    said: set[tuple[str, str]] = set()

    def stated(fields: Any) -> Iterator[Reason]:
        for path, value, line in fields:
            key = (path, show(value))
            if key in said:
                continue
            said.add(key)
            yield Reason("The proposal states", path, show(value), _line(line))

    for step in f.chain:
        yield from stated(step.fields)
        yield Reason(f"It follows that {step.means}")
    yield from stated(f.fields)


def _line(line: int | None) -> str:
    return f"(line {line})" if line else "(not in the file)"


def references(result: Result, rulebook: Any) -> list[Reference]:
    """The appendix rows for one proposal, numbered as `walk` numbers its findings."""
    rules = getattr(rulebook, "rules", {}) if rulebook is not None else {}
    rows = []
    number = 0
    for _, findings in ordered(result):
        for f in findings:
            number += 1
            rule = rules.get(f.rule)
            rows.append(
                Reference(
                    number=number,
                    rule=f.rule,
                    line=f.location.line,
                    column=f.location.column,
                    pointer=f.location.path or "/",
                    rule_at=f"{rule.file}:{rule.line}" if rule else "",
                    facts=tuple((step.fact, step.definition) for step in f.chain),
                )
            )
    return rows


def lead_facts(lead: Lead) -> list[tuple[str, str]]:
    """The lines under a proposal's verdict: its date, id and file, as (label, value)."""
    facts = []
    if lead.as_at:
        facts.append(("Judged as at", f"{lead.as_at}, from {lead.as_at_origin}"))
    if lead.proposal:
        facts.append(("Proposal", lead.proposal))
    facts.append(("File", lead.file))
    return facts


def report_facts(report_date: str, rulebook_info: dict[str, Any]) -> list[tuple[str, str]]:
    """The lines about the report itself: its date and the rulebook's law review date."""
    facts = [("Report date", report_date)]
    if rulebook_info.get("law_reviewed_to"):
        facts.append(("Law reviewed to", uk_date(rulebook_info["law_reviewed_to"])))
    return facts


def batch_line(summary: Summary) -> str:
    """'49 proposals checked: 0 not valid; 33 unresolved errors, 75 warnings, …'."""
    s = summary
    errors = f"{s.error} unresolved error{'s' if s.error != 1 else ''}"
    return (
        f"{s.files} proposals checked: {s.invalid} not valid; {errors}, "
        f"{counted(s.warning, 'warning')}, {counted(s.info, 'info')}, {s.waived} waived."
    )


COLOPHON = (
    "Each finding names the source passage it rests on; quotations are verbatim from the "
    "cited document. Checked against a rulebook of {rules} rules."
)


class BoardRenderer(Renderer):
    """What the Markdown memo and the HTML page share beyond the walk.

    The report is spooled: the body, the appendix and a batch's overview each to a
    temporary file (on disk past 8 MB), so the overview can come first and a batch of
    thousands is never held in memory. The first result waits: alone, it is the whole
    report and its lead the report's head. Each part of the walk goes to the method
    named after its class (`_lead`, `_group`, `_head`, …); a subclass writes those, and
    `_open`, `_close`, `_references` and `_overview`.
    """

    def __init__(self, out: Any, **options: Any) -> None:
        super().__init__(out, **options)
        spool = tempfile.SpooledTemporaryFile
        self.body = spool(max_size=8 << 20, mode="w+", encoding="utf-8")
        self.appendix = spool(max_size=8 << 20, mode="w+", encoding="utf-8")
        self.overview = spool(max_size=8 << 20, mode="w+", encoding="utf-8")
        self.w: Callable[[str], Any] = self.body.write
        self.first: Result | None = None
        self.files = 0
        self.level = 2  # the heading level of a group of findings

    def result(self, result: Result) -> None:
        self.files += 1
        if self.first is None:
            self.first = result
            return
        if self.files == 2:
            self._file(self.first, alone=False)
        self._file(result, alone=False)

    def alone(self) -> Result | None:
        """At `finish`: the one result when there was only one (now walked), else None."""
        if self.files == 1 and self.first is not None:
            self._file(self.first, alone=True)
            return self.first
        return None

    def _file(self, result: Result, alone: bool) -> None:
        self.level = 2 if alone else 3
        self._open(result, alone)
        for part in walk(result):
            getattr(self, "_" + type(part).__name__.lower())(part, alone)
        self._close(result, alone)
        rows = references(result, self.rulebook)
        if rows:
            self._references(result, rows, alone)
        if not alone:
            self._overview(lead(result))

    def _open(self, result: Result, alone: bool) -> None:  # noqa: B027 - optional
        """Write what goes before a proposal's parts."""

    def _close(self, result: Result, alone: bool) -> None:  # noqa: B027 - optional
        """Write what goes after a proposal's parts."""

    @abstractmethod
    def _references(self, result: Result, rows: list[Reference], alone: bool) -> None:
        """Write the appendix of machine references (pointers, rule files)."""

    @abstractmethod
    def _overview(self, lead: Lead) -> None:
        """Write the batch overview that leads a report of several proposals."""


def copy(spool: Any, write: Callable[[str], Any]) -> None:
    """Write out a spool and close it."""
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        write(chunk)
    spool.close()
