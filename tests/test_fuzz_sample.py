"""A small fixed-seed sample of the fuzzing corpus of bench/fuzz.py, run on every test run.

Forty mutated proposals (odd numbers, hostile strings and file names, type swaps, bad
dates, damaged text...) and the file-system oddities are checked through the command
line in every output format (the proposals one format a run, the oddities all formats
in one run) and in markdown again with `-j 2`; and through `Checker.check_path` in
this process. Each kind of problem the harness counts is a test of its own, so a
failure names the kind and shows examples.

A kind of problem marked xfail is a known failure that another piece of work is fixing;
the mark is strict, so the test fails once it passes: then remove the mark.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "fuzz.py"
_spec = importlib.util.spec_from_file_location("govcheck_fuzz", BENCH)
assert _spec is not None and _spec.loader is not None
fuzz = importlib.util.module_from_spec(_spec)
sys.modules["govcheck_fuzz"] = fuzz
_spec.loader.exec_module(fuzz)

SEED = 2
N = 40

# Known failures of this sample on main, by the kind of problem; each names the work
# that fixes it.
KNOWN: dict[str, str] = {}


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("fuzz")
    made = fuzz.build_corpus(base, N, SEED, batch=N)
    yield made
    fuzz._make_readable(base)


@pytest.fixture(scope="module")
def tally(batches: list[Path]) -> fuzz.Tally:
    found = fuzz.Tally()
    formats = fuzz.cli_formats()
    *proposals, filesystem = batches
    # The proposals in each format on its own, so one format's failure hides no other's;
    # the file-system oddities in every format at once, to keep this quick.
    fuzz.run_cli(proposals, formats, found, 120, jobs_check=["markdown"])
    fuzz.run_cli([filesystem], formats, found, 120, single=False, multi=True)
    fuzz.run_library(batches, found)
    return found


def test_the_sample_holds_what_it_should(batches: list[Path]) -> None:
    manifest = (batches[0].parent / "manifest.json").read_text("utf-8")
    for mutation in ("odd_number", "hostile_string", "type_swap", "bad_date"):
        assert mutation in manifest
    assert sum(fuzz._files_in(b) for b in batches) >= N


@pytest.mark.parametrize(
    "problem",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN[p])) if p in KNOWN else p
        for p in fuzz.PROBLEMS
    ],
)
def test_no_fuzzed_proposal_causes(problem: str, tally: fuzz.Tally) -> None:
    assert tally.runs > 0
    assert tally.counts.get(problem, 0) == 0, tally.examples.get(problem, [])[:5]
