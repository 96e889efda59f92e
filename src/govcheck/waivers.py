"""Accepted risks: waivers in a proposal or in a shared waivers file.

A waiver names a rule, a reason, who approved it and when it expires (InSpec's model).
A live waiver marks the finding waived; it stays in every report, but no longer counts
towards `--fail-on`. Nothing quietly silences risk:

- A waiver is live while both the proposal's as-at date and the date of the run are on
  or before its `expires` date (inclusive); past either it covers nothing and is itself
  a `WAIVER-EXPIRED` warning, so a lapsed approval is never kept, even for a proposal
  dated in the past.
- A live waiver that covers no finding is a `WAIVER-UNUSED` info finding, so a stale
  or mistyped approval is seen before the rule fires again. A shared waiver is reported
  so only for a proposal it names by its exact id (a pattern or a waiver for every
  proposal is meant to cover nothing in most of them).
- A run may count only the shared file (`ignore_proposal_waivers`, for CI where that
  file is approved elsewhere): a proposal's own waivers then cover nothing, and each is
  a `WAIVER-UNUSED` finding saying so.
- When several files of a batch claim the same proposal id and a shared waiver names
  that id, every file after the first gets a `WAIVER-ID-CLASH` warning.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GovcheckError, Problem
from .loader import Document, LoadError, read_file
from .model import (
    WAIVER_EXPIRED_RULE,
    WAIVER_ID_CLASH_RULE,
    WAIVER_UNUSED_RULE,
    Finding,
    Location,
    Result,
    Waiver,
)
from .textsafe import visible

if TYPE_CHECKING:
    import jsonschema

_RULE_ID = re.compile(r"[A-Z]+-[0-9]{3}")
_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class SharedWaiver:
    waiver: Waiver
    proposals: tuple[str, ...]  # ids or glob patterns; empty = every proposal

    def covers_proposal(self, proposal_id: str) -> bool:
        return not self.proposals or any(
            fnmatch.fnmatchcase(proposal_id, p) for p in self.proposals
        )

    def names_proposal(self, proposal_id: str) -> bool:
        """True when `proposals:` lists this id itself, not only a pattern it fits."""
        return any(p == proposal_id and not _GLOB & set(p) for p in self.proposals)


class WaiversFileError(GovcheckError):
    """A shared waivers file that cannot be used: every problem, each with its file,
    line and column."""

    kind = "broken waivers file"


_FIELDS = ("rule", "reason", "approved_by", "expires", "proposals")
_SHAPE = "a waiver needs rule, reason, approved_by, expires (YYYY-MM-DD) and optionally proposals"

_SHARED_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["rule", "reason", "approved_by", "expires"],
        "properties": {
            "rule": {"type": "string", "pattern": "^[A-Z]+-[0-9]{3}$"},
            "reason": {"type": "string", "minLength": 3, "pattern": "\\S"},
            "approved_by": {"type": "string", "minLength": 2, "pattern": "\\S"},
            "expires": {
                "type": "string",
                "format": "date",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            },
            "proposals": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "minLength": 1},
            },
        },
    },
}


def load_shared(path: str | Path, rule_ids: Iterable[str]) -> list[SharedWaiver]:
    """Read `--waivers FILE`. Any problem stops the run (exit 2): every problem of the
    file at once, each at its line and column."""
    display = str(path)
    try:
        doc = load_bytes_as_list(read_file(path), display)
    except OSError as e:
        raise WaiversFileError(f"cannot read: {e.strerror}", display) from None
    except LoadError as e:
        raise WaiversFileError(e.message, display, e.line, e.column) from None
    return _shared_from(doc, display, set(rule_ids))


def load_bytes_as_list(raw: bytes, display: str) -> Document:
    """Load a YAML (or JSON) list with the proposal loader's strict checks.

    The proposal loader refuses any top level but a mapping, so the list is read as the
    value of a key that exists only in the parser's event stream: the text is untouched,
    and every line, column and message refers to the file as written.
    """
    import yaml
    from yaml.events import (
        DocumentEndEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        StreamEndEvent,
    )

    from .loader import MAX_BYTES, Position
    from .loader.decoding import decode
    from .loader.yaml_errors import reworded
    from .loader.yaml_events import new_parser, walk

    if len(raw) > MAX_BYTES:
        raise LoadError(f"the file is larger than {MAX_BYTES:,} bytes")
    text = decode(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = new_parser(text)

    def events():  # type: ignore[no-untyped-def]
        yield parser.get_event()  # stream start
        start = parser.get_event()
        if type(start) is StreamEndEvent:
            raise LoadError("the waivers file is empty; write a YAML list of waivers, or []")
        yield start  # document start
        root = parser.get_event()
        if type(root) is ScalarEvent and not root.style and root.value in ("", "~", "null"):
            raise LoadError("the waivers file is empty; write a YAML list of waivers, or []")
        mark = root.start_mark
        yield MappingStartEvent(None, None, True, mark, mark, flow_style=False)
        yield ScalarEvent(None, None, (True, False), "waivers", mark, mark)
        yield root
        while True:
            event = parser.get_event()
            if type(event) is DocumentEndEvent:
                yield MappingEndEvent(event.start_mark, event.start_mark)
            yield event

    stream = events()
    try:
        data, positions = walk(lambda: next(stream), text)
    except yaml.YAMLError as exc:
        raise reworded(exc, text) from None
    finally:
        stream.close()
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    moved = {k[len("/waivers") :]: p for k, p in positions.items() if k.startswith("/waivers")}
    moved[""] = positions.get("/waivers", Position(1, 1))
    return Document(display, data["waivers"], moved)


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(JSON pointer, plain-words message) for one schema problem of a waivers file."""
    parts = list(error.absolute_path)
    pointer = "".join(f"/{p}" for p in parts)
    name = f"`{parts[-1]}`" if parts and isinstance(parts[-1], str) else "this entry"
    value = error.instance
    kind = error.validator
    if kind == "type" and not parts:
        return pointer, "a waivers file is a YAML list of waivers (each item starts with `- `)"
    if kind == "type" and len(parts) == 1:
        return pointer, f"each item must be a waiver (a mapping); {_SHAPE}"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return pointer, f"this waiver is missing `{missing}`; {_SHAPE}"
    if kind == "additionalProperties":
        extra = sorted(k for k in value if k not in _FIELDS)
        key = extra[0] if extra else "?"
        return pointer + f"/{key}", f"unknown field `{key}` in a waiver; {_SHAPE}"
    if kind in ("format", "pattern") and parts and parts[-1] == "expires":
        return pointer, f"{name} is {value!r}, which is not a real date; write YYYY-MM-DD"
    if kind == "pattern" and error.validator_value == "\\S":
        return pointer, f"{name} is blank; a waiver must say why, and who approved it"
    if kind == "minItems" and parts and parts[-1] == "proposals":
        return pointer, (
            "`proposals` is empty, which would cover no proposal; name the proposal ids "
            "(or patterns) the waiver is for, or leave `proposals` out to cover every one"
        )
    if kind == "pattern" and parts and parts[-1] == "rule":
        return pointer, f"{name} is {value!r}; a rule id looks like COI-001"
    if kind == "minLength":
        return pointer, f"{name} is too short; write at least {error.validator_value} characters"
    if kind == "type":
        wanted = {"string": "text (quote it)", "array": "a list"}.get(
            str(error.validator_value), str(error.validator_value)
        )
        return pointer, f"{name} is {value!r}; it should be {wanted}"
    return pointer, f"{error.message}; {_SHAPE}"


def _shared_from(doc: Document, display: str, rule_ids: set[str]) -> list[SharedWaiver]:
    import jsonschema  # only a run with a shared waivers file needs it

    validator = jsonschema.Draft202012Validator(
        _SHARED_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for error in validator.iter_errors(doc.data):
        if error.validator == "minLength" and not str(error.instance).strip():
            continue  # a blank value: its pattern problem says so, once
        pointer, message = _explain(error)
        at = doc.locate(pointer)
        problems.append(Problem(display, at.line, at.column, message))
    if not isinstance(doc.data, list):
        raise WaiversFileError(problems)
    for i, item in enumerate(doc.data):
        for key in ("reason", "approved_by"):
            value = item.get(key) if isinstance(item, dict) else None
            if isinstance(value, str) and value.strip() and not visible(value):
                at = doc.locate(f"/{i}/{key}")
                problems.append(Problem(
                    display, at.line, at.column,
                    f"`{key}` is blank (it holds only characters that do not show); a "
                    "waiver must say why, and who approved it",
                ))
        rule = item.get("rule") if isinstance(item, dict) else None
        if isinstance(rule, str) and rule not in rule_ids and _RULE_ID.fullmatch(rule):
            at = doc.locate(f"/{i}/rule")
            problems.append(
                Problem(
                    display,
                    at.line,
                    at.column,
                    f"waiver names rule {rule}, which is not in the loaded rulebook "
                    "(`govcheck rules` lists them)",
                )
            )
    if problems:
        raise WaiversFileError(sorted(set(problems)))
    out = []
    for i, item in enumerate(doc.data):
        loc = doc.locate(f"/{i}")
        waiver = Waiver(
            rule=item["rule"],
            reason=item["reason"],
            approved_by=item["approved_by"],
            expires=item["expires"],
            origin=display,
            location=Location(f"/{i}", loc.line, loc.column),
        )
        out.append(SharedWaiver(waiver, tuple(item.get("proposals", []))))
    return out


def proposal_waivers(doc: Document) -> list[Waiver]:
    out = []
    for i, item in enumerate(doc.data.get("waivers", []) or []):
        pointer = f"/waivers/{i}"
        pos = doc.locate(pointer)
        out.append(
            Waiver(
                rule=item["rule"],
                reason=item["reason"],
                approved_by=item["approved_by"],
                expires=item["expires"],
                location=Location(pointer, pos.line, pos.column),
            )
        )
    return out


def apply(
    findings: list[Finding],
    waivers: list[Waiver],
    as_at: str,
    proposal_location: Location,
    *,
    today: str | None = None,
    quiet: Collection[Waiver] = (),
    ignored: Iterable[Waiver] = (),
) -> list[Finding]:
    """Mark covered findings waived; add a finding for each waiver that expired, covers
    nothing, or is ignored.

    `waivers` apply to this proposal, the first for a rule winning (the proposal's own
    before shared ones). A waiver is live while `as_at` and `today` (the date of the run)
    are both on or before its expiry. A live waiver in `quiet` (compared by identity: a
    shared waiver that does not name this proposal by id) is not reported when it covers
    nothing. `ignored` waivers (the proposal's own, in a run that counts only the shared
    file) cover nothing and are each reported as such.
    """
    live = [w for w in waivers if w.live_at(as_at, today)]
    cover: dict[str, Waiver] = {}
    for w in live:
        cover.setdefault(w.rule, w)
    used: set[int] = set()
    for f in findings:
        w = cover.get(f.rule)
        if w is not None:
            f.waived = w
            used.add(id(w))
    quiet_ids = {id(w) for w in quiet}
    fired = {f.rule for f in findings}
    added = []
    for w in waivers:
        if not w.live_at(as_at, today):
            added.append(_expired(w, as_at, today, proposal_location))
        elif id(w) not in used and id(w) not in quiet_ids:
            if w.rule in fired:
                why = (
                    f"another waiver of {w.rule}, in {_where(cover[w.rule])}, covers its "
                    "finding already"
                )
            else:
                why = f"{w.rule} does not fire on this proposal as at {as_at}"
            added.append(_unused(w, why, proposal_location))
    for w in ignored:
        why = (
            "this run counts only the shared waivers file (ignore_proposal_waivers), "
            f"so the finding of {w.rule}, if any, stays unwaived"
        )
        added.append(_unused(w, why, proposal_location))
    return findings + added


def _where(w: Waiver) -> str:
    """'this proposal (line 104)', 'waivers.yaml (line 6)'."""
    place = "this proposal" if w.origin == "proposal" else w.origin
    return f"{place} (line {w.location.line})" if w.location else place


def _at(w: Waiver, proposal_location: Location) -> Location:
    return w.location if w.origin == "proposal" and w.location else proposal_location


def _expired(w: Waiver, as_at: str, today: str | None, proposal_location: Location) -> Finding:
    past = []
    if as_at > w.expires:
        past.append(f"the as-at date {as_at}")
    if today is not None and today > w.expires:
        past.append(f"today ({today})")
    return Finding.reserved(
        WAIVER_EXPIRED_RULE,
        f"The waiver of {w.rule} in {_where(w)} expired on {w.expires}, before "
        f"{' and '.join(past)}, so it covers nothing. Reason given: {w.reason}; approved by "
        f"{w.approved_by}.",
        _at(w, proposal_location),
    )


def _unused(w: Waiver, why: str, proposal_location: Location) -> Finding:
    return Finding.reserved(
        WAIVER_UNUSED_RULE,
        f"The waiver of {w.rule} in {_where(w)} covers nothing: {why}. Reason given: "
        f"{w.reason}; approved by {w.approved_by}.",
        _at(w, proposal_location),
    )


class IdClaims:
    """Across a batch: warn when a file claims a proposal id that an earlier file of the
    batch claimed and that a shared waiver names (by id or pattern). Results pass
    through :meth:`check` in the order they are reported."""

    def __init__(self, shared: Iterable[SharedWaiver]) -> None:
        self.scoped = [s for s in shared if s.proposals]
        self.first: dict[str, str] = {}

    def check(self, result: Result) -> Result:
        pid = result.proposal
        if not self.scoped or not pid or not result.valid:
            return result
        names = [s for s in self.scoped if s.covers_proposal(pid)]
        if not names:
            return result
        first = self.first.setdefault(pid, result.file)
        if first == result.file:
            return result
        waiver = names[0].waiver
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        result.findings.append(
            Finding.reserved(
                WAIVER_ID_CLASH_RULE,
                f"This file claims the proposal id {pid}, which {first} claims too. The "
                f"shared waiver of {waiver.rule} in {_where(waiver)}{more} names that id, so "
                "it covers both files.",
                result.id_location or Location("/id", 1, 1),
            )
        )
        result.findings.sort(key=Finding.sort_key)
        return result

    def each(self, results: Iterable[Result]) -> Iterator[Result]:
        for result in results:
            yield self.check(result)
