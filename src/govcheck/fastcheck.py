"""A fast yes/no to "does this proposal meet the schema?", for runs over many files.

jsonschema interprets the schema on every call, ~0.4 ms for a valid proposal, and
knows where and why a document fails. fastjsonschema compiles the same schema to
Python and answers in ~0.03 ms, but only yes or no. validate.py asks here first and
trusts only a "yes"; on a "no" jsonschema runs as before and alone writes findings.

The compiled check is kept in govcheck's cache (cache.py) as a code object, keyed by
the schema, fastjsonschema's version and Python's. When the cache has none, it is
compiled (~0.1 s) once a second document arrives, so checking a single file never
pays for it.

fastjsonschema knows drafts 4 to 7. The keywords this schema uses mean the same in
draft 7 and 2020-12; tests/test_proposal_schema.py and tests/test_properties.py
compare the two verdicts on thousands of broken proposals. "date" is judged here as
jsonschema judges it: YYYY-MM-DD in ASCII digits, and a day that exists.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import marshal
import re
import sys
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from . import cache

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


class QuickVerdict:
    """Answers "valid?" for one schema: False means "ask jsonschema", never "invalid"."""

    def __init__(self, schema: Callable[[], Mapping[str, Any]]) -> None:
        self._schema = schema  # called only when the check is first needed
        self._check: Callable[[Any], bool] | None = None
        self._looked_in_cache = False
        self._seen = 0

    def __call__(self, data: Any) -> bool:
        if self._check is None:
            if not self._looked_in_cache:
                self._looked_in_cache = True
                self._check = self._from_cache()
            if self._check is None:
                self._seen += 1
                if self._seen < 2:
                    return False
                self._check = self.compile()
        return self._check(data)

    @cached_property
    def _build(self) -> tuple[dict[str, Any], Path | None]:
        """What fastjsonschema compiles, and where the result is cached (None: off)."""
        import fastjsonschema

        wanted = verdict_schema(self._schema())
        text = json.dumps(wanted, sort_keys=True)
        made_by = f"{fastjsonschema.VERSION}\0{sys.version}\0{marshal.version}"
        key = hashlib.sha256(f"{text}\0{made_by}".encode()).hexdigest()
        base = cache.directory()
        return wanted, base / f"schema-check-{key[:32]}.marshal" if base else None

    def _from_cache(self) -> Callable[[Any], bool] | None:
        path = self._build[1]
        raw = cache.read(path) if path is not None else None
        if raw is None:
            return None
        try:
            return _bind(marshal.loads(raw))
        except Exception:  # partly written or not a code object: compile afresh
            return None

    def compile(self) -> Callable[[Any], bool]:
        """Compile the check now (and keep it in the cache)."""
        import fastjsonschema

        wanted, path = self._build
        source = fastjsonschema.compile_to_code(wanted, formats=_FORMATS, use_default=False)
        code = compile(source, "<govcheck compiled schema check>", "exec")
        if path is not None:
            cache.write(path, marshal.dumps(code))
        return _bind(code)


def _bind(code: Any) -> Callable[[Any], bool]:
    import fastjsonschema

    namespace: dict[str, Any] = {}
    exec(code, namespace)  # the module fastjsonschema wrote for this schema
    validate = namespace["validate"]
    refused = fastjsonschema.JsonSchemaException

    def check(data: Any) -> bool:
        try:
            validate(data, custom_formats=_FORMATS)
        except refused:
            return False
        return True

    return check
