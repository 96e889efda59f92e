"""Write the large hostile files, which are not committed, into a directory.

    python tests/hostile/make_corpus.py /tmp/hostile

tests/test_hostile.py calls `write_big(tmp_path)` at test time; the small hostile
files sit beside this script. Each big file is a proposal preamble followed by one
hostile value, so the line of the fault is known by construction.
"""

from __future__ import annotations

import sys
from pathlib import Path

DEPTH = 100_000
STRING_BYTES = 10 * 1024 * 1024

PREAMBLE = "govcheck: 1\nid: hostile-big\ntitle: A big hostile case\n"
# The hostile value starts on line 4, after the three preamble lines.
HOSTILE_LINE = 4


def deep_list() -> bytes:
    """`notes: [[[[…]]]]`, 100,000 levels deep."""
    return (PREAMBLE + "notes: " + "[" * DEPTH + "]" * DEPTH + "\n").encode()


def deep_map() -> bytes:
    """`notes: {a: {a: {a: …}}}`, 100,000 levels deep."""
    return (PREAMBLE + "notes: " + "{a: " * DEPTH + "x" + "}" * DEPTH + "\n").encode()


def big_string() -> bytes:
    """`summary:` holding one 10 MB string on one line."""
    return (PREAMBLE + "summary: " + "x" * STRING_BYTES + "\n").encode()


def deep_json() -> bytes:
    """The JSON spelling of the deep list."""
    head = '{"govcheck": 1,\n"id": "hostile-big",\n"title": "A big hostile case",\n"notes": '
    return (head + "[" * DEPTH + "]" * DEPTH + "}\n").encode()


BIG = {
    "deep_list.yaml": deep_list,
    "deep_map.yaml": deep_map,
    "big_string.yaml": big_string,
    "deep_list.json": deep_json,
}


def write_big(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in BIG.items():
        path = directory / name
        path.write_bytes(make())
        out[name] = path
    return out


if __name__ == "__main__":
    for p in write_big(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-big")).values():
        print(p)
