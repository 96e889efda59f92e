"""The library API as a Python user meets it: govcheck.check, Checker, Report."""

from __future__ import annotations

from typing import Any

import pytest
import rulekit

from govcheck import checker as checker_module
from govcheck.checker import Checker
from govcheck.rulebook import load_rulebook

# --------------------------------------------------------------------------- numbers


def _fired(tmp_path, when: Any, data: dict[str, Any]) -> bool:
    book = load_rulebook(rulekit.write_rulebook(tmp_path / "r", [rulekit.rule(when)]))
    result = Checker(book).check_mapping(data)
    assert result.valid, [f.message for f in result.findings]
    return any(f.rule == "LF-901" for f in result.findings)


@pytest.mark.parametrize(
    ("threshold", "stated", "fires"),
    [
        (1e16, 3e16, True),  # Python writes these as 1e+16 and 3e+16
        (1e16, 5e15, False),
        (0.00001, 0.00002, True),  # 1e-05 and 2e-05
        (0.00001, 0.000001, False),
        (0.00001, 0.00001, False),
        (663540, 663540.5, True),
    ],
)
def test_numbers_written_with_an_exponent_are_compared_by_their_value(
    tmp_path, threshold: float, stated: float, fires: bool
) -> None:
    when = {"contract.value_gbp": {"greater_than": threshold}}
    data = rulekit.proposal(contract={"counterparty": "pct", "value_gbp": stated})
    assert _fired(tmp_path, when, data) is fires


def test_a_proposal_file_with_exponent_numbers_is_checked_like_the_written_out_value(
    tmp_path,
) -> None:
    text = _as_yaml(rulekit.proposal(finance={"dividend_cap_percent": 1}))
    checker = Checker()
    plain = checker.check_bytes(text.encode(), "p.yaml")
    for spelled in ("1e-05", "1.0e-5", "0.00001"):
        odd_text = text.replace("dividend_cap_percent: 1", f"dividend_cap_percent: {spelled}")
        odd = checker.check_bytes(odd_text.encode(), "p.yaml")
        assert odd.valid
        assert [f.rule for f in odd.findings] == [f.rule for f in plain.findings]


def _as_yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


# --------------------------------------------------------------------------- never raises


def test_a_failure_inside_govcheck_becomes_that_files_error_finding(monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine on fire")

    checker = Checker()
    good = rulekit.proposal()
    monkeypatch.setattr(checker_module, "evaluate", broken)
    for result in (
        checker.check_mapping(good, "a.yaml"),
        checker.check_bytes(_as_yaml(good).encode(), "b.yaml"),
    ):
        assert not result.valid
        (finding,) = result.findings
        assert finding.severity == "error"
        assert "govcheck failed while checking this file" in finding.message
        assert "RuntimeError: engine on fire" in finding.message
        assert "please report it" in finding.message


def test_a_non_finite_number_is_a_located_finding_not_an_exception() -> None:
    text = _as_yaml(rulekit.proposal(contract={"counterparty": "pct", "value_gbp": 1}))
    text = text.replace("value_gbp: 1", "value_gbp: .inf")
    result = Checker().check_bytes(text.encode(), "p.yaml")
    (finding,) = result.findings
    assert not result.valid and "means infinity" in finding.message
    assert finding.location.line == text.splitlines().index("  value_gbp: .inf") + 1


# --------------------------------------------------------------------------- "not stated"


def test_the_not_stated_marker_reads_as_words_and_stays_one_object() -> None:
    import copy
    import pickle

    import govcheck
    from govcheck.conditions import MISSING, NotStated

    assert govcheck.MISSING is MISSING and NotStated() is MISSING
    assert repr(MISSING) == str(MISSING) == f"{MISSING}" == "not stated"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(MISSING, protocol)) is MISSING
    assert copy.deepcopy({"actual": MISSING})["actual"] is MISSING
