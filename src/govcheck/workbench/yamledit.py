"""Write an edited proposal back into its YAML text, keeping comments and key order.

The workbench edits a proposal as plain data (what the form holds). Saving it must not
lose what the person wrote around the data: comments, the order of keys, flow lists,
quoting, folded summaries. ruamel.yaml's round-trip mode keeps all of these on the
nodes it loads; `merge` changes only the values that differ, in place, so everything
else is written back as it was. A key the file did not have goes where the proposal
schema puts it among its siblings.

The text is re-read by govcheck's own strict loader (YAML 1.2 core) before it is
returned, and must give exactly the data asked for; a scalar that ruamel would write in
a way govcheck reads differently is caught there, never saved.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import (
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from ..fields import resolve
from ..loader import MAX_DEPTH, LoadError, load_bytes
from ..resources import proposal_schema

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_WIDTH = 4096  # never re-wrap a long line


class EditError(Exception):
    """The text cannot be edited as data (it does not parse), or the edit would not
    read back as the data asked for."""


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.width = _WIDTH
    # Data that repeats an object must be written out twice: govcheck refuses aliases.
    y.representer.ignore_aliases = lambda *args: True
    return y


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation as the file already writes it, so that new
    blocks look like the old ones; the house style of `govcheck init` otherwise."""
    mapping, sequence, offset = 2, 4, 2
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"( *)[^\s#-][^:#]*:\s*(#.*)?$", line)
        if not m:
            continue
        parent = len(m.group(1))
        nxt = lines[i + 1]
        d = re.match(r"( *)- ", nxt)
        if d and len(d.group(1)) >= parent:
            offset = len(d.group(1)) - parent
            sequence = offset + 2
            break
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"([^\s#-][^:#]*):\s*(#.*)?$", line)
        if m:
            k = re.match(r"( +)[^\s#-]", lines[i + 1])
            if k:
                mapping = len(k.group(1))
                break
    return mapping, sequence, offset


def _order() -> dict[str, list[str]]:
    """For each object of the schema (by generic path), its keys in schema order."""
    schema = proposal_schema()
    out: dict[str, list[str]] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(schema, node)
        if node.get("type") == "array":
            walk(node.get("items", {}), path + "[]")
        props = node.get("properties")
        if isinstance(props, dict):
            out[path] = list(props)
            for name, sub in props.items():
                walk(sub, f"{path}.{name}" if path else name)

    walk(schema, "")
    return out


_ORDER: dict[str, list[str]] | None = None


def _keys_in_order(path: str) -> list[str]:
    global _ORDER
    if _ORDER is None:
        _ORDER = _order()
    return _ORDER.get(path, [])


def _same(old: Any, new: Any) -> bool:
    """Is the node's value already `new`? (A YAML date read by ruamel is the same as the
    text govcheck reads for it.)"""
    if isinstance(old, datetime.date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return old == new and type(old) is type(new)
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    if old is None and new is None:
        return True
    return False


def _scalar(old: Any, new: Any) -> Any:
    """The node to write for a changed scalar: dates plain, as the file writes them; a
    folded paragraph stays folded, its lines re-broken near the width it had."""
    if isinstance(new, str) and _DATE.match(new):
        try:
            return datetime.date.fromisoformat(new)
        except ValueError:
            return new
    if isinstance(new, str) and "\n" in new:
        return LiteralScalarString(new)
    if isinstance(new, str) and isinstance(old, FoldedScalarString):
        return _folded(new, old)
    if isinstance(new, str) and _not_text_to_yaml_1_1(new):
        return SingleQuotedScalarString(new)
    return new


def _not_text_to_yaml_1_1(text: str) -> bool:
    """Would a YAML 1.1 reader (PyYAML's safe_load, yamllint, many CI tools) take this
    text, written plain, for something else: `no` as false, `1:30` as 90, `~` as null?
    govcheck reads YAML 1.2 and would not, but the file is shared with other tools, so
    such text is written in quotes."""
    import yaml  # PyYAML: its resolver is the YAML 1.1 reading

    tag = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str"


def _folded(text: str, old: FoldedScalarString) -> Any:
    marks = list(getattr(old, "fold_pos", []) or [])
    width = max([b - a for a, b in zip([0, *marks], marks, strict=False)] or [80])
    if "  " in text or text != text.strip():
        return text  # folding would change such spacing; write it plain
    out = FoldedScalarString(text)
    folds, start = [], 0
    while len(text) - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            break
        folds.append(cut)
        start = cut + 1
    out.fold_pos = folds  # type: ignore[attr-defined]
    return out


# ---- the comments after a block (blank lines, commented-out lines) stay after it


def _last_slot(node: Any) -> tuple[dict[Any, Any], Any, int] | None:
    """Where ruamel keeps the comment after the last scalar of `node`: (its comment
    items, the key or index, the place in that item's list)."""
    if isinstance(node, CommentedMap) and len(node):
        key = list(node)[-1]
        inner = _last_slot(node[key]) if _block(node[key]) else None
        return inner or (node.ca.items, key, 2)
    if isinstance(node, CommentedSeq) and len(node):
        index = len(node) - 1
        inner = _last_slot(node[index]) if _block(node[index]) else None
        return inner or (node.ca.items, index, 0)
    return None


def _block(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node) and not (
        node.fa.flow_style()
    )


def _take_tail(node: Any) -> str:
    """Detach the lines that follow `node`'s last line (blank lines, comments), keeping
    the comment at the end of that line itself."""
    slot = _last_slot(node)
    if slot is None:
        return ""
    return _cut_after_first_line(*slot)


def _put_tail(node: Any, rest: str) -> None:
    slot = _last_slot(node)
    if not rest or slot is None:
        return
    items, key, place = slot
    entry = items.setdefault(key, [None, None, None, None] if place == 2 else [None, None])
    token = entry[place]
    if token is None:
        entry[place] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        token.value = token.value.rstrip("\n") + "\n" + rest


def _fresh(value: Any, path: str) -> Any:
    """A new block for data the file did not have."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key in _sorted_keys(list(value), path):
            out[key] = _fresh(value[key], f"{path}.{key}" if path else key)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        for item in value:
            seq.append(_fresh(item, path + "[]"))
        if value and all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()  # [a, b]: how a list of words reads best
        return seq
    return _scalar(None, value)


def _sorted_keys(keys: list[str], path: str) -> list[str]:
    order = _keys_in_order(path)
    rank = {k: i for i, k in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(order)), keys.index(k)))


def _merge_map(node: CommentedMap, new: dict[str, Any], path: str) -> None:
    for key in [k for k in node if k not in new]:
        tail = _take_tail(node) if key == list(node)[-1] else ""
        del node[key]
        _put_tail(node, tail)
    order = _keys_in_order(path)
    for key, value in new.items():
        child = f"{path}.{key}" if path else key
        if key in node:
            node[key] = _merged(node[key], value, child)
            continue
        # Put it after the nearest key before it in schema order that the file has.
        position = len(node)
        if key in order:
            before = order[: order.index(key)]
            present = [i for i, k in enumerate(node) if k in before]
            after = [i for i, k in enumerate(node) if k in order[order.index(key) + 1:]]
            if present:
                position = present[-1] + 1
            elif after:
                position = after[0]
        fresh = _fresh(value, child)
        tail = ""
        if position > 0:
            previous = list(node)[position - 1]
            tail = _take_tail_of_key(node, previous)
        node.insert(position, key, fresh)
        if tail:
            _put_tail_of_key(node, key, tail)


def _take_tail_of_key(node: CommentedMap, key: Any) -> str:
    """The tail of one entry of a mapping (see _take_tail)."""
    value = node[key]
    if _block(value):
        return _take_tail(value)
    return _cut_after_first_line(node.ca.items, key, 2)


def _cut_after_first_line(items: Any, key: Any, place: int) -> str:
    """Detach and return what the comment token at items[key][place] holds after its first
    line (the blank lines and comments below); the comment on the line itself stays."""
    entry = items.get(key)
    token = entry[place] if entry and len(entry) > place else None
    if token is None or "\n" not in token.value:
        return ""
    head, _, rest = token.value.partition("\n")
    token.value = head + "\n"
    return rest


def _put_tail_of_key(node: CommentedMap, key: Any, rest: str) -> None:
    value = node[key]
    if _block(value):
        _put_tail(value, rest)
        return
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    if entry[2] is None:
        entry[2] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        entry[2].value = entry[2].value.rstrip("\n") + "\n" + rest


def _merge_seq(node: CommentedSeq, new: list[Any], path: str) -> None:
    tail = _take_tail(node) if len(node) != len(new) else ""
    while len(node) > len(new):
        del node[len(node) - 1]
    for i, value in enumerate(new):
        if i < len(node):
            node[i] = _merged(node[i], value, path + "[]")
        else:
            fresh = _fresh(value, path + "[]")
            # A list written as one-line items ({id: a, name: B}) gets its new ones so too.
            if (
                isinstance(fresh, CommentedMap)
                and len(node)
                and all(isinstance(x, CommentedMap) and x.fa.flow_style() for x in node)
                and all(not isinstance(v, dict | list) for v in value.values())
            ):
                fresh.fa.set_flow_style()
            node.append(fresh)
    _put_tail(node, tail)


def _merged(old: Any, new: Any, path: str) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new, path)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_seq(old, new, path)
        return old
    if _same(old, new):
        return old
    if isinstance(new, dict | list):
        return _fresh(new, path)
    return _scalar(old, new)


def _normalised(data: Any) -> Any:
    """Data as JSON would carry it, to compare what was asked with what reads back."""
    if isinstance(data, dict):
        return {str(k): _normalised(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_normalised(v) for v in data]
    if isinstance(data, float) and data.is_integer():
        return data
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Is `data` nested more than `limit` lists and mappings deep? Walked without
    recursion, so no depth can overflow the stack here."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return False


def merge(text: str, data: dict[str, Any]) -> str:
    """`text` with its values changed to `data`: comments, key order and styles kept.

    An empty `text` gives a new file in the house style. Raises EditError when `text`
    is not YAML ruamel can read, or when the result would not read back as `data`.
    """
    if _deeper_than(data, MAX_DEPTH):
        raise EditError(f"the data is nested more than {MAX_DEPTH} levels deep; a proposal "
                        "never needs this much nesting")
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = text.startswith("\ufeff")
    body = text.lstrip("\ufeff").replace("\r\n", "\n")
    y = _yaml()
    mapping, sequence, offset = _indents(body)
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    try:
        root = y.load(body) if body.strip() else None
    except YAMLError as e:
        raise EditError(f"the YAML text does not parse: {str(e).splitlines()[0]}") from None
    except RecursionError:  # ruamel reads nesting by recursion
        raise EditError("the YAML text is nested too deeply to edit") from None
    if isinstance(root, CommentedMap):
        _merge_map(root, data, "")
    else:
        root = _fresh(data, "")
    out = io.StringIO()
    y.dump(root, out)
    result = out.getvalue()
    if body and not body.endswith("\n"):
        result = result.rstrip("\n")
    try:
        back = load_bytes(result.encode("utf-8"), "<edit>", fmt="yaml").data
    except LoadError as e:
        raise EditError(f"the edited text would not load: {e.message} (line {e.line})") from None
    if _normalised(back) != _normalised(data):
        raise EditError("the edited text would not read back as the data asked for")
    if newline != "\n":
        result = result.replace("\n", newline)
    return ("\ufeff" if bom else "") + result
