"""What an unquoted YAML scalar means, by the YAML 1.2 core schema.

PyYAML's own resolvers implement YAML 1.1, where ``no`` is ``False``, ``1:30`` is 5400
and ``2009-10-01`` is a date; a proposal is read as YAML 1.2, where the first two are
words and a date is text that the schema checks. Only ``null``/``~``/empty, ``true``
and ``false`` (three spellings each), integers (decimal, ``0o`` octal, ``0x`` hex),
floats and ``.inf``/``.nan`` have a meaning other than text.
"""

from __future__ import annotations

import math
import re
from typing import Any

_NONE = object()
_PLAIN_WORDS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
for _spelling in (".inf", ".Inf", ".INF"):
    _PLAIN_WORDS[_spelling] = math.inf
    _PLAIN_WORDS["+" + _spelling] = math.inf
    _PLAIN_WORDS["-" + _spelling] = -math.inf
del _spelling

_NUMBER_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# Python refuses to convert longer decimal strings (CVE-2020-10735); so do we.
MAX_DIGITS = 4300


class TooLong(Exception):
    """A number with more than MAX_DIGITS characters."""


def plain(value: str) -> Any:
    """Meaning of an unquoted scalar under the YAML 1.2 core schema.

    Raises TooLong for a number too long to convert. Infinity and not-a-number come
    back as floats: whether they may stand somewhere is the caller's decision.
    """
    word = _PLAIN_WORDS.get(value, _NONE)
    if word is not _NONE:
        return word
    if value[0] not in _NUMBER_START:
        return value
    if _INT.match(value):
        if len(value) > MAX_DIGITS:
            raise TooLong
        return int(value)
    if _FLOAT.match(value):
        if len(value) > MAX_DIGITS:
            raise TooLong
        return float(value)
    if _HEX.match(value):
        return int(value, 0)
    if _OCT.match(value):
        return int(value, 0)
    return value


def describe(value: Any) -> str:
    """What kind of value this is, in a reader's words ("a number", "a list")."""
    if isinstance(value, bool):
        return f"the boolean `{'true' if value else 'false'}`"
    if value is None:
        return "null (empty)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a string"
