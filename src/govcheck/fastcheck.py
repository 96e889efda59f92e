"""A fast yes/no to "does this proposal meet the schema?", for runs over many files.

jsonschema interprets the schema on every call, ~0.4 ms for a valid proposal, and
knows where and why a document fails. fastjsonschema compiles the same schema to
Python and answers in ~0.03 ms, but only yes or no. validate.py asks here first and
trusts only a "yes"; on a "no" jsonschema runs as before and alone writes findings.

The check is compiled from the schema in the process that uses it, never read back
from a cache: what runs is made by fastjsonschema from govcheck's own schema, just now.
Compiling costs about 0.1-0.2 s (mostly Python compiling the ~350 kB fastjsonschema
writes), what jsonschema spends on a couple of hundred valid proposals; so the first
COMPILE_AFTER documents go to jsonschema alone and only a longer run compiles. No run
pays much more than it would without the compiled check, and a batch of thousands
gains most of what it saves.

fastjsonschema knows drafts 4 to 7. The keywords this schema uses mean the same in
draft 7 and 2020-12; tests/test_proposal_schema.py and tests/test_properties.py
compare the two verdicts on thousands of broken proposals. "date" is judged here as
jsonschema judges it: YYYY-MM-DD in ASCII digits, and a day that exists.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

# Keywords that describe and never constrain: left out of the compiled code.
_ANNOTATIONS = frozenset({"description", "examples", "title", "$comment", "$id"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def is_date(value: Any) -> bool:
    """jsonschema's "date" format check (only text is judged)."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and datetime.date.fromisoformat(value))
    except ValueError:
        return False


_FORMATS = {"date": is_date}


def verdict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema without annotations, declared as draft 7 for fastjsonschema."""

    def strip(node: Any) -> Any:
        if isinstance(node, list):
            return [strip(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in _ANNOTATIONS:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                # names here are field names ("title", "description"), not keywords
                out[key] = {name: strip(sub) for name, sub in value.items()}
            elif key in ("enum", "const"):
                out[key] = value
            else:
                out[key] = strip(value)
        return out

    out = strip(dict(schema))
    out["$schema"] = "http://json-schema.org/draft-07/schema#"
    return out


# Documents judged by jsonschema alone, when no shipped check fits the schema, before one
# is compiled: compiling costs about what jsonschema spends on this many valid proposals
# (measured on the 2-core development machine; see the README).
COMPILE_AFTER = 200
SHIPPED = Path(__file__).with_name("_schema_verdict.py")


class QuickVerdict:
    """Answers "valid?" for one schema: False means "ask jsonschema", never "invalid"."""

    def __init__(self, schema: Callable[[], Mapping[str, Any]]) -> None:
        self._schema = schema  # called only when the check is first needed
        self._check: Callable[[Any], bool] | None = None
        self._looked_for_shipped = False
        self._seen = 0

    def __call__(self, data: Any) -> bool:
        if self._check is None:
            if not self._looked_for_shipped:
                self._looked_for_shipped = True
                self._check = self.shipped()
            if self._check is None:
                self._seen += 1
                if self._seen <= COMPILE_AFTER:
                    return False
                self._check = self.compile()
        return self._check(data)

    def shipped(self) -> Callable[[Any], bool] | None:
        """The check shipped in govcheck (_schema_verdict.py), if it was made from this
        very schema; else None."""
        try:
            from . import _schema_verdict as made
        except ImportError:
            return None
        if getattr(made, "SCHEMA_DIGEST", None) != digest(verdict_schema(self._schema())):
            return None
        return _checking(made.validate)

    def compile(self) -> Callable[[Any], bool]:
        """Compile the check now, from the schema."""
        namespace: dict[str, Any] = {}
        code = compile(source(verdict_schema(self._schema())), "<schema check>", "exec")
        exec(code, namespace)  # what fastjsonschema wrote just now from the schema
        return _checking(namespace["validate"])


def digest(wanted: Mapping[str, Any]) -> str:
    """What a check was made from, as the shipped module records it."""
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def source(wanted: Mapping[str, Any]) -> str:
    import fastjsonschema

    return fastjsonschema.compile_to_code(dict(wanted), formats=_FORMATS, use_default=False)


def shipped_source() -> str:
    """The text of _schema_verdict.py for the bundled proposal schema, as it should be."""
    import fastjsonschema

    from .validate import _validation_schema

    wanted = verdict_schema(_validation_schema())
    return (
        '"""Does a proposal meet the proposal schema? Yes or no, as fastjsonschema '
        f"{fastjsonschema.VERSION}\n"
        "wrote it from schemas/proposal.schema.json (fastcheck.verdict_schema).\n\n"
        "Generated: do not edit. After a change to the schema, or to how validate.py or\n"
        "fastcheck.py prepare it, run `python -m govcheck.fastcheck` (a test says when).\n"
        "govcheck uses it only while SCHEMA_DIGEST is the digest of the schema it checks.\n"
        '"""\n'
        "# fmt: off\n"
        f"SCHEMA_DIGEST = {digest(wanted)!r}\n\n"
        + source(wanted)
    )


def _checking(validate: Callable[..., Any]) -> Callable[[Any], bool]:
    import fastjsonschema

    refused = fastjsonschema.JsonSchemaException

    def check(data: Any) -> bool:
        try:
            validate(data, custom_formats=_FORMATS)
        except refused:
            return False
        return True

    return check


if __name__ == "__main__":
    SHIPPED.write_text(shipped_source(), encoding="utf-8")
    print(f"wrote {SHIPPED}")
