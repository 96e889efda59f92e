"""YAML text to plain data and positions, built from the parser's event stream.

A proposal is reviewed by people who did not write it, so YAML machinery whose meaning
a reviewer could miss is refused where it appears: anchors and aliases (a value defined
far away; refused at the first one, so alias bombs cost nothing), merge keys, tags
(which can construct arbitrary objects), duplicate keys (the last one silently wins),
several documents in one file, non-text keys, and %TAG or %YAML directives other than
1.2. Events are consumed in one loop with an explicit stack, never recursion, and the
depth limit acts as each collection opens. Each list item's position is its `- `, where
a person reads the item as starting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from math import isfinite
from typing import Any

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

from . import messages
from .decoding import line_col_of_char
from .document import MAX_DEPTH, MAX_NODES, ROOT, LoadError, Position, pointer_part
from .scalars import TooLong, describe, plain
from .yaml_errors import reworded

try:  # libyaml is several times faster; the pure parser gives the same events.
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CParser = None

_SURROGATE = messages.SURROGATE
_KIND_NAMES = {MappingStartEvent: "a mapping", SequenceStartEvent: "a list"}

# YAML 1.1 parsers (libyaml, PyYAML) treat these as line breaks, YAML 1.2 does not:
# the same file would mean different things, so it is refused instead.
_AMBIGUOUS_BREAKS = re.compile("[\x85\u2028\u2029]")
_BREAK_NAMES = {"\x85": "NEL", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def new_parser(text: str) -> Any:
    if CParser is not None:
        return CParser(text)
    return yaml.SafeLoader(text)  # pragma: no cover


def load_yaml(text: str) -> tuple[Any, dict[str, Position]]:
    odd = _AMBIGUOUS_BREAKS.search(text)
    if odd is not None:
        char = odd.group()
        raise LoadError(
            f"the file contains U+{ord(char):04X} ({_BREAK_NAMES[char]}), which YAML "
            "readers disagree about (some treat it as a line break); replace it with an "
            "ordinary line break or a space, or write it as an escape inside double quotes",
            *line_col_of_char(text, odd.start()),
        )
    try:
        return _parse_events(new_parser(text), text)
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
        return walk(parser.get_event, text)
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or "")
        if "maximum nesting depth" in problem and not isinstance(parser, yaml.SafeLoader):
            raise _ParserLimit from None
        raise reworded(exc, text) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def walk(get: Callable[[], Any], text: str) -> tuple[Any, dict[str, Position]]:
    """Build plain data from the event stream in one loop, with no recursion.

    Streaming events (rather than composing a node graph first) is what lets the
    depth limit and the alias refusal act before any cost is paid.
    """
    _open_document(get)
    positions: dict[str, Position] = {"": ROOT}
    root: dict[str, Any] = {}
    items = _ItemPositions(text)
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
            if is_map and key is None:
                key = _key(event, escapes)
                key_pointer = f"{pointer}/{pointer_part(key)}"
                if key in container:
                    first = positions[key_pointer]
                    raise LoadError(messages.duplicate_key(key, first, "mapping"), *_at(event))
                items.nodes += 1
                if items.nodes > MAX_NODES:
                    raise LoadError(messages.too_many(), *_at(event))
                mark = event.start_mark
                positions[key_pointer] = Position(mark.line + 1, mark.column + 1)
                continue
            if event.style:
                value = event.value
                if escapes:
                    _refuse_surrogates(event)
            else:
                value = _plain_value(event)
            if is_map:
                container[key] = value
                key = None
            else:
                positions[f"{pointer}/{len(container)}"] = items.position(event, block_seq)
                container.append(value)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            container, pointer, is_map, block_seq, key, key_pointer = stack.pop()
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            _check_collection(event, is_map and key is None, len(stack) + 1)
            child: Any = {} if kind is MappingStartEvent else []
            if is_map:
                container[key] = child
                child_pointer = key_pointer
            else:
                child_pointer = f"{pointer}/{len(container)}"
                positions[child_pointer] = items.position(event, block_seq)
                container.append(child)
            stack.append((container, pointer, is_map, block_seq, None, key_pointer))
            container, pointer, key = child, child_pointer, None
            is_map = kind is MappingStartEvent
            block_seq = not is_map and not event.flow_style
        elif kind is AliasEvent:
            raise _refused_alias(event)
        else:  # pragma: no cover - the parser guarantees balanced events
            raise LoadError("the YAML structure could not be read", *_at(event))

    _close_document(get)
    return root, positions


# ---------------------------------------------------------------------------
# The document around the data
# ---------------------------------------------------------------------------


def _open_document(get: Callable[[], Any]) -> None:
    """Take the events up to the root mapping's start, refusing anything else."""
    get()  # StreamStartEvent
    event = get()
    if type(event) is StreamEndEvent:
        raise LoadError(f"the file is empty; {messages.EXPECTED}")
    _check_directives(event)
    event = get()  # root node
    kind = type(event)
    if kind is AliasEvent:
        raise _refused_alias(event)
    if kind is not MappingStartEvent:
        if kind is SequenceStartEvent or kind is ScalarEvent:
            _refuse_node_extras(event)
        if kind is ScalarEvent:
            try:
                value = plain(event.value) if not event.style else event.value
            except TooLong:
                value = 0
            if value is None:
                raise LoadError(f"the document is empty; {messages.EXPECTED}", *_at(event))
            what = describe(value)
        else:
            what = _KIND_NAMES.get(kind, "not a mapping")
        raise LoadError(f"the top level is {what}; {messages.EXPECTED}", *_at(event))
    _refuse_node_extras(event)


def _close_document(get: Callable[[], Any]) -> None:
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
# Keys, values and collections
# ---------------------------------------------------------------------------


def _key(event: Any, escapes: bool) -> str:
    """The text of a mapping key, refusing merge keys, keys that are not text (a
    number, a boolean, empty) and half a surrogate pair."""
    value = event.value
    style = event.style
    if not style:
        if value == "<<":
            raise LoadError(
                "merge keys (`<<`) are not allowed; write the keys out in full in this mapping",
                *_at(event),
            )
        try:
            resolved = plain(value)
        except TooLong:
            resolved = 0
        if not isinstance(resolved, str):
            raise LoadError(
                f"the key `{messages.shown(value)}` is {describe(resolved)}, but keys must "
                f"be text; put it in quotes ('{messages.shown(value)}') if you mean the text"
                if value
                else "a key is missing (empty); every entry needs a text key before the `:`",
                *_at(event),
            )
    elif escapes:
        _refuse_surrogates(event)
    return value


def _plain_value(event: Any) -> Any:
    """A plain scalar value as YAML 1.2 reads it; a number too long to read or not
    finite is refused."""
    try:
        value = plain(event.value)
    except TooLong:
        raise LoadError(messages.long_number(len(event.value)), *_at(event)) from None
    if value.__class__ is float and not isfinite(value):
        raise LoadError(messages.not_finite(event.value), *_at(event))
    return value


def _check_collection(event: Any, as_key: bool, depth: int) -> None:
    """Refuse a list or mapping that opens as a key, carries an anchor or tag, or
    nests deeper than the limit."""
    _refuse_node_extras(event)
    if as_key:
        raise LoadError(
            f"a key is {_KIND_NAMES[type(event)]}, but keys must be plain text; "
            "write a text key before the `:`",
            *_at(event),
        )
    if depth >= MAX_DEPTH:
        raise LoadError(messages.too_deep(), *_at(event))


def _refuse_surrogates(event: Any) -> None:
    """Refuse half a surrogate pair, which only a double-quoted escape can write."""
    if event.style != '"':
        return
    half = _SURROGATE.search(event.value)
    if half is not None:
        raise LoadError(messages.surrogate(half.group()), *_at(event))


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


def _refused_alias(event: Any) -> LoadError:
    return LoadError(
        f"aliases (`*{event.anchor}`) are not allowed; write the value out in full "
        "at each place it is needed",
        *_at(event),
    )


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


def _at(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


class _ItemPositions:
    """Where each list item starts: its `- ` in a block list, its value in a flow list.

    Parser events carry the position of the value, not of its dash; people read a
    list item as starting at the dash, so that is what findings point at. The text is
    split into lines only when the first block-list item needs it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None
        self.nodes = 0  # keys and list items so far (keys are counted by `walk`)

    def position(self, event: Any, block: bool) -> Position:
        """The item's position; refuses the file past MAX_NODES items."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise LoadError(messages.too_many(), *_at(event))
        mark = event.start_mark
        if not block:
            return Position(mark.line + 1, mark.column + 1)
        if self.lines is None:
            self.lines = self.text.splitlines()
        return _dash_position(self.lines, mark.line, mark.column)


def _dash_position(lines: list[str], line0: int, col0: int) -> Position:
    """Find the `- ` of a block-sequence item, given where the item's value starts."""
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
