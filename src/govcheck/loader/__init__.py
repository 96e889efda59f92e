"""Strict loading of proposal files into plain data with source positions.

A proposal is reviewed by people who did not write it, so the loader reads it the
way a person would read it and refuses anything whose meaning depends on YAML
machinery a reviewer could miss: anchors and aliases (a value defined far away),
merge keys, tags (which can construct arbitrary objects), duplicate keys (the
last one silently wins), several documents in one file, and non-text keys.

Everything is refused with a located, plain-words :class:`LoadError` rather than a
traceback, and in bounded time and memory: input size is capped before parsing,
the nesting depth is checked while events stream in (no recursion anywhere), and
aliases are refused at the first one, before any expansion could happen.

The steps, one module each:

- ``decoding``: bytes to text (size, UTF-8, characters that are not text);
- ``scalars``: what an unquoted YAML scalar means by the YAML 1.2 core schema
  (PyYAML's resolvers implement YAML 1.1, where ``no`` is ``False``);
- ``yaml_errors``: the parsers' errors reworded as advice;
- ``yaml_events``: YAML's event stream to data and positions;
- ``json_positions``: JSON to data and positions;
- ``mapping``: a proposal built in Python, held to the same rules;
- ``messages``: the refusals YAML and JSON share, written once;
- ``document``: what loading gives (:class:`Document`, :class:`Position`) and
  :class:`LoadError`.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from .decoding import check_size, decode
from .document import MAX_BYTES, MAX_DEPTH, MAX_NODES, Document, LoadError, Position
from .json_positions import load_json
from .mapping import from_data
from .yaml_events import load_yaml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Document",
    "LoadError",
    "NotARegularFile",
    "Position",
    "from_data",
    "load_bytes",
    "load_path",
    "read_file",
    "read_stream",
]


class NotARegularFile(OSError):
    """A path that names a named pipe, device or socket: reading it could block for
    ever (a pipe nobody writes to) or never end (`/dev/zero`), so nothing is read."""


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def not_a_file(mode: int) -> str | None:
    """What a file of this `st_mode` is, when it is not a regular file (else None)."""
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "a directory" if stat.S_ISDIR(mode) else "special")


def read_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at `path`, reading no more than ``max_bytes + 1``
    (a LoadError past the limit).

    The file is opened without blocking and refused (NotARegularFile, IsADirectoryError)
    unless it is a regular file, before anything is read: a named pipe with no writer
    would otherwise hang the run, and a device such as `/dev/zero` fill the memory.
    Other problems with reaching the file are left as ``OSError``.
    """
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(name, flags)
    try:
        info = os.fstat(fd)
        kind = not_a_file(info.st_mode)
        if kind == "a directory":
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if kind is not None:
            raise NotARegularFile(errno.EINVAL, f"it is {kind}, not a file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        check_size(info.st_size, max_bytes)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        # Read what the file says it holds (and one byte more, to see it grew), not
        # max_bytes + 1 at once: that allocates a 2 MB buffer for every file, which
        # in a long batch cost more than parsing a typical proposal.
        size = info.st_size
        raw = handle.read(min(size, max_bytes) + 1) if size else b""
        if not size or len(raw) > size:  # no size known (/proc), or the file grew
            raw += handle.read(max_bytes + 1 - len(raw))
    check_size(len(raw), max_bytes, at_least=True)
    return raw


def read_stream(stream: BinaryIO, *, max_bytes: int = MAX_BYTES) -> bytes:
    """At most ``max_bytes`` from a binary stream such as standard input, reading no
    more than one byte past the limit (a LoadError then): `cat /dev/zero | govcheck
    check -` ends at once instead of filling the memory."""
    raw = stream.read(max_bytes + 1)
    check_size(len(raw), max_bytes, at_least=True)
    return raw


def _format_for(path: str, fmt: str | None) -> str:
    if fmt is None:
        return "json" if path.lower().endswith(".json") else "yaml"
    if fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    return fmt


def load_bytes(
    raw: bytes, path: str, *, fmt: str | None = None, max_bytes: int = MAX_BYTES
) -> Document:
    """Load a proposal from bytes already in memory (e.g. standard input).

    ``path`` is only used to name the document and, when ``fmt`` is None, to
    choose the format from its suffix.
    """
    kind = _format_for(path, fmt)
    check_size(len(raw), max_bytes)
    text = decode(raw)
    if kind == "json":
        data, positions = load_json(text)
    else:
        data, positions = load_yaml(text)
    return Document(path=path, data=data, positions=positions)


def load_path(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES, display: str | None = None
) -> Document:
    """Load a proposal file, reading no more than ``max_bytes + 1`` bytes of it.

    Problems with reaching the file (missing, unreadable, a directory, a named pipe or
    a device: see :func:`read_file`) are left as ``OSError`` because they are about the
    command line, not about the file's content, and callers report them differently.
    """
    name = os.fspath(path)
    raw = read_file(name, max_bytes=max_bytes)
    shown = display if display is not None else name
    return load_bytes(raw, shown, fmt=_format_for(name, None), max_bytes=max_bytes)
