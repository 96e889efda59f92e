"""Fuzz `govcheck check` with mutated proposals built from cases/, and count what breaks.

    python bench/fuzz.py                         # 10,000 proposals, seed 1, every format
    python bench/fuzz.py --n 2000 --seed 7       # a smaller or different corpus
    python bench/fuzz.py --formats json,text     # some formats only
    python bench/fuzz.py --keep /tmp/corpus      # keep the corpus (to re-run or inspect)
    python bench/fuzz.py --corpus /tmp/corpus    # re-run over a kept corpus
    python bench/fuzz.py --show 3                # print up to 3 examples of each problem
    python bench/fuzz.py --library               # also check every file in-process
    python bench/fuzz.py --no-multi --jobs-check ''   # one run per batch and format only

Each proposal is a bundled case with one to three mutations: odd numbers (1e-05, 3e16,
.inf, 1e400, huge integers), hostile strings (unpaired surrogates, control, bidi and
zero-width characters, line breaks, `::error` workflow commands, Markdown and HTML),
type swaps, deleted, duplicated and unknown keys, deep nesting, long lists, dangling
references, bad dates (2014-W01-1), hostile waivers, and damage to the text itself
(truncation, a flipped byte, tabs, CR line ends, a BOM). About one file in ten gets an
odd name (line breaks, `::`, bidi controls, markup, bytes that are not UTF-8). A last
small batch holds file-system oddities: dangling and looping symlinks, an unreadable
file, a directory named like a proposal. The corpus depends only on the seed and the
cases, so a count that changes means govcheck changed.

Files go into batches (directories of --batch files, 100 by default). Each batch is
checked once per output format govcheck.render.FORMATS lists, once more writing every
format in one run (`--format FMT:PATH`, when the CLI takes it; each report must equal
its own run's), and once more with `-j 2` in the formats of --jobs-check (the output
must be byte-identical). The script counts:

- tracebacks (on either stream) and exit codes other than 0, 1 and 2 (a signal too);
- runs that did not finish within --timeout seconds;
- batches that lost other files' results: a traceback, exit 2, a machine-readable
  report that does not parse, or a report covering fewer files than the batch holds
  (JSON results, the SARIF summary, JUnit test suites, the text summary line);
- JSON and SARIF that do not parse, JUnit XML that does not parse, output that is not
  UTF-8;
- human-readable output (and every format's standard error) with raw control, bidi or
  zero-width characters, or a line starting with `::` (a CI workflow command) other
  than the github format's own well-formed annotations; HTML or Markdown that carries
  a markup payload unescaped.

It prints the counts (all zero is the goal) and exits 0; it is a measuring tool, not
a test. With --library every file also goes through `Checker.check_path` in this
process, counting exceptions the library lets out.
"""

from __future__ import annotations

import argparse
import collections
import copy
import csv
import datetime
import io
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).with_name("govcheck")
GOVCHECK = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "govcheck.cli"]
DEFAULT_FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "github")

# ---------------------------------------------------------------------------
# What goes into the proposals
# ---------------------------------------------------------------------------

# Written into the file as they stand (so `.inf` is YAML's infinity, `1e400` a JSON
# number that overflows); YAML-only spellings make a JSON file invalid, which is fine.
ODD_NUMBERS = (
    "1e-05",
    "3e16",
    "1e400",
    "-1e400",
    "1e-400",
    "1e308",
    "1.7976931348623157e308",
    "5e-324",
    "2.2250738585072014e-308",
    "1e16",
    "1e21",
    "1e22",
    "123.456e-7",
    "0.1",
    "-0",
    "-0.0",
    "1E5",
    "1.0",
    "240.0",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "123456789012345678901234567890",
    "1" * 4300,
    "1" * 4301,
    "1e5000",
    ".inf",
    "-.inf",
    "+.inf",
    ".nan",
    ".NaN",
    "Infinity",
    "-Infinity",
    "NaN",
    "+1",
    ".5",
    "5.",
    "0x1F",
    "0o17",
    "1_000",
)

# Unpaired surrogates can only be written as escapes; both YAML and JSON read these.
SURROGATE_ESCAPES = ('"\\ud800"', '"\\udfff"', '"a\\udc00b"', '"\\ud83d"', '"\\uDBFF x"')

HOSTILE_STRINGS = (
    "\x1b[31mred\x1b[0m",
    "\x1b]0;retitled\x07",
    "\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\",
    "bell\x07",
    "nul\x00byte",
    "del\x7f",
    "csi\x9b31m",
    "line\nbreak",
    "carriage\rreturn",
    "x\r\n::error file=forged.yaml,line=1::forged annotation",
    "x\n::add-mask::ERROR",
    "x\n::stop-commands::resume",
    "::error::at the start",
    "  ::warning::indented",
    "ends with a colon:",
    "##[error]old-style command",
    "##vso[task.setvariable variable=x]1",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "zero\u200bwidth",
    "joiner\u200d",
    "\ufeffbom",
    "line\u2028separator",
    "para\u2029separator",
    "next\x85line",
    "file\x1cseparator",
    "soft\xadhyphen",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "# a heading",
    "| a | b |",
    "[link](javascript:alert(1))",
    "**bold** _em_ `code`",
    "<!-- comment",
    "]]> cdata end",
    "&amp; &lt;",
    "back\\slash",
    "{provider.name}",
    "{0} {!r}",
    "%s %n %(x)s",
    "${{ secrets.TOKEN }}",
    '=HYPERLINK("https://example.invalid")',
    "",
    " ",
    "\t",
    "x" * 100_000,
    "é" * 5000,
    "\U0001f600 emoji",
    "Ω ≠ Ω",
)

BAD_DATES = (
    "2014-W01-1",
    "2014W011",
    "2009-13-01",
    "2009-02-30",
    "2009-02-29",
    "2008-02-29",
    "20091001",
    "2009-10-01T00:00:00",
    "2009-10-01T00:00:00Z",
    "2009-10-01 12:00",
    "2009-10-1",
    "2009-274",
    "2009-10",
    "2009",
    "10000-01-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "-2009-10-01",
    "yesterday",
    "today",
    "01/10/2009",
    " 2009-10-01",
    "2009-10-01\n",
    "\uff12\uff10\uff10\uff19-10-01",
    "\u0662\u0660\u0660\u0669-10-01",
)

SWAPS: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    "",
    "text",
    [],
    [1, "two"],
    {},
    {"a": 1},
    [[]],
    {"id": None},
    [{}],
)

ODD_KEYS = (
    "x-\u202enote",
    "::error::key",
    "a/b~c",
    "~1",
    "",
    "<b>key</b>",
    "<img src=x onerror=alert(1)>",
    "# heading key",
    "line\nbreak key",
    "\u2028key",
    "k" * 300,
    "x-" + "\n",
    "provider.name",
    "govcheck ",
    "Govcheck",
    "\ud800",
)

ODD_NAMES = (
    "with space",
    "\u202eevil",
    "line\nbreak",
    "carriage\rreturn",
    "::error file=x,line=1::forged",
    "-o.yaml",
    "--waivers=w",
    "<img src=x onerror=alert(1)>",
    "# heading",
    "%0A%25",
    "`tick`",
    "$(echo)",
    "back\\slash",
    "esc\x1b[2J",
    "zero\u200bwidth",
    "é-ü",
    ":",
    "'\"",
)

# Names that are not UTF-8 at all (bytes, as Linux allows).
ODD_BYTE_NAMES = (b"latin1-\xe9", b"bad-\xff\xfe", b"cesu-\xed\xa0\x80")

SUFFIXES = (".yaml", ".yaml", ".yaml", ".yml", ".json", ".YAML")
FILESYSTEM_BATCH = "batch-filesystem"


# ---------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------


@dataclass
class Draft:
    """A proposal being mutated: its data, and literals to write in place of markers."""

    data: Any
    raw: dict[str, str] = field(default_factory=dict)
    text_damage: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)

    def literal(self, text: str) -> str:
        marker = f"FUZZRAW{len(self.raw)}Z"
        self.raw[marker] = text
        return marker


def _slots(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) in the tree, outermost first."""
    out: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                out.append((node, key))
                stack.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                out.append((node, index))
                stack.append(value)
    return out


def _pick(rng: random.Random, data: Any, want: Callable[[Any, Any], bool]) -> tuple[Any, Any]:
    slots = _slots(data)
    fitting = [s for s in slots if want(s[1], s[0][s[1]])]
    pool = fitting or slots
    return rng.choice(pool) if pool else (data, None)


def _is_number(key: Any, value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text(key: Any, value: Any) -> bool:
    return isinstance(value, str)


def _is_date(key: Any, value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value) is not None


def _put(container: Any, key: Any, value: Any) -> None:
    if key is None:
        return
    container[key] = value


def m_odd_number(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, _is_number)
    _put(container, key, d.literal(rng.choice(ODD_NUMBERS)))


def m_surrogate(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, _is_text)
    _put(container, key, d.literal(rng.choice(SURROGATE_ESCAPES)))


def m_hostile_string(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, _is_text)
    _put(container, key, rng.choice(HOSTILE_STRINGS))


def m_hostile_title(rng: random.Random, d: Draft) -> None:
    """The fields every report prints: the title, the id, a name."""
    target = rng.choice(("title", "id", "provider"))
    value = rng.choice(HOSTILE_STRINGS)
    if target == "provider" and isinstance(d.data.get("provider"), dict):
        d.data["provider"]["name"] = value
    else:
        d.data[target if target != "provider" else "title"] = value


def m_bad_date(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, _is_date)
    if rng.random() < 0.3:
        container, key = d.data, "as_at"
    _put(container, key, rng.choice(BAD_DATES))


def m_type_swap(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, lambda k, v: True)
    _put(container, key, copy.deepcopy(rng.choice(SWAPS)))


def m_delete_key(rng: random.Random, d: Draft) -> None:
    container, key = _pick(rng, d.data, lambda k, v: True)
    if key is not None:
        del container[key]


def m_odd_key(rng: random.Random, d: Draft) -> None:
    maps = [c for c, _ in _slots(d.data) if isinstance(c, dict)] or [d.data]
    target = rng.choice(maps)
    key = rng.choice(ODD_KEYS)
    if key == "\ud800":
        key = d.literal('"\\ud800"')
    target[key] = rng.choice(("value", 1, None, [], {"x": 1}))


def m_duplicate_line(rng: random.Random, d: Draft) -> None:
    d.text_damage.append("duplicate_line")


def m_deep(rng: random.Random, d: Draft) -> None:
    depth = rng.choice((10, 45, 48, 49, 50, 51, 60, 200, 5000, 100_000))
    if rng.random() < 0.5:
        text = "[" * depth + "1" + "]" * depth
    else:
        text = '{"a": ' * depth + "1" + "}" * depth
    container, key = _pick(rng, d.data, lambda k, v: True)
    _put(container, key, d.literal(text))


def _list_of(rng: random.Random, kind: str, n: int) -> list[Any]:
    if kind == "services":
        return [
            {"name": f"Service {i}", "kind": "community_health", "statutory_function": False}
            for i in range(n)
        ]
    if kind == "commissioners":
        return [
            {"id": f"c-{i}", "name": f"Commissioner {i}", "type": "primary_care_trust"}
            for i in range(n)
        ]
    if kind == "assets":
        return [{"description": f"Asset {i}", "from": f"nowhere-{i}"} for i in range(n)]
    if kind == "conflicts_of_interest":
        return [
            {"person": f"P {i}", "declared": True, "recused": False, "commissioner": f"gone-{i}"}
            for i in range(n)
        ]
    return [
        {"rule": "COI-001", "reason": "r", "approved_by": "b", "expires": "2030-01-01"}
        for _ in range(n)
    ]


def m_long_list(rng: random.Random, d: Draft) -> None:
    n = rng.choice((200, 1000, 3000, 10_000, 20_000))
    kind = rng.choice(("services", "commissioners", "assets", "conflicts_of_interest", "waivers"))
    if isinstance(d.data, dict):
        d.data[kind] = _list_of(rng, kind, n)


def m_dangling(rng: random.Random, d: Draft) -> None:
    data = d.data
    if not isinstance(data, dict):
        return
    ghost = rng.choice(("ghost", "", "NORTHTOWN-PCT", "northtown-pct ", "\u202eghost", "x" * 500))
    where = rng.choice(("counterparty", "parent", "from", "commissioner", "lead"))
    if where == "counterparty" and isinstance(data.get("contract"), dict):
        data["contract"]["counterparty"] = ghost
    elif where == "parent" and isinstance(data.get("provider"), dict):
        data["provider"]["parent"] = ghost
    elif where == "lead" and isinstance(data.get("partnership"), dict):
        data["partnership"]["lead_commissioner"] = ghost
    elif where == "from":
        data.setdefault("assets", [])
        if isinstance(data["assets"], list):
            data["assets"].append({"description": "Ghost asset", "from": ghost})
    else:
        data.setdefault("conflicts_of_interest", [])
        if isinstance(data["conflicts_of_interest"], list):
            data["conflicts_of_interest"].append(
                {"person": "X", "declared": True, "recused": False, "commissioner": ghost}
            )


def m_duplicate_item(rng: random.Random, d: Draft) -> None:
    lists = [(c, k) for c, k in _slots(d.data) if isinstance(c[k], list) and c[k]]
    if lists:
        container, key = rng.choice(lists)
        container[key].append(copy.deepcopy(rng.choice(container[key])))


def m_waiver(rng: random.Random, d: Draft) -> None:
    if not isinstance(d.data, dict):
        return
    waiver = {
        "rule": rng.choice(("COI-001", "SCHEMA", "WAIVER-EXPIRED", "coi-001", "NOPE-999", "")),
        "reason": rng.choice(("", " ", "ok", *HOSTILE_STRINGS[:12])),
        "approved_by": rng.choice(("", "Board", "\u202eBoard")),
        "expires": rng.choice(("2030-01-01", "2000-01-01", *BAD_DATES)),
    }
    if rng.random() < 0.2:
        del waiver[rng.choice(list(waiver))]
    waivers = d.data.get("waivers")
    if isinstance(waivers, list):
        waivers.append(waiver)
    else:
        d.data["waivers"] = [waiver]


def m_top_level(rng: random.Random, d: Draft) -> None:
    choice = rng.randrange(6)
    if choice == 0:
        d.data = rng.choice(([], "text", 1, None, [d.data]))
    elif choice == 1:
        d.data["govcheck"] = rng.choice((2, "1", 1.0, True, None, 0))
    elif choice == 2:
        d.data.pop("govcheck", None)
    elif choice == 3:
        d.data = {}
    elif choice == 4:
        d.data["govcheck"] = d.literal(rng.choice(("1.0", "0x1", "+1", "1e0")))
    else:
        d.data["as_at"] = rng.choice((None, 20091001, "2009-10-01", True, []))


def m_text_damage(rng: random.Random, d: Draft) -> None:
    d.text_damage.append(
        rng.choice(
            (
                "truncate",
                "flip_byte",
                "tab_indent",
                "crlf",
                "cr",
                "bom",
                "nul",
                "second_document",
                "anchor",
                "tag",
                "latin1",
                "trailing_garbage",
            )
        )
    )


MUTATIONS: dict[str, tuple[int, Callable[[random.Random, Draft], None]]] = {
    # name: (weight, mutation)
    "odd_number": (14, m_odd_number),
    "surrogate": (6, m_surrogate),
    "hostile_string": (14, m_hostile_string),
    "hostile_title": (8, m_hostile_title),
    "bad_date": (8, m_bad_date),
    "type_swap": (10, m_type_swap),
    "delete_key": (6, m_delete_key),
    "odd_key": (5, m_odd_key),
    "duplicate_line": (4, m_duplicate_line),
    "deep": (3, m_deep),
    "long_list": (1, m_long_list),
    "dangling": (5, m_dangling),
    "duplicate_item": (4, m_duplicate_item),
    "waiver": (5, m_waiver),
    "top_level": (2, m_top_level),
    "text_damage": (5, m_text_damage),
}


def _damage(text: bytes, how: str, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    if how == "duplicate_line" and len(lines) > 2:
        i = rng.randrange(1, len(lines) - 1)
        lines.insert(i, lines[i])
        return b"\n".join(lines)
    if how == "truncate" and text:
        return text[: rng.randrange(len(text))]
    if how == "flip_byte" and text:
        i = rng.randrange(len(text))
        return text[:i] + bytes([text[i] ^ (1 << rng.randrange(8))]) + text[i + 1 :]
    if how == "tab_indent" and len(lines) > 2:
        i = rng.randrange(1, len(lines))
        lines[i] = b"\t" + lines[i]
        return b"\n".join(lines)
    if how == "crlf":
        return text.replace(b"\n", b"\r\n")
    if how == "cr":
        return text.replace(b"\n", b"\r")
    if how == "bom":
        return b"\xef\xbb\xbf" + text
    if how == "nul" and text:
        i = rng.randrange(len(text))
        return text[:i] + b"\x00" + text[i:]
    if how == "second_document":
        return text + b"\n---\ngovcheck: 1\n"
    if how == "anchor":
        return text.replace(b"\n", b"\nx-a: &a 1\nx-b: *a\n", 1)
    if how == "tag":
        return text.replace(b"\n", b"\nx-t: !!python/object:os.system ls\n", 1)
    if how == "latin1":
        return text + b"\n# caf\xe9\n"
    if how == "trailing_garbage":
        return text + b"\n}}]] :: \x01"
    return text


_MARKER = re.compile(r"""["']?(FUZZRAW\d+Z)["']?""")


def _serialise(d: Draft, as_json: bool, rng: random.Random) -> bytes:
    if as_json:
        text = json.dumps(d.data, ensure_ascii=rng.random() < 0.5, indent=rng.choice((None, 2)))
    else:
        text = yaml.safe_dump(
            d.data, sort_keys=False, allow_unicode=rng.random() < 0.7, width=rng.choice((80, 1e9))
        )
    if d.raw:
        text = _MARKER.sub(lambda m: d.raw.get(m.group(1), m.group()), text)
    raw = text.encode("utf-8", "surrogatepass")
    for how in d.text_damage:
        raw = _damage(raw, how, rng)
    return raw


def _load_cases() -> list[Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    cases = []
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        cases.append(plain(yaml.safe_load(path.read_text("utf-8"))))
    return cases


def _file_name(i: int, rng: random.Random, as_json: bool) -> bytes:
    suffix = ".json" if as_json else rng.choice([s for s in SUFFIXES if s != ".json"])
    if rng.random() < 0.1:
        if rng.random() < 0.25:
            stem = rng.choice(ODD_BYTE_NAMES)
        else:
            stem = rng.choice(ODD_NAMES).encode("utf-8")
        return stem + f"-{i:05d}".encode() + suffix.encode()
    return f"f{i:05d}{suffix}".encode()


def build_corpus(directory: Path, n: int, seed: int, batch: int = 100) -> list[Path]:
    """Write `n` mutated proposals into batch directories under `directory`.

    Returns the batch directories, the file-system oddities' batch last.
    """
    rng = random.Random(seed)
    cases = _load_cases()
    names = list(MUTATIONS)
    weights = [MUTATIONS[m][0] for m in names]
    batches: list[Path] = []
    manifest: dict[str, list[str]] = {}
    for i in range(n):
        if i % batch == 0:
            batches.append(directory / f"batch{len(batches):03d}")
            batches[-1].mkdir(parents=True)
        draft = Draft(copy.deepcopy(rng.choice(cases)))
        for name in rng.choices(names, weights, k=rng.choice((1, 1, 2, 3))):
            if not isinstance(draft.data, dict) and name != "text_damage":
                continue
            MUTATIONS[name][1](rng, draft)
            draft.applied.append(name)
        as_json = rng.random() < 0.3
        raw = _serialise(draft, as_json, rng)
        name = _file_name(i, rng, as_json)
        target = os.path.join(os.fsencode(batches[-1]), name)
        with open(target, "wb") as handle:
            handle.write(raw)
        manifest[os.fsdecode(target)] = draft.applied
    batches.append(_filesystem_oddities(directory / FILESYSTEM_BATCH))
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=True, indent=0), "utf-8"
    )
    return batches


def _filesystem_oddities(directory: Path) -> Path:
    directory.mkdir(parents=True)
    case = (ROOT / "cases" / "northtown-cic.yaml").read_bytes()
    (directory / "ok.yaml").write_bytes(case)
    (directory / "empty.yaml").write_bytes(b"")
    os.symlink("nowhere.yaml", directory / "dangling.yaml")
    os.symlink("loop-b.yaml", directory / "loop-a.yaml")
    os.symlink("loop-a.yaml", directory / "loop-b.yaml")
    (directory / "dir.yaml").mkdir()
    unreadable = directory / "unreadable.yaml"
    unreadable.write_bytes(case)
    unreadable.chmod(0)
    return directory


# ---------------------------------------------------------------------------
# Running and judging
# ---------------------------------------------------------------------------

_RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff"
    "\u2066-\u2069\ufeff]"
)
# A workflow command starts a line (after blanks); older runners read `##[` anywhere.
_COMMAND_LINE = re.compile(r"^[ \t]*::|##\[|##vso\[", re.MULTILINE)
# The github format's own annotations: `::error file=F,line=N,col=N,title=T::message`,
# property values escaped (no raw `:` or `,` in them).
_ANNOTATION = re.compile(r"(error|warning|notice|debug)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.*")
_MARKUP_PAYLOADS = ("<img src=x onerror", "<script>alert", "<b>key</b>")
_MACHINE = {"json", "sarif", "junit"}


def cli_formats() -> tuple[str, ...]:
    """Every format `govcheck check` offers: the one list, govcheck.render.FORMATS (new
    ones are picked up by themselves)."""
    try:
        from govcheck.render import FORMATS
    except ImportError:
        return DEFAULT_FORMATS
    return tuple(FORMATS)


@dataclass
class Tally:
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    runs: int = 0
    lost_batches: set[str] = field(default_factory=set)

    def add(self, what: str, example: str) -> None:
        self.counts[what] += 1
        self.examples.setdefault(what, [])
        if len(self.examples[what]) < 20:
            self.examples[what].append(example)


PROBLEMS = (
    "traceback",
    "exit code not 0/1/2",
    "timed out",
    "exit 2 (batch lost)",
    "report misses files (batch lost)",
    "output not UTF-8",
    "JSON does not parse",
    "SARIF does not parse",
    "JUnit XML does not parse",
    "CSV does not parse",
    "raw control/bidi/zero-width characters",
    "line starting with '::' (workflow command)",
    "malformed github annotation",
    "markup payload unescaped",
    "exit 2 reason not one line",
    "output differs with -j 2",
    "several formats: a report is missing",
    "several formats: report differs from its own run",
    "library exception",
)


def _count_in(fmt: str, out: str, err: str) -> int | None:
    """How many files the report covers, where the format says so."""
    try:
        if fmt == "json":
            return len(json.loads(out)["results"])
        if fmt == "sarif":
            runs = json.loads(out)["runs"]
            return sum(
                inv["properties"]["summary"]["files"]
                for run in runs
                for inv in run.get("invocations", [])
            )
        if fmt == "junit":
            return len(ElementTree.fromstring(out.encode("utf-8")).findall("testsuite"))
    except (ValueError, KeyError, TypeError, ElementTree.ParseError):
        return None
    if fmt == "text":
        found = re.search(r"(\d+) files? checked", err)
        return int(found.group(1)) if found else None
    return None


def _is_regular(entry: os.DirEntry[Any]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a symlink loop
        return False


def _files_in(batch: Path) -> int:
    n = 0
    for entry in os.scandir(os.fsencode(batch)):
        name = entry.name.lower()
        n += name.endswith((b".yaml", b".yml", b".json")) and _is_regular(entry)
    return n


def judge(
    fmt: str,
    batch: Path,
    proc: subprocess.CompletedProcess[bytes],
    tally: Tally,
    where: str | None = None,
) -> None:
    where = where or f"{batch.name} --format {fmt}"
    raw_out, raw_err = proc.stdout, proc.stderr
    err = raw_err.decode("utf-8", "replace")
    if b"Traceback (most recent call last)" in raw_out + raw_err:
        tally.add("traceback", f"{where}: {_last_line(err)}")
        tally.lost_batches.add(batch.name)
    # Every file of a mutated batch can be read, so exit 2 there means the run itself
    # failed; in the file-system batch it may mean "some file could not be read", with a
    # line for each, and only a report that misses files is a loss.
    readable = batch.name != FILESYSTEM_BATCH
    if proc.returncode not in (0, 1, 2):
        tally.lost_batches.add(batch.name)
        tally.add("exit code not 0/1/2", f"{where}: exit {proc.returncode}: {_last_line(err)}")
    elif proc.returncode == 2 and readable:
        tally.lost_batches.add(batch.name)
        tally.add("exit 2 (batch lost)", f"{where}: {_last_line(err)}")
        lines = [line for line in err.splitlines() if line.strip()]
        if len(lines) != 1:
            tally.add("exit 2 reason not one line", f"{where}: {len(lines)} lines")
    try:
        out = raw_out.decode("utf-8")
    except UnicodeDecodeError as e:
        tally.add("output not UTF-8", f"{where}: {e}")
        out = raw_out.decode("utf-8", "replace")
    if proc.returncode in (0, 1, 2):
        expected = _files_in(batch)
        covered = _count_in(fmt, out, err)
        # A broken symlink or a pipe may be reported too, so more is not a loss.
        if covered is not None and covered < expected:
            tally.lost_batches.add(batch.name)
            tally.add("report misses files (batch lost)", f"{where}: {covered} of {expected}")
        if (proc.returncode != 2 or not readable) and not _parses(fmt, out, where, tally):
            tally.lost_batches.add(batch.name)
    _safe(fmt, out, where, tally)
    _safe("stderr", err, where + " (stderr)", tally)


def _parses(fmt: str, out: str, where: str, tally: Tally) -> bool:
    """False (and counted) when a machine-readable report does not parse."""
    if fmt in ("json", "sarif"):
        try:
            data = json.loads(out)
            if fmt == "sarif" and not (data.get("version") == "2.1.0" and data.get("runs")):
                raise ValueError("not a SARIF 2.1.0 log")
        except ValueError as e:
            tally.add(f"{'JSON' if fmt == 'json' else 'SARIF'} does not parse", f"{where}: {e}")
            return False
    elif fmt == "junit":
        try:
            ElementTree.fromstring(out.encode("utf-8"))
        except ElementTree.ParseError as e:
            tally.add("JUnit XML does not parse", f"{where}: {e}")
            return False
    elif fmt == "csv":
        try:
            list(csv.reader(io.StringIO(out, newline=""), strict=True))
        except csv.Error as e:
            tally.add("CSV does not parse", f"{where}: {e}")
            return False
    return True


def _safe(fmt: str, text: str, where: str, tally: Tally) -> None:
    if fmt in _MACHINE:
        return
    body = text
    if fmt == "csv":  # quoted fields may hold line breaks; other controls still count
        body = text.replace("\r\n", "\n")
    for match in _RAW_CONTROL.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        tally.add(
            "raw control/bidi/zero-width characters",
            f"{where}: U+{ord(match.group()):04X} on line {line}",
        )
        break
    for match in _COMMAND_LINE.finditer(body):
        start = body.rfind("\n", 0, match.start()) + 1
        end = body.find("\n", match.start())
        line = body[start : end if end >= 0 else len(body)]
        if fmt == "github" and line.startswith("::"):
            if not _ANNOTATION.fullmatch(line[2:]):
                tally.add("malformed github annotation", f"{where}: {line[:120]!r}")
            continue
        tally.add("line starting with '::' (workflow command)", f"{where}: {line[:120]!r}")
        break
    if fmt in ("html", "markdown"):
        for payload in _MARKUP_PAYLOADS:
            if payload in body:
                tally.add("markup payload unescaped", f"{where}: {payload}")
                break


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _run(cmd: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None


def several_formats_per_run() -> bool:
    """Does `govcheck check` take `--format FMT:PATH`, several times in one run?"""
    proc = subprocess.run([*GOVCHECK, "check", "--help"], capture_output=True, text=True)
    return "FMT[:PATH]" in proc.stdout


def run_cli(
    batches: Iterable[Path],
    formats: Iterable[str],
    tally: Tally,
    timeout: float,
    *,
    single: bool = True,
    multi: bool = False,
    jobs_check: Iterable[str] = (),
) -> None:
    """Check each batch once per format (`single`); with `multi`, once more writing
    every format in one run (each report judged, and compared with its own run's);
    each format of `jobs_check` once more with `-j 2`, compared byte for byte with
    `-j 1`."""
    formats = list(formats)
    batches = list(batches)
    start = time.perf_counter()
    for done, batch in enumerate(batches):
        if done and done % 10 == 0:
            elapsed = time.perf_counter() - start
            print(f"  ... {done} of {len(batches)} batches, {elapsed:.0f} s", file=sys.stderr)
        cwd = batch.parent  # no config file of the repository applies
        reports: dict[str, bytes] = {}
        for fmt in formats if single else ():
            tally.runs += 1
            proc = _run([*GOVCHECK, "check", str(batch), "--format", fmt], cwd, timeout)
            if proc is None:
                tally.add("timed out", f"{batch.name} --format {fmt}")
                tally.lost_batches.add(batch.name)
                continue
            judge(fmt, batch, proc, tally)
            reports[fmt] = proc.stdout
        if multi and len(formats) > 1:
            for fmt, written in _run_multi(batch, formats, reports, tally, timeout).items():
                reports.setdefault(fmt, written)
        for fmt in jobs_check:
            if fmt not in reports:
                continue
            tally.runs += 1
            cmd = [*GOVCHECK, "check", str(batch), "--format", fmt, "-j", "2"]
            proc = _run(cmd, cwd, timeout)
            if proc is None:
                tally.add("timed out", f"{batch.name} --format {fmt} -j 2")
            elif proc.stdout != reports[fmt]:
                tally.add("output differs with -j 2", f"{batch.name} --format {fmt}")


def _run_multi(
    batch: Path, formats: list[str], single: dict[str, bytes], tally: Tally, timeout: float
) -> dict[str, bytes]:
    """One run writing every format (the first to standard output); the reports."""
    first, rest = formats[0], formats[1:]
    reports: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="govcheck-fuzz-out-") as out:
        cmd = [*GOVCHECK, "check", str(batch), "--format", first]
        for fmt in rest:
            cmd += ["--format", f"{fmt}:{out}/report.{fmt}"]
        tally.runs += 1
        proc = _run(cmd, batch.parent, timeout)
        where = f"{batch.name} (all formats in one run)"
        if proc is None:
            tally.add("timed out", where)
            tally.lost_batches.add(batch.name)
            return reports
        judge(first, batch, proc, tally, f"{where}: {first}")
        reports[first] = proc.stdout
        for fmt in rest:
            path = Path(out) / f"report.{fmt}"
            if not path.exists():
                if proc.returncode in (0, 1):
                    tally.add("several formats: a report is missing", f"{where}: {fmt}")
                continue
            written = reports[fmt] = path.read_bytes()
            report = subprocess.CompletedProcess(cmd, proc.returncode, written, b"")
            judge(fmt, batch, report, tally, f"{where}: {fmt}")
        for fmt, written in reports.items():
            if fmt in single and written != single[fmt]:
                tally.add("several formats: report differs from its own run", f"{where}: {fmt}")
    return reports


def run_library(batches: Iterable[Path], tally: Tally) -> None:
    """Every file through Checker.check_path in this process: nothing may escape."""
    sys.path.insert(0, str(ROOT / "src"))
    from govcheck.checker import Checker

    checker = Checker()
    for batch in batches:
        for entry in sorted(os.scandir(batch), key=lambda e: e.name):
            if not entry.name.lower().endswith((".yaml", ".yml", ".json")):
                continue
            if not _is_regular(entry):  # check_path raises OSError for these, by design
                continue
            try:
                checker.check_path(entry.path)
            except Exception as e:  # counting them is the point
                tally.add("library exception", f"{entry.path!r}: {type(e).__name__}: {e}"[:300])


def report(tally: Tally, n_files: int, n_batches: int, formats: list[str], show: int) -> None:
    print(
        f"{n_files} proposals in {n_batches} batches, {tally.runs} runs of govcheck check "
        f"(formats: {', '.join(formats)}; then all at once, and -j 2 for some)"
    )
    for what in PROBLEMS:
        print(f"  {what:<46} {tally.counts.get(what, 0):6d}")
    print(f"  {'batches that lost results (distinct)':<46} {len(tally.lost_batches):6d}")
    if show:
        for what in PROBLEMS:
            for example in tally.examples.get(what, [])[:show]:
                print(f"    [{what}] {example}")


def _make_readable(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="proposals to build (10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--batch", type=int, default=100, help="files per batch directory (100)")
    ap.add_argument("--formats", help="comma-separated formats (default: every CLI format)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run (300)")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    ap.add_argument("--corpus", type=Path, help="re-run over a corpus kept with --keep")
    ap.add_argument("--show", type=int, default=0, help="examples to print per problem (0)")
    ap.add_argument("--library", action="store_true", help="also check in-process")
    ap.add_argument("--no-cli", action="store_true", help="skip the command line runs")
    ap.add_argument(
        "--no-multi", action="store_true", help="skip the run writing every format at once"
    )
    ap.add_argument(
        "--jobs-check",
        default="markdown,html,json",
        help="formats to run again with -j 2 and compare (markdown,html,json; '' for none)",
    )
    args = ap.parse_args(argv)

    formats = args.formats.split(",") if args.formats else list(cli_formats())
    tmp = None
    if args.corpus:
        base = args.corpus
        batches = sorted(p for p in base.iterdir() if p.is_dir() and p.name.startswith("batch"))
        batches.sort(key=lambda p: p.name == FILESYSTEM_BATCH)
    else:
        if args.keep:
            base = args.keep
            base.mkdir(parents=True, exist_ok=False)
        else:
            tmp = tempfile.mkdtemp(prefix="govcheck-fuzz-")
            base = Path(tmp)
        start = time.perf_counter()
        batches = build_corpus(base, args.n, args.seed, args.batch)
        print(f"built {args.n} proposals in {time.perf_counter() - start:.1f} s under {base}")
    try:
        tally = Tally()
        start = time.perf_counter()
        if not args.no_cli:
            multi = not args.no_multi and several_formats_per_run()
            jobs = [f for f in args.jobs_check.split(",") if f in formats]
            run_cli(batches, formats, tally, args.timeout, multi=multi, jobs_check=jobs)
        if args.library:
            run_library(batches, tally)
        n_files = sum(_files_in(b) for b in batches)
        report(tally, n_files, len(batches), formats, args.show)
        print(f"took {time.perf_counter() - start:.0f} s")
    finally:
        if tmp is not None:
            _make_readable(Path(tmp))
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
