"""Check a loaded proposal against the proposal schema and its cross-references.

Every problem becomes a `SCHEMA` finding at the line of the key at fault, in plain
words: what is wrong and what is allowed. All problems are reported at once, so a
user fixes a file in one pass rather than one error per run.

The work stays in proportion to the file, whatever it holds: a list longer than the
schema allows is reported once and checked up to its limit; the first MAX_FINDINGS
problems are listed and one more finding says how many others there are; a dangling
reference names at most KNOWN_IDS_SHOWN of the ids it could have meant, and the ids
are gathered once per proposal, not once per reference.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from functools import cache
from typing import TYPE_CHECKING, Any

from .fastcheck import QuickVerdict
from .loader import Document
from .model import SCHEMA_RULE, Finding, Location
from .resources import proposal_schema
from .textsafe import visible

if TYPE_CHECKING:
    import jsonschema

MAX_FINDINGS = 100  # listed for one proposal; one more finding counts the rest
KNOWN_IDS_SHOWN = 10  # ids a dangling reference's message names

# Where a proposal refers to another of its entries by id; each must name an entry that
# exists, else a `schema` finding at the line of the reference.
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
    return Finding.reserved(SCHEMA_RULE, message, location)


_quick_verdict = QuickVerdict(_validation_schema)


def validate(doc: Document, rule_ids: Iterable[str] | None = None) -> list[Finding]:
    """All schema and reference problems of one proposal, each located (the first
    MAX_FINDINGS of them, and one finding saying how many more there are)."""
    listed = _Listed(doc)
    if not _quick_verdict(doc.data):
        too_long: list[tuple[str, int, int]] = []
        data = _within_limits(doc.data, _validation_schema(), "", too_long)
        for pointer, length, limit in too_long:
            listed.add(pointer, _too_long(pointer, length, limit))
        for error in _validator().iter_errors(data):
            if listed.full():
                listed.more += 1
                continue
            listed.add(*_explain(error))
    if not listed.findings and isinstance(doc.data, dict):
        for pointer, message in _unseen_waiver_text(doc.data):
            listed.add(pointer, message)
        # A dict's keys (the checker passes the rulebook's) answer `in` as a set does.
        names = rule_ids if rule_ids is None or isinstance(rule_ids, AbstractSet) else {*rule_ids}
        for pointer, message in _references(doc.data, names, listed.full):
            listed.add(pointer, message)
    return listed.done()


class _Listed:
    """The findings of one proposal, each problem once, up to MAX_FINDINGS."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()
        self.more = 0

    def full(self) -> bool:
        return len(self.findings) >= MAX_FINDINGS

    def add(self, pointer: str, message: str) -> None:
        if (pointer, message) in self.seen:
            return
        if self.full():
            self.more += 1
            return
        self.seen.add((pointer, message))
        pos = self.doc.locate(pointer)
        self.findings.append(schema_finding(message, Location(pointer, pos.line, pos.column)))

    def done(self) -> list[Finding]:
        if self.more:
            self.findings.append(
                schema_finding(
                    f"this proposal has {self.more:,} more problems than the {MAX_FINDINGS} "
                    "listed; correct those and check it again to see the rest",
                    Location("", 1, 1),
                )
            )
        return self.findings


def _within_limits(value: Any, node: Any, pointer: str, too_long: list[Any]) -> Any:
    """`value`, or a copy of it with every list cut to the schema's maxItems for it;
    (pointer, length, limit) is added to `too_long` for each list that was longer.

    The validator then does work in proportion to what the schema allows, and its
    problems with the first items are still found. Only the parts of the schema that
    hold a limit are followed, so the depth is the schema's, not the data's.
    """
    if not _has_limits(node):
        return value
    if isinstance(value, list):
        limit = node.get("maxItems")
        if isinstance(limit, int) and len(value) > limit:
            too_long.append((pointer, len(value), limit))
            value = value[:limit]
        items = node.get("items")
        if _has_limits(items):
            cut = [
                _within_limits(item, items, f"{pointer}/{i}", too_long)
                for i, item in enumerate(value)
            ]
            if any(new is not old for new, old in zip(cut, value, strict=True)):
                value = cut
        return value
    if isinstance(value, dict):
        copied: dict[str, Any] | None = None
        for name, sub in (node.get("properties") or {}).items():
            if name in value:
                new = _within_limits(value[name], sub, _pointer((*_parts(pointer), name)), too_long)
                if new is not value[name]:
                    copied = copied if copied is not None else dict(value)
                    copied[name] = new
        return copied if copied is not None else value
    return value


_LIMITED: dict[int, bool] = {}


def _has_limits(node: Any) -> bool:
    """Does this part of the (cached, never changing) schema hold a maxItems?"""
    if not isinstance(node, dict):
        return False
    known = _LIMITED.get(id(node))
    if known is None:
        properties = node.get("properties")
        known = _LIMITED[id(node)] = (
            "maxItems" in node
            or _has_limits(node.get("items"))
            or (isinstance(properties, dict) and any(map(_has_limits, properties.values())))
        )
    return known


def _parts(pointer: str) -> tuple[str, ...]:
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:])


def _too_long(pointer: str, length: int, limit: int) -> str:
    name = pointer[1:].replace("/", ".") or "top"
    return (
        f"`{name}` has {length:,} entries; a proposal may list at most {limit:,} "
        f"(the first {limit:,} are checked)"
    )


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
    if kind == "maxItems":
        return pointer, _too_long(pointer, len(value), error.validator_value)
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


def _references(
    data: dict[str, Any], rule_ids: AbstractSet[str] | None, full: Callable[[], bool]
) -> Iterator[tuple[str, str]]:
    """(pointer, message) for each reference to an id the proposal does not define,
    and each waiver naming a rule the rulebook does not have. Once `full()`, the rest
    are only counted: their messages are not worth composing."""
    ids = {
        kind: {item.get("id") for item in data.get(kind, []) if isinstance(item, dict)}
        for kind in ("commissioners", "bodies")
    }
    for pattern, targets, what in REFERENCES:
        known: set[Any] = set().union(*(ids[t] for t in targets))
        shown: str | None = None
        for pointer, value in _resolve(data, pattern.split("/")[1:], ""):
            if value in known:
                continue
            if full():
                yield pointer, ""
                continue
            if shown is None:
                shown = _some_ids(known)
            yield pointer, (
                f'`{pointer[1:].replace("/", ".")}` is "{value}", which is not the id of '
                f"{what} in this proposal. Known ids: {shown}"
            )
    if rule_ids is None:
        return
    names: list[str] = []  # sorted once a waiver names an unknown rule (rarely)
    for i, waiver in enumerate(data.get("waivers", []) or []):
        rule = waiver.get("rule")
        if rule in rule_ids:
            continue
        pointer = f"/waivers/{i}/rule"
        if full():
            yield pointer, ""
            continue
        names = names or sorted(rule_ids)
        close = difflib.get_close_matches(str(rule), names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        yield pointer, (
            f"waiver names rule {rule}, which is not in the loaded rulebook{hint} "
            "(`govcheck rules` lists them)"
        )


def _unseen_waiver_text(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A waiver's reason or approver written only in characters nobody can see
    (zero-width spaces, Hangul fillers) is as blank as one of spaces: the schema's
    `\\S` cannot tell them apart."""
    waivers = data.get("waivers")
    for i, waiver in enumerate(waivers if isinstance(waivers, list) else []):
        for key in ("reason", "approved_by"):
            value = waiver.get(key) if isinstance(waiver, dict) else None
            if isinstance(value, str) and not visible(value):
                yield f"/waivers/{i}/{key}", (
                    f"`waivers[{i}].{key}` is blank (it holds only characters that do not "
                    "show); write it out (a waiver says why, and who approved it)"
                )


def _some_ids(known: set[Any]) -> str:
    """The known ids, sorted, at most KNOWN_IDS_SHOWN of them, and how many more."""
    ids = sorted(str(k) for k in known)
    if not ids:
        return "none"
    if len(ids) <= KNOWN_IDS_SHOWN:
        return ", ".join(ids)
    return f"{', '.join(ids[:KNOWN_IDS_SHOWN])} and {len(ids) - KNOWN_IDS_SHOWN:,} more"


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
