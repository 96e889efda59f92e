"""A proposal built in Python, held to what a file is held to.

A mapping from a program (or from ``yaml.safe_load``, which reads `2009-10-01` as a
``date``) becomes the same plain data a file gives: dates as YYYY-MM-DD text, tuples
as lists. What no file could hold is refused in plain words, naming where it is: a key
that is not text, a number that is not finite, half a surrogate pair, nesting past
the depth limit, and values of other types (a set, bytes, an object).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from . import messages
from .document import MAX_DEPTH, ROOT, Document, LoadError, pointer_part

_SURROGATE = messages.SURROGATE


def from_data(data: Mapping[str, Any], path: str = "<mapping>") -> Document:
    """A Document for `data`, with plain copies of its values; positions are the root
    only (there is no file). Raises LoadError for what a proposal cannot hold."""
    if not isinstance(data, Mapping):
        raise LoadError(f"the top level is {_kind(data)}; {messages.EXPECTED}")
    root: dict[str, Any] = {}
    # (source, copy, pointer, depth): containers still to copy, no recursion.
    todo: list[tuple[Any, Any, str, int]] = [(data, root, "", 1)]
    while todo:
        source, target, pointer, depth = todo.pop()
        pairs = source.items() if isinstance(target, dict) else enumerate(source)
        for key, value in pairs:
            if isinstance(target, dict):
                key = _key(key, pointer)
                here = f"{pointer}/{pointer_part(key)}"
            else:
                here = f"{pointer}/{key}"
            if isinstance(value, Mapping) or isinstance(value, list | tuple):
                if depth + 1 >= MAX_DEPTH:
                    raise LoadError(f"at `{_shown(here)}`: {messages.too_deep()}")
                child: Any = {} if isinstance(value, Mapping) else []
                todo.append((value, child, here, depth + 1))
                value = child
            else:
                value = _scalar(value, here)
            if isinstance(target, dict):
                target[key] = value
            else:
                target.append(value)
    return Document(path, root, {"": ROOT})


def _key(key: Any, pointer: str) -> str:
    if not isinstance(key, str):
        where = f"in `{_shown(pointer)}`" if pointer else "at the top level"
        raise LoadError(
            f"a key {where} is {_kind(key)} ({key!r}), but keys must be text; "
            f"write it as text ({str(key)!r})"
        )
    half = _SURROGATE.search(key)
    if half is not None:
        raise LoadError(f"a key in `{_shown(pointer) or '/'}`: {messages.surrogate(half.group())}")
    return str(key)


def _scalar(value: Any, here: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        half = _SURROGATE.search(value)
        if half is not None:
            raise LoadError(f"at `{_shown(here)}`: {messages.surrogate(half.group())}")
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LoadError(f"at `{_shown(here)}`: {messages.not_finite(repr(value))}")
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()  # not a date: the schema says so, at its place
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise LoadError(
        f"at `{_shown(here)}` there is {_kind(value)}, which a proposal cannot hold: "
        "use text, numbers, true or false, null, lists and mappings"
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return f"a Python {type(value).__name__}"


def _shown(pointer: str) -> str:
    return messages.shown(pointer, 100)
