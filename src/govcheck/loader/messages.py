"""The refusals YAML and JSON files share, each written once.

A duplicate key, too deep a nesting, a number too long to read, a number that is not
finite and half a surrogate pair are refused alike whichever syntax the file uses;
each function gives the message (the reader adds the position).
"""

from __future__ import annotations

import re

from .document import MAX_DEPTH, MAX_NODES, Position
from .scalars import MAX_DIGITS

EXPECTED = "a proposal is a mapping starting with `govcheck: 1`"

# An escape naming half of a UTF-16 surrogate pair decodes to a code point that is
# not a character: no UTF-8 writer (a report, the engine) can encode it.
SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str, limit: int = 60) -> str:
    """Quote user text in a message without letting a huge key flood the report."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def duplicate_key(key: str, first: Position, within: str) -> str:
    """`within` names the container as the syntax does: "mapping" or "object"."""
    return (
        f"duplicate key `{shown(key)}`: it already appears in this {within} at line "
        f"{first.line}, column {first.column}; each key may appear only once, so merge "
        "the two entries or remove one"
    )


def too_deep() -> str:
    return (
        f"the data is nested more than {MAX_DEPTH} levels deep; a proposal never needs "
        "this much nesting, so flatten it"
    )


def too_many() -> str:
    return (
        f"the file holds more than {MAX_NODES:,} keys and list items; a proposal never "
        "needs this many, so remove what does not belong in it (long notes belong in a "
        "document of their own)"
    )


def long_number(characters: int) -> str:
    return (
        f"this number has {characters:,} characters; numbers may have at most "
        f"{MAX_DIGITS:,}; put it in quotes if it is meant as text"
    )


def not_finite(literal: str) -> str:
    """Why a number that is not finite (`.inf`, `.nan`, `1e400`) is refused."""
    word = literal.lower().lstrip("+-")
    infinity = "minus infinity" if literal.startswith("-") else "infinity"
    if word in (".nan", "nan"):
        what = f'`{literal}` means "not a number"'
    elif word in (".inf", "infinity", "inf"):
        what = f"`{literal}` means {infinity}"
    else:
        what = f"`{shown(literal)}` is beyond the largest number there is and becomes {infinity}"
    return (
        f"{what}, which a proposal cannot hold: amounts, counts and percentages are "
        "finite numbers; write the number itself (e.g. 663540), or put it in quotes if it "
        "is meant as text"
    )


def surrogate(char: str) -> str:
    return (
        f"this text holds the escape `\\u{ord(char):04x}`, one half of a UTF-16 "
        "surrogate pair without its other half, which is not a character; write the "
        "character itself (or, in JSON, both halves of the pair, e.g. `\\ud83d\\ude00`)"
    )
