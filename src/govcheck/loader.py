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

Scalars are given their YAML 1.2 core-schema meaning, built here from parser
events, because PyYAML's own resolvers implement YAML 1.1, where ``no`` is
``False``, ``1:30`` is 5400 and ``2009-10-01`` is a date.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:  # libyaml is several times faster; the pure parser gives the same events.
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "LoadError",
    "Position",
    "load_bytes",
    "load_path",
]

MAX_BYTES: int = 2_000_000
MAX_DEPTH: int = 50

_EXPECTED = "a proposal is a mapping starting with `govcheck: 1`"


class Position(NamedTuple):
    """Where something starts in the file, as an editor shows it."""

    line: int  # 1-based
    column: int  # 1-based


_ROOT = Position(1, 1)


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
        return positions.get("", _ROOT)


def _escape(key: str) -> str:
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


# ---------------------------------------------------------------------------
# Bytes to text
# ---------------------------------------------------------------------------

# YAML's printable set; also applied to JSON so that binary junk is refused the
# same way whatever the file is called.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _line_col_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    return line, column


def _line_col_of_char(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _check_size(size: int, max_bytes: int, *, at_least: bool = False) -> None:
    if size > max_bytes:
        what = f"more than {max_bytes:,}" if at_least else f"{size:,}"
        raise LoadError(
            f"file is {what} bytes; the limit is {max_bytes:,} bytes for one proposal; "
            "split it or remove content that does not belong in a proposal"
        )


def _decode(raw: bytes) -> str:
    """Turn bytes into text, refusing anything a text editor would not show as text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("the file is UTF-16 (or UTF-32) text; save the file as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _line_col_of_byte(raw, nul)
        raise LoadError(
            "the file contains a NUL byte, so it is binary data, not text; "
            "a proposal must be plain UTF-8 text",
            line,
            column,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(raw, exc.start)
        raise LoadError(
            f"not UTF-8 text; save the file as UTF-8 (byte 0x{raw[exc.start]:02x} here is "
            "not valid UTF-8; the file is probably in a legacy encoding such as Latin-1)",
            line,
            column,
        ) from None
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_col_of_char(text, bad.start())
        raise LoadError(
            f"the file contains the control character U+{ord(bad.group()):04X}, which is "
            "not allowed in a proposal; remove it (inside double quotes, write escapes "
            "such as \\t or \\n instead)",
            line,
            column,
        )
    return text


# ---------------------------------------------------------------------------
# YAML 1.2 core schema
# ---------------------------------------------------------------------------

_MISSING = object()
_INF = math.inf
_isfinite = math.isfinite
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
    _PLAIN_WORDS[_spelling] = _INF
    _PLAIN_WORDS["+" + _spelling] = _INF
    _PLAIN_WORDS["-" + _spelling] = -_INF
del _spelling

_NUMBER_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# Python refuses to convert longer decimal strings (CVE-2020-10735); so do we.
_MAX_DIGITS = 4300


class _TooLong(Exception):
    pass


def _plain(value: str) -> Any:
    """Meaning of an unquoted scalar under the YAML 1.2 core schema."""
    word = _PLAIN_WORDS.get(value, _MISSING)
    if word is not _MISSING:
        return word
    if value[0] not in _NUMBER_START:
        return value
    if _INT.match(value):
        if len(value) > _MAX_DIGITS:
            raise _TooLong
        return int(value)
    if _FLOAT.match(value):
        if len(value) > _MAX_DIGITS:
            raise _TooLong
        return float(value)
    if _HEX.match(value):
        return int(value, 0)
    if _OCT.match(value):
        return int(value, 0)
    return value


def _not_finite(literal: str) -> str:
    """Why a number that is not finite (`.inf`, `.nan`, `1e400`) is refused."""
    word = literal.lower().lstrip("+-")
    infinity = "minus infinity" if literal.startswith("-") else "infinity"
    if word in (".nan", "nan"):
        what = f"`{literal}` means \"not a number\""
    elif word in (".inf", "infinity"):
        what = f"`{literal}` means {infinity}"
    else:
        what = f"`{_shown(literal)}` is beyond the largest number there is and becomes {infinity}"
    return (
        f"{what}, which a proposal cannot hold: amounts, counts and percentages are "
        "finite numbers; write the number itself (e.g. 663540), or put it in quotes if it "
        "is meant as text"
    )


# An escape naming half of a UTF-16 surrogate pair decodes to a code point that is
# not a character: no UTF-8 writer (a report, the engine) can encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(char: str) -> str:
    return (
        f"this text holds the escape `\\u{ord(char):04x}`, one half of a UTF-16 "
        "surrogate pair without its other half, which is not a character; write the "
        "character itself (or, in JSON, both halves of the pair, e.g. `\\ud83d\\ude00`)"
    )


def _describe(value: Any) -> str:
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


def _shown(text: str, limit: int = 60) -> str:
    """Quote user text in a message without letting a huge key flood the report."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


# ---------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------


def _at(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _refuse_node_extras(event: Any) -> None:
    """Refuse anchors and tags on a node event, before its value is used."""
    if event.anchor is not None:
        raise LoadError(
            f"anchors (`&{event.anchor}`) are not allowed; write the value out in full "
            "at each place it is needed",
            *_at(event),
        )
    if event.tag is not None:
        raise LoadError(
            f"tags (`{_show_tag(event.tag)}`) are not allowed; a proposal holds only plain "
            "strings, numbers, booleans, lists and mappings; remove the tag "
            "(put the value in quotes if it must stay text)",
            *_at(event),
        )


def _refuse_alias(event: Any) -> LoadError:
    return LoadError(
        f"aliases (`*{event.anchor}`) are not allowed; write the value out in full "
        "at each place it is needed",
        *_at(event),
    )


_KIND_NAMES = {MappingStartEvent: "a mapping", SequenceStartEvent: "a list"}

_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        (
            "a `:` appears where a value cannot start; if the value contains `: `, "
            "put the whole value in quotes, otherwise check the indentation"
        ),
    ),
    (
        "could not find expected ':'",
        (
            "expected `key: value` here; check that the key ends with `: ` and that "
            "the line is indented like its neighbours"
        ),
    ),
    (
        "did not find expected key",
        (
            "this line does not line up with the keys above it; indent it exactly like "
            "the other keys of the same mapping, using spaces"
        ),
    ),
    (
        "did not find expected '-' indicator",
        "expected a list item starting with `- ` at this indentation",
    ),
    (
        "',' or ']'",
        "a `[...]` list is not closed properly; separate items with `,` and end it with `]`",
    ),
    (
        "',' or '}'",
        ("a `{...}` mapping is not closed properly; separate entries with `,` and end it with `}`"),
    ),
    (
        "did not find expected node content",
        (
            "a value was expected here; write a value, or put the text in quotes if it "
            "starts with a special character"
        ),
    ),
    (
        "expected the node content",
        (
            "a value was expected here; write a value, or put the text in quotes if it "
            "starts with a special character"
        ),
    ),
    (
        "found invalid Unicode character escape code",
        (
            "this `\\u` escape is not a character: `\\ud800` to `\\udfff` are halves of "
            "UTF-16 surrogate pairs, which YAML does not combine; write the character "
            "itself, or its code point as `\\U0001F600`"
        ),
    ),
    (
        "found unknown escape character",
        (
            "this backslash escape is not valid inside double quotes; use single quotes, "
            "or write `\\\\` for a backslash"
        ),
    ),
    (
        "found unexpected end of stream",
        "the file ends inside a quoted string or an open bracket; close it",
    ),
    (
        "found unexpected end of input",
        "the file ends inside a quoted string or an open bracket; close it",
    ),
    (
        "found character that cannot start any token",
        "this character cannot start a value; put the value in quotes",
    ),
    (
        "cannot start any token",
        "this character cannot start a value; put the value in quotes",
    ),
)


# PyYAML's "while parsing a block mapping" names grammar productions; say it plainly.
_CONTEXT_NAMES: tuple[tuple[str, str], ...] = (
    ("block mapping", "the mapping"),
    ("flow mapping", "the `{...}` mapping"),
    ("block collection", "the list"),
    ("flow sequence", "the `[...]` list"),
    ("quoted scalar", "the quoted text"),
    ("block scalar", "the `|` or `>` text block"),
    ("simple key", "the key"),
)


def _syntax_error(exc: yaml.YAMLError, text: str) -> LoadError:
    """Reword a PyYAML/libyaml error as advice, keeping its location."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context = getattr(exc, "context", None)
    if mark is not None and "cannot start any token" in problem:
        lines = text.splitlines()
        if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
            return LoadError(
                "a tab character is used for indentation; YAML indentation must use spaces",
                line,
                column,
            )
    advice = next((hint for needle, hint in _SYNTAX_HINTS if needle in problem), None)
    if advice is None:
        advice = "check the quoting and indentation near this point"
    message = f"YAML syntax error: {problem}"
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and mark is not None:
        where = next((name for needle, name in _CONTEXT_NAMES if needle in context), None)
        if where is not None and context_mark.line != mark.line:
            message += f" (in {where} that starts at line {context_mark.line + 1})"
    return LoadError(f"{message}; {advice}", line, column)


def _dash_position(lines: list[str], line0: int, col0: int) -> Position:
    """Find the `- ` of a block-sequence item, given where the item's value starts.

    Parser events carry the position of the value, not of its dash; people read a
    list item as starting at the dash, so that is what findings point at.
    """
    prefix = lines[line0][:col0].rstrip(" \t")
    if prefix:
        if prefix.endswith("-"):
            return Position(line0 + 1, len(prefix))
        return Position(line0 + 1, col0 + 1)
    index = line0 - 1
    while index >= 0:
        current = lines[index]
        body = current.lstrip(" \t")
        if not body or body.startswith("#"):
            index -= 1
            continue
        hash_at = current.find("#")
        if hash_at >= 0:
            current = current[:hash_at]
        current = current.rstrip(" \t")
        if current.endswith("-"):
            return Position(index + 1, len(current))
        break
    return Position(line0 + 1, col0 + 1)


def _new_parser(text: str) -> Any:
    if _CParser is not None:
        return _CParser(text)
    return yaml.SafeLoader(text)  # pragma: no cover


# YAML 1.1 parsers (libyaml, PyYAML) treat these as line breaks, YAML 1.2 does not:
# the same file would mean different things, so it is refused instead.
_AMBIGUOUS_BREAKS = re.compile("[\x85\u2028\u2029]")
_BREAK_NAMES = {"\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _load_yaml(text: str) -> tuple[Any, dict[str, Position]]:
    odd = _AMBIGUOUS_BREAKS.search(text)
    if odd is not None:
        char = odd.group()
        raise LoadError(
            f"the file contains U+{ord(char):04X} ({_BREAK_NAMES[char]}), which YAML "
            "readers disagree about (some treat it as a line break); replace it with an "
            "ordinary line break or a space, or write it as an escape inside double quotes",
            *_line_col_of_char(text, odd.start()),
        )
    try:
        return _parse_events(_new_parser(text), text)
    except _ParserLimit:
        # libyaml 0.2.5 as bundled from PyYAML 6.0.4 on stops flow nesting at its own
        # limit while scanning ahead, before govcheck's depth check sees the events.
        # The pure-Python parser streams the same events without that limit, so
        # govcheck's own limit and message hold whichever PyYAML release is installed.
        return _parse_events(yaml.SafeLoader(text), text)


class _ParserLimit(Exception):
    """libyaml refused the text for a limit of its own, not a YAML error."""


def _parse_events(parser: Any, text: str) -> tuple[Any, dict[str, Position]]:
    try:
        return _walk_yaml(parser.get_event, text)
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or "")
        if "maximum nesting depth" in problem and not isinstance(parser, yaml.SafeLoader):
            raise _ParserLimit from None
        raise _syntax_error(exc, text) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _walk_yaml(get: Callable[[], Any], text: str) -> tuple[Any, dict[str, Position]]:
    """Build plain data from the event stream in one loop, with no recursion.

    Streaming events (rather than composing a node graph first) is what lets the
    depth limit and the alias refusal act before any cost is paid.
    """
    get()  # StreamStartEvent
    event = get()
    if type(event) is StreamEndEvent:
        raise LoadError(f"the file is empty; {_EXPECTED}")
    _check_directives(event)
    event = get()  # root node
    kind = type(event)
    if kind is AliasEvent:
        raise _refuse_alias(event)
    if kind is not MappingStartEvent:
        if kind is SequenceStartEvent or kind is ScalarEvent:
            _refuse_node_extras(event)
        if kind is ScalarEvent:
            try:
                value = _plain(event.value) if not event.style else event.value
            except _TooLong:
                value = 0
            if value is None:
                raise LoadError(f"the document is empty; {_EXPECTED}", *_at(event))
            what = _describe(value)
        else:
            what = _KIND_NAMES.get(kind, "not a mapping")
        raise LoadError(f"the top level is {what}; {_EXPECTED}", *_at(event))
    _refuse_node_extras(event)

    positions: dict[str, Position] = {"": _ROOT}
    root: dict[str, Any] = {}
    lines: list[str] | None = None
    # Only a double-quoted `\u`/`\U` escape can make a surrogate (libyaml refuses them;
    # the pure-Python parser does not): look only when the text has one.
    escapes = "\\u" in text or "\\U" in text
    # The innermost open collection lives in locals; outer ones on ``stack``.
    stack: list[tuple[Any, str, bool, bool, Any, str]] = []
    container: Any = root
    pointer = ""
    is_map = True
    block_seq = False
    key: Any = None  # pending mapping key (None: the next scalar is a key)
    key_pointer = ""

    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_node_extras(event)
            style = event.style
            if is_map and key is None:
                value = event.value
                if not style:
                    if value == "<<":
                        raise LoadError(
                            "merge keys (`<<`) are not allowed; write the keys out in full "
                            "in this mapping",
                            *_at(event),
                        )
                    try:
                        resolved = _plain(value)
                    except _TooLong:
                        resolved = 0
                    if not isinstance(resolved, str):
                        raise LoadError(
                            f"the key `{_shown(value)}` is {_describe(resolved)}, but keys must "
                            f"be text; put it in quotes ('{_shown(value)}') if you mean the text"
                            if value
                            else "a key is missing (empty); every entry needs a text key "
                            "before the `:`",
                            *_at(event),
                        )
                elif escapes and style == '"' and _SURROGATE.search(value):
                    raise LoadError(_surrogate(_SURROGATE.search(value).group()), *_at(event))
                key_pointer = f"{pointer}/{_escape(value)}"
                if value in container:
                    first = positions[key_pointer]
                    raise LoadError(
                        f"duplicate key `{_shown(value)}`: it already appears in this mapping at "
                        f"line {first.line}, column {first.column}; each key may appear only "
                        "once, so merge the two entries or remove one",
                        *_at(event),
                    )
                mark = event.start_mark
                positions[key_pointer] = Position(mark.line + 1, mark.column + 1)
                key = value
                continue
            if style:
                value = event.value
                if escapes and style == '"' and _SURROGATE.search(value):
                    raise LoadError(_surrogate(_SURROGATE.search(value).group()), *_at(event))
            else:
                try:
                    value = _plain(event.value)
                except _TooLong:
                    raise LoadError(
                        f"this number has {len(event.value):,} characters; numbers may have "
                        f"at most {_MAX_DIGITS:,}; put it in quotes if it is meant as text",
                        *_at(event),
                    ) from None
                if value.__class__ is float and not _isfinite(value):
                    raise LoadError(_not_finite(event.value), *_at(event))
            if is_map:
                container[key] = value
                key = None
            else:
                mark = event.start_mark
                item_pointer = f"{pointer}/{len(container)}"
                if block_seq:
                    if lines is None:
                        lines = text.splitlines()
                    positions[item_pointer] = _dash_position(lines, mark.line, mark.column)
                else:
                    positions[item_pointer] = Position(mark.line + 1, mark.column + 1)
                container.append(value)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            container, pointer, is_map, block_seq, key, key_pointer = stack.pop()
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            _refuse_node_extras(event)
            if is_map and key is None:
                raise LoadError(
                    f"a key is {_KIND_NAMES[kind]}, but keys must be plain text; "
                    "write a text key before the `:`",
                    *_at(event),
                )
            if len(stack) + 1 >= MAX_DEPTH:
                raise LoadError(
                    f"the data is nested more than {MAX_DEPTH} levels deep; a proposal "
                    "never needs this much nesting, so flatten it",
                    *_at(event),
                )
            child: Any = {} if kind is MappingStartEvent else []
            if is_map:
                container[key] = child
                child_pointer = key_pointer
                key = None
            else:
                mark = event.start_mark
                child_pointer = f"{pointer}/{len(container)}"
                if block_seq:
                    if lines is None:
                        lines = text.splitlines()
                    positions[child_pointer] = _dash_position(lines, mark.line, mark.column)
                else:
                    positions[child_pointer] = Position(mark.line + 1, mark.column + 1)
                container.append(child)
            stack.append((container, pointer, is_map, block_seq, key, key_pointer))
            container = child
            pointer = child_pointer
            is_map = kind is MappingStartEvent
            block_seq = not is_map and not event.flow_style
            key = None
        elif kind is AliasEvent:
            raise _refuse_alias(event)
        else:  # pragma: no cover - the parser guarantees balanced events
            raise LoadError("the YAML structure could not be read", *_at(event))

    event = get()
    if type(event) is not DocumentEndEvent:  # pragma: no cover
        raise LoadError("the YAML structure could not be read", *_at(event))
    event = get()
    if type(event) is not StreamEndEvent:
        raise LoadError(
            "the file holds more than one YAML document (another one starts here, after "
            "`---` or `...`); a proposal is one document, so put each proposal in its own "
            "file",
            *_at(event),
        )
    return root, positions


def _check_directives(event: Any) -> None:
    """Refuse %TAG, and %YAML versions other than the 1.2 that we implement."""
    if type(event) is not DocumentStartEvent:  # pragma: no cover
        return
    if getattr(event, "tags", None):
        raise LoadError(
            "%TAG directives are not allowed (tags are not allowed); delete the %TAG line",
            *_at(event),
        )
    version = getattr(event, "version", None)
    if version is not None and tuple(version) != (1, 2):
        shown = ".".join(str(part) for part in version)
        raise LoadError(
            f"the file declares `%YAML {shown}`, but proposals are read as YAML 1.2; "
            "delete the %YAML line (or write `%YAML 1.2`)",
            *_at(event),
        )


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

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

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.starts, index)
        return Position(line, index - self.starts[line - 1] + 1)

    def error(self, message: str, index: int) -> LoadError:
        line, column = self.position(index)
        return LoadError(message, line, column)


def _load_json(text: str) -> tuple[Any, dict[str, Position]]:
    """Parse JSON iteratively, keeping key positions and refusing what YAML refuses.

    ``json.loads`` recurses (so deep input crashes it), keeps the last of duplicate
    keys and accepts NaN; a small parser around the C string scanner avoids all three.
    """
    src = _JsonText(text)
    ws = _JSON_WS.match
    n = len(text)
    i = ws(text, 0).end()
    if i >= n:
        raise LoadError(f"the file is empty; {_EXPECTED}")
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
        raise src.error(f"the top level is {what}; {_EXPECTED}", i)

    positions: dict[str, Position] = {"": _ROOT}
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
            key_pointer = f"{pointer}/{_escape(key)}"
            if key in container:
                first_pos = positions[key_pointer]
                raise src.error(
                    f"duplicate key `{_shown(key)}`: it already appears in this object at line "
                    f"{first_pos.line}, column {first_pos.column}; each key may appear only "
                    "once, so merge the two entries or remove one",
                    key_at,
                )
            positions[key_pointer] = src.position(key_at)
            i = ws(text, i).end()
            if i >= n or text[i] != ":":
                raise src.error("JSON syntax error: expected `:` after the key", i)
            i = ws(text, i + 1).end()
            child_pointer = key_pointer
        else:
            child_pointer = f"{pointer}/{len(container)}"
            positions[child_pointer] = src.position(i)
            key = None

        if i >= n:
            raise src.error(f"JSON syntax error: {_JSON_VALUE_HELP}", i)
        char = text[i]
        if char == "{" or char == "[":
            if len(stack) + 1 >= MAX_DEPTH:
                raise src.error(
                    f"the data is nested more than {MAX_DEPTH} levels deep; a proposal "
                    "never needs this much nesting, so flatten it",
                    i,
                )
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
        half = _SURROGATE.search(value)
        if half is not None:
            raise src.error(_surrogate(half.group()), i)
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
    if len(literal) > _MAX_DIGITS:
        raise src.error(
            f"this number has {len(literal):,} characters; numbers may have at most "
            f"{_MAX_DIGITS:,}; put it in quotes if it is meant as text",
            i,
        )
    if match.group(1) is None and match.group(2) is None:
        return int(literal), end
    number = float(literal)
    if not _isfinite(number):
        raise src.error(_not_finite(literal), i)
    return number, end


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


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
    _check_size(len(raw), max_bytes)
    text = _decode(raw)
    if kind == "json":
        data, positions = _load_json(text)
    else:
        data, positions = _load_yaml(text)
    return Document(path=path, data=data, positions=positions)


def load_path(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES, display: str | None = None
) -> Document:
    """Load a proposal file, reading no more than ``max_bytes + 1`` bytes of it.

    Problems with reaching the file (missing, unreadable, a directory) are left as
    ``OSError`` because they are about the command line, not about the file's
    content, and callers report them differently.
    """
    name = os.fspath(path)
    with open(name, "rb") as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError:  # pragma: no cover - fstat on an open file rarely fails
            size = 0
        _check_size(size, max_bytes)
        raw = handle.read(max_bytes + 1)
    _check_size(len(raw), max_bytes, at_least=True)
    shown = display if display is not None else name
    return load_bytes(raw, shown, fmt=_format_for(name, None), max_bytes=max_bytes)
