"""Accepted risks: waivers in a proposal or in a shared waivers file.

A waiver names a rule, a reason, who approved it and when it expires (InSpec's model).
A live waiver marks the finding waived; it stays in every report, but no longer counts
towards `--fail-on`. An expired waiver covers nothing and is itself a `WAIVER-EXPIRED`
warning, so a lapsed approval is never silently kept. Liveness is judged at the
proposal's `as_at` date, and `expires` is inclusive.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GovcheckError
from .loader import Document, LoadError
from .model import WAIVER_EXPIRED_RULE, Finding, Location, Waiver

if TYPE_CHECKING:
    import jsonschema


@dataclass(frozen=True)
class SharedWaiver:
    waiver: Waiver
    proposals: tuple[str, ...]  # ids or glob patterns; empty = every proposal

    def covers_proposal(self, proposal_id: str) -> bool:
        return not self.proposals or any(
            fnmatch.fnmatchcase(proposal_id, p) for p in self.proposals
        )


class WaiversFileError(GovcheckError):
    """A shared waivers file that cannot be used; names the file and line."""

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
            "reason": {"type": "string", "minLength": 3},
            "approved_by": {"type": "string", "minLength": 2},
            "expires": {
                "type": "string",
                "format": "date",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            },
            "proposals": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    },
}


def load_shared(path: str | Path, rule_ids: Iterable[str]) -> list[SharedWaiver]:
    """Read `--waivers FILE`; any problem stops the run (exit 2) with its line."""
    display = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise WaiversFileError(f"cannot read: {e.strerror}", display) from None
    try:
        doc = load_bytes_as_list(raw, display)
    except LoadError as e:
        raise WaiversFileError(e.message, display, e.line) from None
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
    errors = sorted(
        validator.iter_errors(doc.data),
        key=lambda e: doc.locate(_explain(e)[0]),
    )
    if errors:
        pointer, message = _explain(errors[0])
        raise WaiversFileError(message, display, doc.locate(pointer).line)
    out = []
    for i, item in enumerate(doc.data):
        loc = doc.locate(f"/{i}")
        if item["rule"] not in rule_ids:
            raise WaiversFileError(
                f"waiver names rule {item['rule']}, which is not in the loaded rulebook "
                "(`govcheck rules` lists them)",
                display,
                doc.locate(f"/{i}/rule").line,
            )
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
) -> list[Finding]:
    """Mark covered findings waived and add a warning for every expired waiver."""
    live = {}
    for w in waivers:
        if w.live_at(as_at):
            live.setdefault(w.rule, w)
    for f in findings:
        if f.rule in live:
            f.waived = live[f.rule]
    expired = []
    for w in waivers:
        if w.live_at(as_at):
            continue
        where = "this proposal" if w.origin == "proposal" else w.origin
        line_note = f" (line {w.location.line})" if w.origin != "proposal" and w.location else ""
        expired.append(
            Finding(
                rule=WAIVER_EXPIRED_RULE,
                severity="warning",
                topic="waiver",
                title="Waiver has expired",
                message=(
                    f"The waiver of {w.rule} in {where}{line_note} expired on {w.expires}, "
                    f"before the as-at date {as_at}, so it covers nothing. Reason given: "
                    f"{w.reason}; approved by {w.approved_by}."
                ),
                location=w.location if w.origin == "proposal" and w.location else proposal_location,
                remedy="Renew the approval with a new expiry date, or remove the waiver and "
                "answer the finding.",
            )
        )
    return findings + expired
