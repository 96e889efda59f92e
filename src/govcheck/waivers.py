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

import jsonschema

from .loader import Document, LoadError, load_path
from .model import WAIVER_EXPIRED_RULE, Finding, Location, Waiver


@dataclass(frozen=True)
class SharedWaiver:
    waiver: Waiver
    proposals: tuple[str, ...]  # ids or glob patterns; empty = every proposal

    def covers_proposal(self, proposal_id: str) -> bool:
        return not self.proposals or any(
            fnmatch.fnmatchcase(proposal_id, p) for p in self.proposals
        )


class WaiversFileError(Exception):
    def __init__(self, message: str, file: str, line: int = 1) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.message, self.file, self.line = message, file, line


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
            "expires": {"type": "string", "format": "date"},
            "proposals": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def load_shared(path: str | Path, rule_ids: Iterable[str]) -> list[SharedWaiver]:
    """Read `--waivers FILE`; any problem stops the run (exit 2) with its line."""
    display = str(path)
    try:
        doc = load_path(path, display=display)
    except LoadError as e:
        # A waivers file is a list, which the proposal loader refuses at the top level.
        if "not a mapping" in e.message or "is a list" in e.message:
            doc = _load_list(path, display)
        else:
            raise WaiversFileError(e.message, display, e.line) from None
    except OSError as e:
        raise WaiversFileError(f"cannot read: {e.strerror}", display) from None
    return _shared_from(doc, display, set(rule_ids))


def _load_list(path: str | Path, display: str) -> Document:
    raw = Path(path).read_bytes()
    try:
        wrapped = load_bytes_as_list(raw, display)
    except LoadError as e:
        raise WaiversFileError(e.message, display, e.line) from None
    return wrapped


def load_bytes_as_list(raw: bytes, display: str) -> Document:
    """Load a YAML list strictly by wrapping it under a key (keeps the loader's checks)."""
    from .loader import load_bytes

    text = raw.decode("utf-8", errors="strict")
    if text.startswith("\ufeff"):
        text = text[1:]
    wrapped = "waivers:\n" + "".join("  " + line + "\n" for line in text.splitlines())
    doc = load_bytes(wrapped.encode(), display, fmt="yaml")
    positions = {
        k[len("/waivers") :]: p._replace(line=p.line - 1)
        for k, p in doc.positions.items()
        if k.startswith("/waivers")
    }
    return Document(display, doc.data["waivers"], positions)


def _shared_from(doc: Document, display: str, rule_ids: set[str]) -> list[SharedWaiver]:
    validator = jsonschema.Draft202012Validator(
        _SHARED_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for error in validator.iter_errors(doc.data):
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        raise WaiversFileError(
            f"{error.message} (a waiver needs rule, reason, approved_by, expires "
            "YYYY-MM-DD, and optionally proposals)",
            display,
            doc.locate(pointer).line,
        )
    out = []
    for i, item in enumerate(doc.data):
        loc = doc.locate(f"/{i}")
        if item["rule"] not in rule_ids:
            raise WaiversFileError(
                f"waiver names rule {item['rule']}, which is not in the loaded rulebook",
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
