"""Every worked case in cases/ produces exactly the findings its `x-expect:` states."""

from __future__ import annotations

from pathlib import Path

import pytest

from govcheck.casebook import run_case
from govcheck.checker import Checker

CASES = sorted(str(p) for p in (Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))
CHECKER = Checker()


@pytest.mark.parametrize("path", CASES, ids=[Path(p).stem for p in CASES])
def test_case_gives_its_declared_findings(path: str) -> None:
    outcome = run_case(CHECKER, path)
    assert outcome.passed, outcome.report()


def test_there_are_cases_including_clean_ones() -> None:
    assert len(CASES) >= 10
    clean = [p for p in CASES if "x-expect: []" in Path(p).read_text(encoding="utf-8")]
    assert clean, "at least one case must be sound as written (x-expect: [])"
