"""govcheck's engine beside a Rego engine (regopy) on the same ten rules.

    pip install -e '.[bench]'      # regopy
    python bench/peer.py [--n 2000]

The ten rules of bench/peer/rules.rego are loaded from the bundled rulebook into a
restricted rulebook (those rules, the derived facts they use, sources.yaml), and both
engines evaluate the same pre-loaded proposals (generated as in bench/batch.py), all
judged as at one date at which the ten rules are in force. Prints proposals/s for
each and whether the findings agree (rule and list item). Loading and validation are
outside both timings for the Rego side; govcheck's `check_document` includes its
schema validation, so a second govcheck figure excludes it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import batch  # noqa: E402

from govcheck import conditions  # noqa: E402
from govcheck.checker import Checker  # noqa: E402
from govcheck.entities import extract  # noqa: E402
from govcheck.evaluate import evaluate  # noqa: E402
from govcheck.loader import load_path  # noqa: E402
from govcheck.resources import data_dir  # noqa: E402
from govcheck.rulebook import load_rulebook  # noqa: E402

RULES = [
    "CHAR-001", "PEN-002", "COI-001", "PEN-001", "CON-005",
    "FIN-007", "GOV-014", "LF-010", "LF-016", "PART-007",
]  # fmt: skip
AS_AT = "2012-06-01"
REGO = HERE / "peer" / "rules.rego"
INDEX = re.compile(r"^/conflicts_of_interest/(\d+)")


def restricted_rulebook(directory: Path) -> Path:
    """The bundled rule files cut down to RULES and the facts they need (as JSON text,
    which is YAML, so the strict loader reads it back with the same meaning)."""
    full = load_rulebook()
    missing = [r for r in RULES if r not in full.rules]
    if missing:
        raise SystemExit(f"rules not in the bundled rulebook: {missing}")
    needed: set[str] = set()
    todo = [full.rules[r].condition for r in RULES]
    while todo:
        for leaf in conditions.walk(todo.pop()):
            if isinstance(leaf, conditions.FactRef) and leaf.name not in needed:
                needed.add(leaf.name)
                todo.append(full.facts[leaf.name].condition)
    source = data_dir("rules")
    directory.mkdir(parents=True, exist_ok=True)
    # The registry of documents and the named dates and dated values are kept whole.
    whole = ("sources.yaml", "values.yaml")
    for name in whole:
        if (source / name).is_file():
            (directory / name).write_bytes((source / name).read_bytes())
    for path in sorted(source.glob("*.yaml")):
        if path.name in whole:
            continue
        data = load_path(path).data
        kept = {
            "rules": [r for r in data.get("rules", []) if r["id"] in RULES],
            "facts": [f for f in data.get("facts", []) if f["name"] in needed],
        }
        kept = {k: v for k, v in kept.items() if v}
        if kept:
            (directory / path.name).write_text(json.dumps(kept, indent=1), "utf-8")
    return directory


def govcheck_key(finding) -> tuple[str, int | None]:
    match = INDEX.match(finding.location.path) if finding.rule == "COI-001" else None
    return finding.rule, int(match.group(1)) if match else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="proposals to generate (2000)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="govcheck-peer-") as tmp:
        root = Path(tmp)
        book = load_rulebook(restricted_rulebook(root / "rules"))
        in_force = {r.id for r in book.rules_in_force(AS_AT)}
        assert in_force == set(RULES), in_force
        (root / "proposals").mkdir()
        paths = batch.generate(root / "proposals", args.n)
        docs = [load_path(p) for p in paths]
    checker = Checker(book, as_at=AS_AT)
    valid = []
    for doc in docs:  # warm-up (registers the ruleset) and drop invalid proposals
        if not any(f.rule == "SCHEMA" for f in checker.check_document(doc).findings):
            valid.append(doc)
    print(f"{len(valid)} valid proposals of {len(docs)}; rules: {', '.join(RULES)}; as at {AS_AT}")

    start = time.perf_counter()
    ours = [checker.check_document(doc) for doc in valid]
    gc_time = time.perf_counter() - start
    print(f"govcheck check_document: {len(valid) / gc_time:9.0f} proposals/s ({gc_time:.2f} s)")
    start = time.perf_counter()
    for doc in valid:
        evaluate(doc, extract(doc.data, book.catalogue, AS_AT), book, AS_AT)
    ev_time = time.perf_counter() - start
    print(f"govcheck facts+engine+findings (no validation): "
          f"{len(valid) / ev_time:9.0f} proposals/s ({ev_time:.2f} s)")  # fmt: skip

    try:
        from regopy import Interpreter
    except ImportError:
        print("regopy is not installed (pip install -e '.[bench]'): no Rego figure")
        return
    rego = Interpreter()
    rego.add_module("govcheck", REGO.read_text(encoding="utf-8"))
    sample = valid[:500]
    start = time.perf_counter()
    for doc in sample:  # compiles the query each time
        rego.set_input(doc.data)
        rego.query("data.govcheck.findings")
    q_time = time.perf_counter() - start
    print(f"regopy Interpreter.query: {len(sample) / q_time:8.0f} proposals/s "
          f"({q_time:.2f} s for {len(sample)})")  # fmt: skip
    bundle = rego.build("data.govcheck.findings")  # compiled once
    theirs = []
    start = time.perf_counter()
    for doc in valid:
        rego.set_input(doc.data)
        out = json.loads(str(rego.query_bundle(bundle)))
        theirs.append(out["expressions"][0])
    rego_time = time.perf_counter() - start
    print(f"regopy query_bundle:     {len(valid) / rego_time:9.0f} proposals/s ({rego_time:.2f} s)")

    disagree = []
    fired = 0
    for doc, result, found in zip(valid, ours, theirs, strict=True):
        mine = {govcheck_key(f) for f in result.findings if f.rule in RULES}
        other = {(f["rule"], f["at"]) for f in found}
        fired += len(mine)
        if mine != other:
            disagree.append((doc.path, sorted(mine - other), sorted(other - mine)))
    print(f"findings of the ten rules: {fired}; proposals where the engines disagree: "
          f"{len(disagree)}")  # fmt: skip
    for path, only_ours, only_rego in disagree[:10]:
        print(f"  {Path(path).name}: only govcheck {only_ours}; only Rego {only_rego}")


if __name__ == "__main__":
    main()
