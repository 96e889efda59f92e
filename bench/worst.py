"""The worst inputs of at most 2 MB we can build: time and peak memory of checking each.

    python bench/worst.py                  # every input, as YAML (and some as JSON)
    python bench/worst.py --only dangling  # inputs whose name contains the word
    python bench/worst.py --format text    # render another format (default json)
    python bench/worst.py --keep DIR       # keep the inputs

Each input is a valid proposal (northtown-cic's first lines) grown, up to just under
govcheck's 2,000,000-byte limit, by the part that costs most: references that point
nowhere (each message once listed every known id), references that resolve (the id
sets were once rebuilt for every reference), hundreds of thousands of schema errors,
unknown keys, unknown waiver rules (each looked up among all rule ids), one huge
string, long lists of notes, and the longest lists the schema allows, valid, so the
engine and the explanations run on all of them. Each is checked by `govcheck check
FILE --format json -o /dev/null` in its own process; the script prints wall time, peak
resident memory (from /usr/bin/time -v where present) and the exit status.
Goal: under 10 s and 500 MB for any input of up to 2 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).with_name("govcheck")
GOVCHECK = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "govcheck.cli"]
LIMIT = 1_990_000  # bytes: just under govcheck's 2,000,000

HEAD = """\
govcheck: 1
id: worst-case
title: A proposal grown to the size limit
as_at: 2016-06-01
provider:
  name: Northtown Community Health CIC
  model: social_enterprise
  legal_form: community_interest_company
contract:
  counterparty: pct-0
  route: direct_award
  value_gbp: 4000000
"""


def _fill(head: str, section: str, item: Callable[[int], str], limit: int = LIMIT) -> str:
    """`head`, then `section:` with items `- ...` until the text reaches `limit` bytes."""
    parts = [head, f"{section}:\n"]
    size = len(head) + len(section) + 2
    i = 0
    while True:
        line = f"  - {item(i)}\n"
        if size + len(line.encode()) > limit:
            break
        parts.append(line)
        size += len(line.encode())
        i += 1
    return "".join(parts)


def _commissioners(n: int) -> str:
    rows = "".join(
        f"  - {{id: pct-{i}, name: PCT {i}, type: primary_care_trust}}\n" for i in range(n)
    )
    return "commissioners:\n" + rows


def dangling_references() -> str:
    """~6,000 known commissioner ids and as many assets as fit, each `from` nowhere."""
    head = HEAD + _commissioners(6000)
    return _fill(head, "assets", lambda i: f"{{description: a, from: ghost-{i}}}")


def dangling_references_no_known_ids() -> str:
    head = HEAD + _commissioners(1)
    return _fill(head, "assets", lambda i: f"{{description: a, from: ghost-{i}}}")


def dangling_declarations() -> str:
    head = HEAD + _commissioners(3000)
    return _fill(
        head,
        "conflicts_of_interest",
        lambda i: f"{{person: P, declared: true, recused: false, commissioner: gone-{i}}}",
    )


def valid_references() -> str:
    """As many assets as fit, each `from` the one commissioner: all references resolve."""
    head = HEAD + _commissioners(1)
    return _fill(head, "assets", lambda i: "{description: a, from: pct-0}")


def type_errors() -> str:
    """Hundreds of thousands of list items of the wrong type."""
    head = HEAD + _commissioners(1)
    return _fill(head, "services", lambda i: "1")


def missing_fields() -> str:
    """Commissioners with none of their three required fields."""
    return _fill(HEAD, "commissioners", lambda i: "{}")


def bad_enum_values() -> str:
    head = HEAD + _commissioners(1)
    return _fill(head, "services", lambda i: f"{{name: s, kind: kind-{i}}}")


def unknown_keys() -> str:
    parts = [HEAD + _commissioners(1), "finance:\n"]
    size = sum(len(p) for p in parts)
    i = 0
    while size < LIMIT - 40:
        line = f"  unknown_{i}: 1\n"
        parts.append(line)
        size += len(line)
        i += 1
    return "".join(parts)


def unknown_waiver_rules() -> str:
    head = HEAD + _commissioners(1)
    return _fill(
        head,
        "waivers",
        lambda i: f"{{rule: NOPE-{i:06d}, reason: r, approved_by: b, expires: 2030-01-01}}",
    )


def huge_string() -> str:
    body = HEAD + _commissioners(1)
    return body.replace(
        "title: A proposal grown to the size limit", "title: " + "x" * (LIMIT - len(body) - 10)
    )


def long_notes_list() -> str:
    head = HEAD + _commissioners(1)
    return _fill(head, "x-notes", lambda i: "1")


def deep_and_wide_notes() -> str:
    """x-notes: lists 48 deep, as many as fit."""
    head = HEAD + _commissioners(1) + "x-notes: ["
    unit = "[" * 47 + "1" + "]" * 47 + ", "
    count = (LIMIT - len(head) - 10) // len(unit)
    return head + unit * count + "1]\n"


def longest_valid_lists() -> str:
    """Every list at the longest the schema allows (or as many as fit), all valid."""
    schema = json.loads((ROOT / "schemas" / "proposal.schema.json").read_text("utf-8"))
    props = schema["properties"]

    def most(name: str, default: int) -> int:
        return int(props[name].get("maxItems", default))

    n_comm = most("commissioners", 100)
    lines = [HEAD.replace("counterparty: pct-0", "counterparty: pct-0"), _commissioners(n_comm)]
    lines.append("services:\n")
    lines += [
        f"  - {{name: Service {i}, kind: community_health, statutory_function: false}}\n"
        for i in range(most("services", 2000))
    ]
    lines.append("assets:\n")
    lines += [
        f"  - {{description: Asset {i}, from: pct-{i % n_comm}, value_gbp: 100}}\n"
        for i in range(most("assets", 2000))
    ]
    lines.append("conflicts_of_interest:\n")
    lines += [
        f"  - {{person: P{i}, declared: true, recused: false, commissioner: pct-{i % n_comm}}}\n"
        for i in range(most("conflicts_of_interest", 2000))
    ]
    text = "".join(lines)
    return text if len(text.encode()) <= LIMIT else text[: text.rfind("\n  - ", 0, LIMIT) + 1]


def dangling_within_limits() -> str:
    """Every list at its schema limit, and every reference in them dangling (so the
    references are checked, not cut): about 1,900 problems; waivers name no rule."""
    lines = [HEAD, _commissioners(100), "assets:\n"]
    lines += [f"  - {{description: Asset {i}, from: ghost-{i}}}\n" for i in range(1000)]
    lines.append("conflicts_of_interest:\n")
    lines += [
        f"  - {{person: P{i}, declared: true, recused: false, commissioner: gone-{i}}}\n"
        for i in range(500)
    ]
    lines.append("waivers:\n")
    lines += [
        f"  - {{rule: NOPE-{i:03d}, reason: r, approved_by: b, expires: 2030-01-01}}\n"
        for i in range(200)
    ]
    return "".join(lines)


def nodes_at_the_limit() -> str:
    """Just under the loader's MAX_NODES keys and list items, as assets to be cut."""
    head = HEAD + _commissioners(1)
    lines, nodes = [head, "assets:\n"], 20
    while nodes < 99_900:
        lines.append(f"  - {{description: a, from: ghost-{nodes}}}\n")
        nodes += 3
    return "".join(lines)


INPUTS: dict[str, Callable[[], str]] = {
    "dangling_within_limits": dangling_within_limits,
    "nodes_at_the_limit": nodes_at_the_limit,
    "dangling_references": dangling_references,
    "dangling_references_no_known_ids": dangling_references_no_known_ids,
    "dangling_declarations": dangling_declarations,
    "valid_references": valid_references,
    "type_errors": type_errors,
    "missing_fields": missing_fields,
    "bad_enum_values": bad_enum_values,
    "unknown_keys": unknown_keys,
    "unknown_waiver_rules": unknown_waiver_rules,
    "huge_string": huge_string,
    "long_notes_list": long_notes_list,
    "deep_and_wide_notes": deep_and_wide_notes,
    "longest_valid_lists": longest_valid_lists,
}
AS_JSON = ("dangling_references", "type_errors", "long_notes_list")


def _as_json(text: str) -> str:
    """The same proposal as compact JSON, its longest list cut to fit the limit."""
    data = yaml.load(text, Loader=yaml.CSafeLoader)  # govcheck's loader may refuse it
    longest = max((k for k in data if isinstance(data[k], list)), key=lambda k: len(data[k]))
    out = json.dumps(data, separators=(",", ":"), default=str)
    while len(out.encode()) > LIMIT:
        keep = int(len(data[longest]) * LIMIT / len(out.encode()) * 0.999)
        data[longest] = data[longest][:keep]
        out = json.dumps(data, separators=(",", ":"), default=str)
    return out


def measure(path: Path, fmt: str, timeout: float) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (-1 when unknown) and the exit status."""
    cmd = [*GOVCHECK, "check", str(path), "--format", fmt, "-o", "/dev/null"]
    timed = Path("/usr/bin/time").exists()
    if timed:
        cmd = ["/usr/bin/time", "-v", *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, -1.0, f"killed after {timeout:.0f} s"
    wall = time.perf_counter() - start
    peak = -1.0
    if timed:
        for line in proc.stderr.splitlines():
            if "Maximum resident set size" in line:
                peak = int(line.split(":")[1]) / 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    status = f"exit {proc.returncode}"
    if "Traceback" in proc.stderr:
        status += " TRACEBACK"
    return wall, peak, status


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="inputs whose name contains this")
    ap.add_argument("--format", default="json", help="report format (json)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per input (120)")
    ap.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govcheck-worst-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        print(f"{'input':<40} {'bytes':>10} {'wall s':>8} {'peak MB':>8}  status")
        worst_wall = worst_peak = 0.0
        for name, build in INPUTS.items():
            if args.only and args.only not in name:
                continue
            text = build()
            variants: list[tuple[str, Any]] = [(f"{name}.yaml", text)]
            if name in AS_JSON:
                variants.append((f"{name}.json", _as_json(text)))
            for file_name, content in variants:
                path = where / file_name
                path.write_text(content, "utf-8")
                size = path.stat().st_size
                wall, peak, status = measure(path, args.format, args.timeout)
                worst_wall, worst_peak = max(worst_wall, wall), max(worst_peak, peak)
                print(f"{file_name:<40} {size:>10,} {wall:>8.2f} {peak:>8.1f}  {status}")
        print(f"worst: {worst_wall:.2f} s, {worst_peak:.1f} MB (goal: under 10 s and 500 MB)")


if __name__ == "__main__":
    main()
