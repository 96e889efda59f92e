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


# --------------------------------------------------------------------------- as_at


def test_as_at_takes_a_date_or_its_iso_text_alike() -> None:
    import datetime

    import govcheck

    by_date = govcheck.check(CASE, as_at=datetime.date(2024, 6, 1))
    by_text = govcheck.check(CASE, as_at="2024-06-01")
    assert [r.as_at for r in by_date] == [r.as_at for r in by_text] == ["2024-06-01"]
    assert by_date.results[0].as_at_origin == "command line"
    assert _rules(by_date) == _rules(by_text)


@pytest.mark.parametrize(
    ("as_at", "error"),
    [
        ("yesterday", ValueError),
        ("2014-W01-1", ValueError),  # a week date, which Python's fromisoformat reads
        ("20240601", ValueError),
        ("2024-02-30", ValueError),
        ("\uff12\uff10\uff12\uff14-06-01", ValueError),  # full-width digits
        (20240601, TypeError),
        ("datetime", TypeError),
    ],
)
def test_as_at_refuses_anything_but_a_date(as_at: Any, error: type[Exception]) -> None:
    import datetime

    import govcheck

    if as_at == "datetime":
        as_at = datetime.datetime(2024, 6, 1, 12, 0)
    with pytest.raises(error) as caught:
        govcheck.check(CASE, as_at=as_at)
    assert "as_at" in str(caught.value)
    assert "YYYY-MM-DD" in str(caught.value) or "date" in str(caught.value)


# --------------------------------------------------------------------------- mappings


CASE = "cases/northtown-cic.yaml"


def _rules(report: Any) -> list[tuple[str, str]]:
    return [(f.rule, f.location.path) for result in report for f in result.findings]


def test_a_mapping_from_yaml_safe_load_is_judged_like_the_file() -> None:
    import yaml

    import govcheck

    data = yaml.safe_load(open(CASE, encoding="utf-8"))
    assert type(data["as_at"]).__name__ == "date"  # YAML 1.1 reads it as a date
    from_mapping = govcheck.check(data)
    (result,) = from_mapping
    assert result.valid and result.as_at == "2009-10-01" and result.as_at_origin == "proposal"
    assert _rules(from_mapping) == _rules(govcheck.check(CASE))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("contract", "value_gbp", float("nan")), '"not a number"'),
        (("contract", "value_gbp", float("-inf")), "minus infinity"),
        (("provider", "name", "a\ud800b"), "surrogate pair"),
        (("provider", 7, "x"), "keys must be text"),
        (("provider", "x-notes", {1, 2}), "a Python set"),
        (("provider", "x-notes", b"bytes"), "a Python bytes"),
    ],
)
def test_a_mapping_holding_what_no_file_can_is_an_error_finding(change: Any, words: str) -> None:
    section, key, value = change
    data = rulekit.proposal(contract={"counterparty": "pct"})
    data[section][key] = value
    result = Checker().check_mapping(data)
    (finding,) = result.findings
    assert not result.valid and finding.rule == "SCHEMA" and words in finding.message
    assert f"/{section}" in finding.message


def test_a_mapping_nested_too_deep_is_refused_without_recursion() -> None:
    data = rulekit.proposal()
    deep: dict[str, Any] = {}
    data["x-deep"] = deep
    for _ in range(100_000):
        deep["a"] = {}
        deep = deep["a"]
    (finding,) = Checker().check_mapping(data).findings
    assert "levels deep" in finding.message


# --------------------------------------------------------------------------- text and paths


def test_a_string_of_yaml_text_is_checked_as_text_with_its_lines() -> None:
    import govcheck

    text = open(CASE, encoding="utf-8").read()
    (result,) = govcheck.check(text)
    assert result.file == "<text>"
    assert [(f.rule, f.location.line) for f in result.findings] == [
        (f.rule, f.location.line) for f in govcheck.check(CASE).results[0].findings
    ]


def test_json_text_and_bytes_are_checked_too() -> None:
    import govcheck

    (as_json,) = govcheck.check('{"govcheck": 1,\n "id": "x"}')
    assert not as_json.valid and any("`title`" in f.message for f in as_json.findings)
    (as_bytes,) = govcheck.check(b"govcheck: 1\nid: [unclosed\n")
    assert not as_bytes.valid and "YAML syntax error" in as_bytes.findings[0].message


def test_a_path_that_does_not_exist_is_still_an_error() -> None:
    import govcheck

    with pytest.raises(FileNotFoundError):
        govcheck.check("cases/no-such-case.yaml")


# --------------------------------------------------------------------------- the report


def test_a_report_iterates_over_results_and_answers_passed(tmp_path) -> None:
    from govcheck.checker import Report

    book = load_rulebook(rulekit.write_rulebook(tmp_path / "r", [rulekit.rule({"id": "t"})]))
    checker = Checker(book)
    warned = checker.check_mapping(rulekit.proposal())  # the test rule is a warning
    invalid = checker.check_mapping({"govcheck": 1})
    assert [f.severity for f in warned.findings] == ["warning"]

    report = Report({}, {}, [warned])
    assert list(report) == [warned] and len(report) == 1
    assert report.passed() and report.passed("error") and report.passed("never")
    assert not report.passed("warning") and not report.passed("info")
    both = Report({}, {}, [warned, invalid])
    assert not both.passed("never")
    with pytest.raises(ValueError, match="fail_on"):
        report.passed("fatal")


# --------------------------------------------------------------------------- packaging


def test_the_package_says_it_is_typed() -> None:
    from importlib.resources import files

    assert files("govcheck").joinpath("py.typed").is_file()


def test_the_check_docstring_names_files_that_exist() -> None:
    import re
    from pathlib import Path

    import govcheck

    named = re.findall(r"cases/[\w.-]+\.ya?ml", govcheck.check.__doc__ or "")
    assert named
    root = Path(__file__).resolve().parent.parent
    assert all((root / name).is_file() for name in named)


# --------------------------------------------------------------------------- bounded work


def _with_assets(n: int, source: str) -> dict[str, Any]:
    data = rulekit.proposal()
    data["commissioners"] = [
        {"id": f"pct-{i:02d}", "name": f"PCT {i}", "type": "primary_care_trust"}
        for i in range(25)
    ]
    data["assets"] = [{"description": f"Asset {i}", "from": source} for i in range(n)]
    return data


def test_findings_stop_at_the_cap_with_one_saying_how_many_more() -> None:
    from govcheck.validate import KNOWN_IDS_SHOWN, MAX_FINDINGS

    result = Checker().check_mapping(_with_assets(1000, "nowhere"))
    messages = [f.message for f in result.findings]
    assert len(messages) == MAX_FINDINGS + 1
    (more,) = [m for m in messages if "more problems" in m]
    assert f"has {1000 - MAX_FINDINGS:,} more problems than the {MAX_FINDINGS} listed" in more
    dangling = [m for m in messages if "Known ids" in m]
    assert len(dangling) == MAX_FINDINGS
    shown = dangling[0].split("Known ids: ")[1]
    assert shown.startswith("pct-00, pct-01, ") and shown.endswith(" and 15 more")
    assert shown.count(",") == KNOWN_IDS_SHOWN - 1


def test_references_that_resolve_are_no_finding() -> None:
    result = Checker().check_mapping(_with_assets(1000, "pct-07"))
    assert result.valid


def test_a_list_longer_than_the_schema_allows_is_one_finding_at_its_key() -> None:
    import yaml

    data = _with_assets(3000, "nowhere")
    text = yaml.safe_dump(data, sort_keys=False)
    result = Checker().check_bytes(text.encode(), "p.yaml")
    (finding,) = [f for f in result.findings if "entries" in f.message]
    assert finding.message == (
        "`assets` has 3,000 entries; a proposal may list at most 1,000 (the first 1,000 "
        "are checked)"
    )
    assert finding.location.line == text.splitlines().index("assets:") + 1
    assert not any("Known ids" in f.message for f in result.findings)  # invalid first


def test_cutting_a_long_list_leaves_the_proposal_as_it_was() -> None:
    data = _with_assets(1500, "pct-00")
    data["services"] = [{"name": "s", "kind": "community_health"}] * 600
    Checker().check_mapping(data)
    assert len(data["assets"]) == 1500 and len(data["services"]) == 600


def test_every_list_of_the_schema_has_a_limit() -> None:
    from govcheck.resources import proposal_schema

    unbounded = []
    stack = [("", proposal_schema())]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "array" and "maxItems" not in node:
                unbounded.append(where)
            stack.extend((f"{where}/{k}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(node))
    assert not unbounded
