"""govcheck's own data objects as JSON and back, for the cache: data that never runs.

`encode` writes an object graph of dataclasses, lists, tuples, sets, dicts, paths, dates and
JSON scalars as JSON text; `decode` rebuilds the same graph. An object is written as its
class's name beside its fields. `decode` looks that name up in a closed table of classes,
made by following the field annotations of the root class (`Codec(Rulebook)`), so an entry
can name only govcheck's own data classes: never a function, a module to import, or any
other callable. A field a dataclass gains travels with no change here, because the fields
are read from the class; a class that is reached only through `Any` and not through a hint
is refused when encoding (the caller then simply does not cache).

Fields whose name starts with "_" and which have a default are the object's memos (the
engine's sessions, per-date lists): they are not written, and come back as their default.
Classes that are not dataclasses (a plain class with attributes) are written from their
`__dict__` and rebuilt without running their `__init__`.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import sys
import typing
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

TAG = "$t"


class CodecError(ValueError):
    """The object cannot be written, or the text is not a graph this codec wrote."""


def _data_classes(root: type) -> dict[str, type]:
    """The classes an entry may name, by full name: every govcheck class that `root`'s
    field annotations name, then theirs, and every dataclass of the modules those classes
    come from (a field typed `Any` may hold one, as a condition's value may hold a
    reference to a named value). Annotations are read as text and their names looked up
    in the class's module, never evaluated."""
    found: dict[str, type] = {}
    modules: set[str] = set()
    todo = [root]
    while todo:
        cls = todo.pop()
        if _name(cls) in found:
            continue
        found[_name(cls)] = cls
        namespace = vars(sys.modules[cls.__module__])
        if cls.__module__ not in modules:
            modules.add(cls.__module__)
            todo.extend(
                t
                for t in namespace.values()
                if isinstance(t, type) and dataclasses.is_dataclass(t) and _is_ours(t)
            )
        for annotation in _annotations(cls):
            for word in _WORD.findall(annotation if isinstance(annotation, str) else ""):
                todo.extend(t for t in _classes_in(_lookup(namespace, word)) if _is_ours(t))
    return found


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _annotations(cls: type) -> list[Any]:
    out: list[Any] = []
    for klass in cls.__mro__:
        out.extend(vars(klass).get("__annotations__", {}).values())
    return out


def _lookup(namespace: dict[str, Any], dotted: str) -> Any:
    head, *rest = dotted.split(".")
    value = namespace.get(head)
    for part in rest:
        value = getattr(value, part, None)
    return value


def _classes_in(value: Any) -> list[type]:
    """The classes a looked-up name stands for: itself, or the members of a union alias."""
    if isinstance(value, type):
        return [value]
    return [a for a in typing.get_args(value) if isinstance(a, type)]


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "govcheck"


class Codec:
    """JSON for one root class and every class its type hints reach."""

    def __init__(self, root: type) -> None:
        self.classes = _data_classes(root)
        self._names = {cls: name for name, cls in self.classes.items()}
        self._fields: dict[type, tuple[str, ...]] = {}

    # -- writing

    def encode(self, obj: Any) -> str:
        """JSON text for `obj`; CodecError when the graph holds something not data."""
        try:
            return json.dumps(self._plain(obj), separators=(",", ":"))
        except (TypeError, ValueError, RecursionError) as e:
            raise CodecError(str(e)) from None

    def _plain(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, (str, bool, int, float)):
            return obj
        if isinstance(obj, list):
            return [self._plain(v) for v in obj]
        if isinstance(obj, dict):
            if all(type(k) is str for k in obj) and TAG not in obj:
                return {k: self._plain(v) for k, v in obj.items()}
            pairs = [[self._plain(k), self._plain(v)] for k, v in obj.items()]
            return {TAG: "dict", "items": pairs}
        if isinstance(obj, tuple) and type(obj) is tuple:
            return {TAG: "tuple", "items": [self._plain(v) for v in obj]}
        if isinstance(obj, (set, frozenset)):
            kind = "frozenset" if isinstance(obj, frozenset) else "set"
            return {TAG: kind, "items": [self._plain(v) for v in obj]}
        if isinstance(obj, PurePath):
            return {TAG: "path", "value": str(obj)}
        if isinstance(obj, datetime.datetime):
            return {TAG: "datetime", "value": obj.isoformat()}
        if isinstance(obj, datetime.date):
            return {TAG: "date", "value": obj.isoformat()}
        name = self._names.get(type(obj))
        if name is None:
            raise CodecError(f"{type(obj).__module__}.{type(obj).__qualname__} is not data")
        out = {TAG: name}
        for key in self._stored(type(obj), obj):
            out[key] = self._plain(getattr(obj, key))
        return out

    def _stored(self, cls: type, obj: Any) -> tuple[str, ...]:
        if cls not in self._fields:
            if dataclasses.is_dataclass(cls):
                names = tuple(
                    f.name
                    for f in dataclasses.fields(cls)
                    if f.init and not (f.name.startswith("_") and _has_default(f))
                )
            else:
                names = ()
            self._fields[cls] = names
        if not dataclasses.is_dataclass(cls):
            return tuple(vars(obj))
        return self._fields[cls]

    # -- reading

    def decode(self, text: str | bytes) -> Any:
        """The graph `encode` wrote; CodecError for anything else."""
        try:
            return json.loads(text, object_hook=self._rebuild)
        except CodecError:
            raise
        except (ValueError, TypeError, KeyError, RecursionError) as e:
            raise CodecError(f"not a graph this codec wrote: {e}") from None

    def _rebuild(self, d: dict[str, Any]) -> Any:
        tag = d.get(TAG)
        if tag is None:
            return d
        builder = _BUILTIN.get(tag)
        if builder is not None:
            return builder(d)
        cls = self.classes.get(tag)
        if cls is None or not isinstance(tag, str):
            raise CodecError(f"unknown class {tag!r}")
        values = {k: v for k, v in d.items() if k != TAG}
        if dataclasses.is_dataclass(cls):
            return cls(**values)
        obj = cls.__new__(cls)
        obj.__dict__.update(values)
        return obj


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


_BUILTIN: dict[str, Callable[[dict[str, Any]], Any]] = {
    "dict": lambda d: {k: v for k, v in d["items"]},
    "tuple": lambda d: tuple(d["items"]),
    "set": lambda d: set(d["items"]),
    "frozenset": lambda d: frozenset(d["items"]),
    "path": lambda d: Path(d["value"]),
    "date": lambda d: datetime.date.fromisoformat(d["value"]),
    "datetime": lambda d: datetime.datetime.fromisoformat(d["value"]),
}
