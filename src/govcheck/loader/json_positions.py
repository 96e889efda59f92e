"""JSON text to plain data and positions, refusing what the YAML reader refuses.

``json.loads`` recurses (so deep input crashes it), keeps the last of duplicate keys,
accepts NaN and Infinity and keeps no positions. This small iterative parser, built
around the standard library's C string scanner, gives every key and list item its line
and column and refuses duplicate keys, nesting past the depth limit, numbers too long
or not finite, half a surrogate pair, comments and trailing commas, in plain words.
"""

from __future__ import annotations

import bisect
import json
import re
from math import isfinite
from typing import Any

from . import messages
from .document import MAX_DEPTH, MAX_NODES, ROOT, LoadError, Position, pointer_part
from .messages import SURROGATE
from .scalars import MAX_DIGITS

try:
    from json.decoder import c_scanstring as _scanstring  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _scanstring = None
if _scanstring is None:  # pragma: no cover
    from json.decoder import py_scanstring as _scanstring

_JSON_WS = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_BREAKS = re.compile(r"\r\n|\r|\n")
_JSON_WORDS = (("true", True), ("false", False), ("null", None))
_JSON_VALUE_HELP = (
    "expected a value: text in double quotes, a number, true, false, null, `{` or `[`"
)


def _json_value_help(text: str, i: int) -> str:
    if text.startswith(("//", "/*", "#"), i):
        return (
            "JSON does not allow comments; remove the comment, or write the proposal "
            "as YAML, where `#` starts a comment"
        )
    return _JSON_VALUE_HELP


class _JsonText:
    """Index-to-position conversion, computed once per file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _JSON_BREAKS.finditer(text)]
        # Only a `\u` escape can make a surrogate: look only when the text has one.
        self.escapes = "\\u" in text
        self.nodes = 0

    def node(self, index: int) -> Position:
        """The position of a key or list item; refuses the file past MAX_NODES of them."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.error(messages.too_many(), index)
        return self.position(index)

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.starts, index)
        return Position(line, index - self.starts[line - 1] + 1)

    def error(self, message: str, index: int) -> LoadError:
        line, column = self.position(index)
        return LoadError(message, line, column)


def load_json(text: str) -> tuple[Any, dict[str, Position]]:
    """Parse JSON iteratively, keeping key positions and refusing what YAML refuses.

    ``json.loads`` recurses (so deep input crashes it), keeps the last of duplicate
    keys and accepts NaN; a small parser around the C string scanner avoids all three.
    """
    src = _JsonText(text)
    ws = _JSON_WS.match
    n = len(text)
    i = ws(text, 0).end()
    if i >= n:
        raise LoadError(f"the file is empty; {messages.EXPECTED}")
    first = text[i]
    if first != "{":
        what = {
            "[": "a list",
            '"': "a string",
            "t": "the boolean `true`",
            "f": "the boolean `false`",
            "n": "null",
        }.get(first, "a number" if first in "-0123456789" else None)
        if what is None:
            raise src.error(f"JSON syntax error: {_json_value_help(text, i)}", i)
        raise src.error(f"the top level is {what}; {messages.EXPECTED}", i)

    positions: dict[str, Position] = {"": ROOT}
    root: dict[str, Any] = {}
    stack: list[tuple[Any, str, bool]] = []
    container: Any = root
    pointer = ""
    is_map = True
    i += 1
    # State: after opening a collection, look for its first member or its end.
    opening = True

    while True:
        i = ws(text, i).end()
        if i >= n:
            raise src.error(
                "JSON syntax error: the file ends before every `{` and `[` is closed",
                i,
            )
        char = text[i]
        closer = "}" if is_map else "]"
        if not opening:
            if char == ",":
                i = ws(text, i + 1).end()
                if i < n and text[i] == closer:
                    raise src.error(
                        f"JSON syntax error: a comma before `{closer}` is not allowed in "
                        "JSON; remove the trailing comma",
                        i,
                    )
                char = text[i] if i < n else ""
            elif char == closer:
                i += 1
                if not stack:
                    break
                container, pointer, is_map = stack.pop()
                continue
            else:
                raise src.error(
                    f"JSON syntax error: expected `,` or `{closer}` here; separate "
                    f"{'entries' if is_map else 'items'} with commas",
                    i,
                )
        else:
            opening = False
            if char == closer:
                i += 1
                if not stack:
                    break
                container, pointer, is_map = stack.pop()
                continue

        if is_map:
            if char != '"':
                if char in "/#":
                    raise src.error(f"JSON syntax error: {_json_value_help(text, i)}", i)
                raise src.error("JSON syntax error: expected a key in double quotes here", i)
            key_at = i
            key, i = _json_string(src, i)
            key_pointer = f"{pointer}/{pointer_part(key)}"
            if key in container:
                first_pos = positions[key_pointer]
                raise src.error(messages.duplicate_key(key, first_pos, "object"), key_at)
            positions[key_pointer] = src.node(key_at)
            i = ws(text, i).end()
            if i >= n or text[i] != ":":
                raise src.error("JSON syntax error: expected `:` after the key", i)
            i = ws(text, i + 1).end()
            child_pointer = key_pointer
        else:
            child_pointer = f"{pointer}/{len(container)}"
            positions[child_pointer] = src.node(i)
            key = None

        if i >= n:
            raise src.error(f"JSON syntax error: {_JSON_VALUE_HELP}", i)
        char = text[i]
        if char == "{" or char == "[":
            if len(stack) + 1 >= MAX_DEPTH:
                raise src.error(messages.too_deep(), i)
            child: Any = {} if char == "{" else []
            if is_map:
                container[key] = child
            else:
                container.append(child)
            stack.append((container, pointer, is_map))
            container, pointer, is_map = child, child_pointer, char == "{"
            opening = True
            i += 1
            continue
        value, i = _json_scalar(src, i)
        if is_map:
            container[key] = value
        else:
            container.append(value)

    i = ws(text, i).end()
    if i < n:
        raise src.error(
            "JSON syntax error: there is more text after the end of the top-level object; "
            "a file holds exactly one proposal",
            i,
        )
    return root, positions


def _json_string(src: _JsonText, i: int) -> tuple[str, int]:
    try:
        value, end = _scanstring(src.text, i + 1, True)
    except json.JSONDecodeError as exc:
        msg = exc.msg
        if msg.startswith("Invalid control character"):
            advice = "write line breaks and tabs inside strings as \\n and \\t"
        elif msg.startswith("Unterminated string"):
            msg = "this string is never closed"
            advice = "end it with a double quote"
        else:
            advice = "check the backslash escapes in this string"
        raise src.error(f"JSON syntax error: {msg.lower()}; {advice}", exc.pos) from None
    if src.escapes:
        half = SURROGATE.search(value)
        if half is not None:
            raise src.error(messages.surrogate(half.group()), i)
    return value, end


def _json_scalar(src: _JsonText, i: int) -> tuple[Any, int]:
    text = src.text
    char = text[i]
    if char == '"':
        return _json_string(src, i)
    for word, value in _JSON_WORDS:
        if text.startswith(word, i):
            return value, i + len(word)
    for word in ("NaN", "Infinity", "-Infinity"):
        if text.startswith(word, i):
            raise src.error(
                f"`{word}` is not a JSON number and is not allowed; write a finite number",
                i,
            )
    match = _JSON_NUMBER.match(text, i)
    if match is None:
        raise src.error(f"JSON syntax error: {_json_value_help(text, i)}", i)
    end = match.end()
    if end < len(text) and text[end].isdigit():
        raise src.error("JSON syntax error: numbers cannot have leading zeros in JSON", i)
    literal = match.group()
    if len(literal) > MAX_DIGITS:
        raise src.error(messages.long_number(len(literal)), i)
    if match.group(1) is None and match.group(2) is None:
        return int(literal), end
    number = float(literal)
    if not isfinite(number):
        raise src.error(messages.not_finite(literal), i)
    return number, end
