"""What loading a file gives: plain data with a position for every part of it.

Also the limits every file is held to, and :class:`LoadError`, the one way a file is
refused: a message for its author, at a line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

MAX_BYTES: int = 2_000_000
MAX_DEPTH: int = 50
# Keys and list items in one file. The longest lists the schema allows hold a few
# thousand entries; this bounds the time and memory of every later step (each value
# keeps a position) for any file within MAX_BYTES.
MAX_NODES: int = 100_000


class Position(NamedTuple):
    """Where something starts in the file, as an editor shows it."""

    line: int  # 1-based
    column: int  # 1-based


ROOT = Position(1, 1)


class LoadError(Exception):
    """A file that cannot be read as a proposal.

    The message is meant for the author of the file: it says what is wrong and
    what to write instead, and carries its own location so that callers can
    report it in the same ``path:line:column`` form as every other finding.
    """

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


@dataclass
class Document:
    """A loaded proposal: plain data plus where each part of it came from.

    Positions are kept by JSON pointer rather than on the values themselves so
    that ``data`` stays made of built-in types that any checker can walk.
    """

    path: str
    data: Any
    positions: dict[str, Position] = field(default_factory=dict)

    def locate(self, pointer: str) -> Position:
        """Position of ``pointer``, or of its nearest ancestor that has one.

        Checkers report problems about values that may not exist (a missing
        key), so falling back to the enclosing mapping keeps every report
        pointing somewhere useful instead of failing.
        """
        positions = self.positions
        while pointer:
            found = positions.get(pointer)
            if found is not None:
                return found
            pointer = pointer[: pointer.rfind("/")] if "/" in pointer else ""
        return positions.get("", ROOT)


def pointer_part(key: str) -> str:
    """A key as one part of a JSON pointer (`~` and `/` escaped)."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key
