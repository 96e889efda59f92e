"""The interface every output format implements, and the sentences formats share.

A sentence that several formats write (the waiver line, the verdict, the as-at origin,
a source's label) is written once here, as plain text. Each renderer shows it its own
way: the text report through `govcheck.textsafe.clean`, Markdown and HTML escaped on
top of that. So the wording stays one, and escaping stays with the format.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..model import Result, Summary, Waiver


class Renderer(ABC):
    """Streams a report: `start` once, `result` per file, `finish` once.

    `today` is the date the report is made (shown by the board formats); tests fix it.
    """

    # True for a report read in a terminal or a CI log: written in that stream's own
    # encoding, any character it cannot hold shown as an escape. False (the default)
    # for a document, which is always UTF-8.
    terminal: bool = False

    def __init__(
        self,
        out: IO[str],
        *,
        rulebook: Any = None,
        color: bool = False,
        today: datetime.date | None = None,
    ) -> None:
        self.out = out
        self.rulebook = rulebook
        self.color = color
        self.today = today or datetime.date.today()
        self.tool: dict[str, str] = {}
        self.rulebook_info: dict[str, Any] = {}

    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        self.tool, self.rulebook_info = tool, rulebook

    @abstractmethod
    def result(self, result: Result) -> None:
        """Write one file's result (each format says how)."""

    def finish(self, summary: Summary) -> None:  # noqa: B027 - optional, by design
        """Write what follows the last result; formats with no closing part keep this."""


# ---- dates


def uk_date(value: str | datetime.date | None) -> str:
    """'2009-10-01' -> '1 October 2009' (a date a board reads); other text unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# Not strftime's %B, which follows the locale.
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


# Where a result's as-at date came from, in the words every format uses.
AS_AT_ORIGINS = {
    "proposal": "the proposal's as_at",
    "command line": "--as-at",
    "today": "today's date",
}


def as_at_origin(origin: str) -> str:
    """'from the proposal's as_at', '--as-at' or 'today's date', for `Result.as_at_origin`."""
    return AS_AT_ORIGINS.get(origin, origin)


def law_reviewed_line(rulebook_info: dict[str, Any] | None) -> str:
    """'Law reviewed to 30 November 2026', or '' when the rulebook does not say."""
    when = (rulebook_info or {}).get("law_reviewed_to")
    return f"Law reviewed to {uk_date(when)}" if when else ""


# ---- counts and the verdict

_NOUNS = {
    "error": ("error", "errors"),
    "warning": ("warning", "warnings"),
    "info": ("point to note", "points to note"),
}


def counted(n: int, severity: str) -> str:
    """'1 error', '2 warnings', '3 points to note'."""
    one, many = _NOUNS.get(severity, (severity, severity + "s"))
    return f"{n} {one if n == 1 else many}"


def with_article(severity: str) -> str:
    """'an error', 'a warning', 'an info finding'."""
    word = "info finding" if severity == "info" else severity
    return ("an " if word[0] in "aeiou" else "a ") + word


NO_FINDINGS = "No findings: no rule in force on this date fired on this proposal."
NOT_VALID = "This file is not a valid proposal; no rule was run on it."


@dataclass(frozen=True)
class Verdict:
    """A result in plain words: `status` is ready, warnings, waivers, not-ready or invalid.

    `headline` leads the report ("Not ready: 1 unresolved error, 2 warnings to answer");
    `aside` says what else there is ("Also: 1 point to note, and 1 error waived as an
    accepted risk."), or is empty.
    """

    status: str
    label: str
    headline: str
    aside: str


def verdict(result: Result) -> Verdict:
    """What a board member should take from a result, in one line and an aside."""
    if not result.valid:
        n = sum(1 for f in result.findings if f.topic == "schema")
        problems = f"{n} problem{'s' if n != 1 else ''} to correct"
        return Verdict(
            "invalid",
            "Not a valid proposal",
            f"Not a valid proposal: {problems} before it can be checked",
            "",
        )
    live = {s: 0 for s in _NOUNS}
    waived = {s: 0 for s in _NOUNS}
    for f in result.findings:
        (waived if f.waived else live)[f.severity] += 1
    errors, warnings = live["error"], live["warning"]
    to_answer = f"{counted(warnings, 'warning')} to answer"
    if errors:
        status, label = "not-ready", "Not ready"
        said = f"{errors} unresolved error{'s' if errors != 1 else ''}"
        said += f", {to_answer}" if warnings else ""
    elif warnings:
        status, label, said = "warnings", "Ready with warnings", to_answer
    elif any(waived.values()):
        status, label, said = "waivers", "Ready with waivers", "no unresolved errors or warnings"
    else:
        status, label, said = "ready", "Ready", "no errors or warnings found"
    also = []
    if live["info"]:
        also.append(counted(live["info"], "info"))
    accepted = [counted(n, s) for s, n in waived.items() if n]
    if accepted:
        risk = "accepted risks" if sum(waived.values()) > 1 else "an accepted risk"
        also.append(" and ".join(accepted) + " waived as " + risk)
    aside = f"Also: {', and '.join(also)}." if also else ""
    return Verdict(status, label, f"{label}: {said}", aside)


# ---- waivers and sources


def waiver_line(waiver: Waiver, *, date: Callable[[str], str] = str) -> str:
    """'waived until 2010-03-31 by PCT board, minute 2009/117: Ministerial letter'.

    `date` shows the expiry (`uk_date` for the board formats). A renderer starting a
    sentence with it capitalises the first letter.
    """
    return f"waived until {date(waiver.expires)} by {waiver.approved_by}: {waiver.reason}"


def later_law(source: dict[str, Any]) -> str:
    """'Later law, from 24 February 2025: ' for a citation that began after the date that
    decided the finding (marked `later`), so no reader takes it for the law of the day.
    Guidance says 'Later guidance: ' without a date, which for guidance is only a bound."""
    if not source.get("later"):
        return ""
    if source.get("kind") == "guidance":
        return "Later guidance: "
    return f"Later law, from {uk_date(source.get('applies_from'))}: "


def source_label(source: dict[str, Any]) -> str:
    """How a reader names a source: its title and section, or an instrument's reference
    ('Companies (Audit, …) Act 2004, ss.35-36'); never the seed file's name."""
    if source.get("reference"):
        return later_law(source) + str(source["reference"])
    parts = (source.get("title") or source.get("document", ""), source.get("section", ""))
    return later_law(source) + ", ".join(str(p) for p in parts if p)


def source_place(source: dict[str, Any]) -> str:
    """Where to find the words: '000_c1c7c90f00c43813.txt line 557', or the URL."""
    if "file" in source:
        return f"{source['file']} line {source['line']}"
    return str(source.get("url", ""))


def cite(source: dict[str, Any]) -> str:
    """A source as a reader names it, then where to find its words:
    'Health and Social Care Act 2012, s.34 (https://…)'."""
    place = source_place(source)
    return source_label(source) + (f" ({place})" if place else "")


def source_line(source: dict[str, Any]) -> str:
    """'Freeman & Peck (2007) Adult care…, 8(iii)(b) …, 000_….txt line 557'."""
    where = source.get("section", "")
    if "file" in source:
        place = f"{source['file']} line {source['line']}"
    else:
        place = source.get("reference", "")
        if source.get("url"):
            place += f" <{source['url']}>"
    said = ", ".join(p for p in (source.get("title", source["document"]), where, place) if p)
    return later_law(source) + said
