"""Check a loaded proposal against the proposal schema and its cross-references.

Every problem becomes a `SCHEMA` finding at the line of the key at fault, in plain
words: what is wrong and what is allowed. All problems are reported at once, so a
user fixes a file in one pass rather than one error per run.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from .fastcheck import QuickVerdict
from .loader import Document
from .model import SCHEMA_RULE, Finding, Location
from .resources import proposal_schema

if TYPE_CHECKING:
    import jsonschema

# Where a proposal refers to another of its entries by id (proposal-format.md).
REFERENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/contract/counterparty", ("commissioners",), "a commissioner"),
    ("/provider/parent", ("commissioners", "bodies"), "a commissioner or body"),
    ("/assets/*/from", ("commissioners", "bodies"), "a commissioner or body"),
    ("/conflicts_of_interest/*/commissioner", ("commissioners",), "a commissioner"),
    ("/partnership/lead_commissioner", ("commissioners",), "a commissioner"),
)


@cache
def _validation_schema() -> dict[str, Any]:
    schema = _enums_for_validation(proposal_schema())
    return _inline_refs(schema, schema.get("$defs", {}), ())


@cache
def _validator() -> jsonschema.Draft202012Validator:
    # Imported here: a run whose proposals all pass the fast check never needs it.
    import jsonschema

    return jsonschema.Draft202012Validator(
        _validation_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _enums_for_validation(node: Any) -> Any:
    """The schema with each `oneOf` of described constants turned into a plain `enum`.

    The bundled schema writes enums as `enum` with `enumDescriptions` (so editors show
    the field's meaning on hover); a schema written the older way, `oneOf: [{const,
    description}]`, means the same for validation, and `enum` is about ten times
    faster for jsonschema to check (each oneOf branch is otherwise a sub-validation).
    """
    if isinstance(node, dict):
        branches = node.get("oneOf")
        if (
            isinstance(branches, list)
            and branches
            and all(isinstance(b, dict) and "const" in b for b in branches)
        ):
            rest = {k: _enums_for_validation(v) for k, v in node.items() if k != "oneOf"}
            return {**rest, "enum": [b["const"] for b in branches]}
        return {k: _enums_for_validation(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_enums_for_validation(v) for v in node]
    return node


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """The schema with each `$ref: "#/$defs/x"` replaced by a copy of `x`.

    Same verdicts and messages; jsonschema resolves a `$ref` on every use, which was a
    quarter of validating a proposal. A recursive definition keeps its `$ref`.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.rsplit("/", 1)[1]
            if name in defs and name not in seen:
                rest = {k: _inline_refs(v, defs, seen) for k, v in node.items() if k != "$ref"}
                return {**_inline_refs(defs[name], defs, (*seen, name)), **rest}
        return {k: _inline_refs(v, defs, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs, seen) for v in node]
    return node


def schema_finding(message: str, location: Location) -> Finding:
    return Finding(
        rule=SCHEMA_RULE,
        severity="error",
        topic="schema",
        title="Not a valid proposal",
        message=message,
        location=location,
        remedy="Correct the proposal as the message says; see `govcheck schema --docs`.",
    )


_quick_verdict = QuickVerdict(_validation_schema)


def validate(doc: Document, rule_ids: Iterable[str] | None = None) -> list[Finding]:
    """All schema and reference problems of one proposal, each located."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    errors = () if _quick_verdict(doc.data) else _validator().iter_errors(doc.data)
    for error in errors:
        pointer, message = _explain(error)
        if (pointer, message) in seen:
            continue
        seen.add((pointer, message))
        pos = doc.locate(pointer)
        findings.append(schema_finding(message, Location(pointer, pos.line, pos.column)))
    if findings or not isinstance(doc.data, dict):
        return findings
    findings.extend(_references(doc, set(rule_ids) if rule_ids is not None else None))
    return findings


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _field_name(error: jsonschema.ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    return ".".join(p if not p.isdigit() else f"[{p}]" for p in path).replace(".[", "[") or "top"


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    pointer = _pointer(error.absolute_path)
    name = _field_name(error)
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed and not str(k).startswith("x-"))
        key = extra[0] if extra else "?"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        where = f"in {name}" if name != "top" else "at the top level"
        return (
            pointer + "/" + key,
            f"unknown field `{key}` {where}{hint}. Allowed: {', '.join(allowed)} "
            "(or an `x-` key for local notes)",
        )
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        where = f"`{name}`" if name != "top" else "the proposal"
        return pointer, f"{where} is missing the required field `{missing}`"
    if kind == "oneOf" and all("const" in b for b in schema.get("oneOf", [])):
        allowed = [b["const"] for b in schema["oneOf"]]
        return pointer, _not_allowed(name, value, allowed)
    if kind in ("enum", "const"):
        allowed = schema.get("enum") or [schema.get("const")]
        return pointer, _not_allowed(name, value, allowed)
    if kind == "type":
        wanted = error.validator_value
        if wanted == "boolean":
            return pointer, f"`{name}` is {_show(value)}; write true or false"
        if wanted in ("integer", "number"):
            return pointer, f"`{name}` is {_show(value)}; write a number, e.g. 240"
        if wanted == "string" and isinstance(value, bool | int | float):
            return pointer, f"`{name}` is {_show(value)}; write text (quote it)"
        plural = {"array": "a list", "object": "a group of fields", "string": "text"}
        return pointer, f"`{name}` is {_show(value)}; it should be {plural.get(wanted, wanted)}"
    if kind == "format" and error.validator_value == "date":
        return pointer, (
            f"`{name}` is {_show(value)}, which is not a real calendar date; "
            "write YYYY-MM-DD, e.g. 2009-10-01"
        )
    if kind == "minimum":
        return (
            pointer,
            f"`{name}` is {_show(value)}; it cannot be less than {error.validator_value}",
        )
    if kind == "maximum":
        return (
            pointer,
            f"`{name}` is {_show(value)}; it cannot be more than {error.validator_value}",
        )
    if kind == "minItems":
        return pointer, f"`{name}` needs at least {error.validator_value} entry"
    if kind == "pattern" and error.validator_value == "\\S":
        return pointer, f"`{name}` is blank; write it out (a waiver says why, and who approved it)"
    if kind == "pattern":
        return pointer, (
            f"`{name}` is {_show(value)}; it must match {error.validator_value} "
            "(lower-case letters, digits and hyphens for ids; PREFIX-NNN for rule ids)"
        )
    if kind == "uniqueItems":
        return pointer, f"`{name}` lists the same value twice"
    if kind == "maxLength":
        return pointer, f"`{name}` is longer than {error.validator_value} characters"
    return pointer, f"`{name}`: {error.message}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return str(value)


def _not_allowed(name: str, value: Any, allowed: list[Any]) -> str:
    text = f"`{name}` is {_show(value)}, which is not an allowed value. Allowed: " + ", ".join(
        str(a) for a in allowed
    )
    if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
        text += " (yes/no/on/off are plain words in YAML 1.2, not true/false)"
    return text


def _references(doc: Document, rule_ids: set[str] | None) -> list[Finding]:
    data = doc.data
    ids = {
        kind: {item.get("id") for item in data.get(kind, []) if isinstance(item, dict)}
        for kind in ("commissioners", "bodies")
    }
    out: list[Finding] = []
    for pattern, targets, what in REFERENCES:
        for pointer, value in _resolve(data, pattern.split("/")[1:], ""):
            known = set().union(*(ids[t] for t in targets))
            if value not in known:
                pos = doc.locate(pointer)
                listed = ", ".join(sorted(str(k) for k in known)) or "none"
                out.append(
                    schema_finding(
                        f'`{pointer[1:].replace("/", ".")}` is "{value}", which is not the '
                        f"id of {what} in this proposal. Known ids: {listed}",
                        Location(pointer, pos.line, pos.column),
                    )
                )
    if rule_ids is not None:
        for i, waiver in enumerate(data.get("waivers", []) or []):
            rule = waiver.get("rule")
            if rule not in rule_ids:
                pointer = f"/waivers/{i}/rule"
                pos = doc.locate(pointer)
                close = difflib.get_close_matches(str(rule), sorted(rule_ids), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]}?" if close else ""
                out.append(
                    schema_finding(
                        f"waiver names rule {rule}, which is not in the loaded rulebook{hint} "
                        "(`govcheck rules` lists them)",
                        Location(pointer, pos.line, pos.column),
                    )
                )
    return out


def _resolve(data: Any, parts: list[str], prefix: str) -> Iterable[tuple[str, Any]]:
    if not parts:
        yield prefix, data
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _resolve(item, rest, f"{prefix}/{i}")
    elif isinstance(data, dict) and head in data:
        yield from _resolve(data[head], rest, f"{prefix}/{head}")
