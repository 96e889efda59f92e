"""Law over time inside the rulebook: named dates, dated values, the event that decides,
derived facts that join over lists, and the date the law was reviewed to.

Each test builds a small rulebook whose dates and numbers are chosen here, so the
expected findings follow from the rule as written, not from the bundled rulebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rulekit
import yaml

from govcheck.checker import Checker
from govcheck.rulebook import RulebookError, load_rulebook

REGISTRY_EXTRA = """\
  - id: pcr-2015
    kind: legislation
    title: Public Contracts Regulations 2015
    issuer: UK Government
    year: 2015
    publisher: legislation.gov.uk
    url: https://www.legislation.gov.uk/uksi/2015/102
"""

VALUES = {
    "dates": [
        {
            "name": "regime_b_starts",
            "date": "2016-04-18",
            "means": "the second regime starts",
            "document": "pcr-2015",
            "reference": "reg 118",
        }
    ],
    "values": [
        {
            "name": "threshold_gbp",
            "means": "the test threshold in pounds",
            "periods": [
                {"from": "2015-02-26", "value": 625050, "document": "pcr-2015", "reference": "r 5"},
                {"from": "2016-01-01", "value": 589148, "document": "pcr-2015", "reference": "r 5"},
                {
                    "from": "2018-01-01",
                    "to": "2019-12-31",
                    "value": 615278,
                    "document": "pcr-2015",
                    "reference": "reg 5(c)",
                },
            ],
        }
    ],
}


def book(
    tmp_path: Path,
    rules: list[dict[str, Any]],
    facts: list[dict[str, Any]] | None = None,
    reviewed: str | None = None,
) -> Any:
    rulekit.write_rulebook(tmp_path, rules, facts)
    registry = rulekit.SOURCES + REGISTRY_EXTRA
    if reviewed:
        registry = f"law_reviewed_to: {reviewed}\n" + registry
    (tmp_path / "sources.yaml").write_text(registry, encoding="utf-8")
    (tmp_path / "values.yaml").write_text(yaml.safe_dump(VALUES, sort_keys=False), "utf-8")
    return load_rulebook(tmp_path)


def fired(rb: Any, **sections: Any) -> list[str]:
    return [f.rule for f in Checker(rb).check_mapping(rulekit.proposal(**sections)).findings]


def threshold_rule(**extra: Any) -> dict[str, Any]:
    fields = {
        "rid": "PROC-901",
        "topic": "procurement",
        "valid_from": "2015-02-26",
        "valid_to": "2019-12-31",
        "message": "Above the threshold of £{value:threshold_gbp}.",
        **extra,
    }
    return rulekit.rule(
        {"contract.value_gbp": {"greater_than": {"value": "threshold_gbp"}}}, **fields
    )


def test_a_dated_value_is_read_at_the_date_that_decides(tmp_path) -> None:
    rb = book(tmp_path, [threshold_rule()])
    # 600,000 is above the 2016-17 figure (589,148) but below the 2015 one (625,050).
    contract = {"value_gbp": 600000}
    assert fired(rb, as_at="2015-06-01", contract=contract) == []
    assert fired(rb, as_at="2016-06-01", contract=contract) == ["PROC-901"]
    assert fired(rb, as_at="2018-06-01", contract=contract) == []


def test_the_message_and_the_explanation_show_the_value_of_that_date(tmp_path) -> None:
    rb = book(tmp_path, [threshold_rule()])
    result = Checker(rb).check_mapping(
        rulekit.proposal(as_at="2016-06-01", contract={"value_gbp": 600000})
    )
    (finding,) = result.findings
    assert finding.message == "Above the threshold of £589,148."
    assert any("589148" in b and "the test threshold" in b for b in finding.because), (
        finding.because
    )


def test_the_event_date_decides_when_the_proposal_states_it(tmp_path) -> None:
    # A rule of the first regime, dated by when the procurement began.
    rule = rulekit.rule(
        {"contract.route": "competitive_tender"},
        rid="PROC-902",
        topic="procurement",
        valid_to={"day_before": "regime_b_starts"},
        dated_by="contract.procurement_started_on",
    )
    rb = book(tmp_path, [rule])
    assert rb.rules["PROC-902"].valid_to == "2016-04-17"
    tender = {"route": "competitive_tender"}
    # Begun under the first regime, checked long after: still judged under it.
    started_early = {**tender, "procurement_started_on": "2016-03-01"}
    assert fired(rb, as_at="2017-01-01", contract=started_early) == ["PROC-902"]
    # Begun after the change: not under the first regime, whatever as_at says.
    started_late = {**tender, "procurement_started_on": "2016-05-01"}
    assert fired(rb, as_at="2016-01-01", contract=started_late) == []
    # Not stated: as_at decides.
    assert fired(rb, as_at="2016-01-01", contract=tender) == ["PROC-902"]
    assert fired(rb, as_at="2017-01-01", contract=tender) == []


def test_junit_lists_the_rules_that_applied_by_their_own_dates(tmp_path) -> None:
    rule = rulekit.rule(
        {"contract.route": "competitive_tender"},
        rid="PROC-902",
        topic="procurement",
        valid_to="2016-04-17",
        dated_by="contract.procurement_started_on",
    )
    rb = book(tmp_path, [rule])
    result = Checker(rb).check_mapping(
        rulekit.proposal(
            as_at="2020-01-01",
            contract={"route": "direct_award", "procurement_started_on": "2016-01-01"},
        )
    )
    assert result.evaluated_rules == ("PROC-902",)


def test_a_derived_fact_can_join_over_a_list_and_explain_the_item(tmp_path) -> None:
    fact = {
        "name": "delivers_statutory_functions",
        "about": "provider",
        "means": "the provider delivers a function the law places on the commissioner",
        "when": {"services[].statutory_function": True},
        "sources": rulekit.SOURCE,
    }
    rule = rulekit.rule(
        {"all": [{"fact": "delivers_statutory_functions"}, {"provider.model": "social_enterprise"}]}
    )
    rb = book(tmp_path, [rule], [fact])
    services = [
        {"name": "Day care", "kind": "adult_social_care", "statutory_function": False},
        {"name": "Assessment", "kind": "adult_social_care", "statutory_function": True},
    ]
    result = Checker(rb).check_mapping(rulekit.proposal(services=services))
    (finding,) = result.findings
    (step,) = finding.chain
    assert step.fact == "delivers_statutory_functions"
    assert step.because == ("services[1].statutory_function is true",)
    assert fired(rb, services=services[:1]) == []


def test_law_currency_is_stated_and_flagged_after_the_review_date(tmp_path) -> None:
    rb = book(tmp_path, [rulekit.rule({"provider.legal_form": "none"})], reviewed="2026-11-30")
    assert rb.header()["law_reviewed_to"] == "2026-11-30"
    assert fired(rb, as_at="2026-11-30") == []
    later = Checker(rb).check_mapping(rulekit.proposal(as_at="2026-12-01")).findings
    assert [(f.rule, f.severity, f.topic) for f in later] == [
        ("LAW-CURRENCY", "info", "governance")
    ]
    assert "2026-11-30" in later[0].message


def test_the_bundled_rulebook_states_its_review_date() -> None:
    assert load_rulebook().law_reviewed_to == "2026-11-30"


# ---- problems, every one at once


def broken(tmp_path: Path, rules: list[dict[str, Any]]) -> RulebookError:
    with pytest.raises(RulebookError) as caught:
        book(tmp_path, rules)
    return caught.value


def test_every_problem_in_a_rule_file_is_reported_with_line_and_column(tmp_path) -> None:
    e = broken(
        tmp_path,
        [
            rulekit.rule({"provider.asset_lok": "none"}, rid="LF-901"),
            rulekit.rule({"provider.legal_form": {"equal": "none"}}, rid="LF-902"),
            rulekit.rule({"provider.legal_form": "none"}, rid="LF-903", valid_to="pcts_gone"),
            rulekit.rule({"provider.legal_form": "none"}, rid="LIA-904"),
        ],
    )
    messages = [p.message for p in e.problems]
    assert len(e.problems) == 4, messages
    assert any("provider.asset_lok" in m for m in messages)
    assert any("unknown operator `equal`" in m for m in messages)
    assert any("unknown date `pcts_gone`" in m for m in messages)
    assert any("prefix LIA means `liability`" in m for m in messages)
    assert all(p.file.endswith("test.yaml") and p.line > 1 and p.column > 1 for p in e.problems)


def test_a_rule_using_a_value_outside_its_periods_is_refused(tmp_path) -> None:
    # The test threshold stops on 2019-12-31; a rule in force in 2020 would have no number.
    e = broken(tmp_path, [threshold_rule(valid_to="2020-06-30")])
    assert "2020-01-01" in e.message and "threshold_gbp" in e.message


def test_severity_follows_authority_when_a_rule_states_its_basis(tmp_path) -> None:
    rule = rulekit.rule({"provider.legal_form": "none"}, severity="error", basis="commentary")
    e = broken(tmp_path, [rule])
    assert "error resting on commentary" in e.message
    e = broken(tmp_path, [rulekit.rule({"provider.legal_form": "none"}, basis="law")])
    assert "cites no legislation" in e.message


def test_a_week_date_in_a_rule_condition_is_refused(tmp_path) -> None:
    # Python reads 2014-W01-1 as a date; govcheck compares dates as YYYY-MM-DD text, so
    # the rule would compare "2014-W01-1" with proposals' dates character by character.
    e = broken(tmp_path, [rulekit.rule({"as_at": {"at_least": "2014-W01-1"}})])
    assert "'2014-W01-1' is not a date YYYY-MM-DD" in e.message


# ---- citations of later law: a finding judged in 2009 does not rest on a 2023 Act


def later_registry(tmp_path: Path, applies_from: str) -> Any:
    rules = [rulekit.rule(
        {"provider.legal_form": "company_limited_by_guarantee"},
        sources=[*rulekit.SOURCE, {"document": "pcr-2015", "reference": "reg 24"}],
    )]  # fmt: skip
    rulekit.write_rulebook(tmp_path, rules)
    extra = REGISTRY_EXTRA.replace("    kind: legislation\n",
                                   f"    kind: legislation\n    applies_from: {applies_from}\n")
    (tmp_path / "sources.yaml").write_text(rulekit.SOURCES + extra, encoding="utf-8")
    (tmp_path / "values.yaml").write_text(yaml.safe_dump(VALUES, sort_keys=False), "utf-8")
    return tmp_path


def cited(rb: Any, as_at: str) -> list[tuple[str, bool]]:
    [finding] = Checker(rb).check_mapping(rulekit.proposal(as_at=as_at)).findings
    return [(s["document"], bool(s.get("later"))) for s in finding.sources]


def test_a_citation_of_later_law_comes_last_and_marked_until_its_date(tmp_path) -> None:
    # The 2015 Regulations are cited from 26 February 2015 (a date of this test's choosing).
    rb = load_rulebook(later_registry(tmp_path, "2015-02-26"))
    assert cited(rb, "2009-10-01") == [("hsmc-2007", False), ("pcr-2015", True)]
    assert cited(rb, "2015-02-25") == [("hsmc-2007", False), ("pcr-2015", True)]
    assert cited(rb, "2015-02-26") == [("hsmc-2007", False), ("pcr-2015", False)]


def test_applies_from_may_name_a_date(tmp_path) -> None:
    rb = load_rulebook(later_registry(tmp_path, "regime_b_starts"))  # 2016-04-18
    assert cited(rb, "2016-04-17")[-1] == ("pcr-2015", True)
    assert cited(rb, "2016-04-18")[-1] == ("pcr-2015", False)


def test_an_unknown_applies_from_is_a_located_rulebook_problem(tmp_path) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(later_registry(tmp_path, "regime_c_starts"))
    [problem] = caught.value.problems
    assert problem.file.endswith("sources.yaml") and problem.line > 1
    assert "unknown date `regime_c_starts`" in problem.message


def test_northtown_2009_reads_the_procurement_act_2023_as_later_law() -> None:
    # COI-002 (a provider claiming independence while its director sits on the PCT board)
    # rests in 2009 on the seeds; the Procurement Act 2023 governs procurements from its
    # go-live on 24 February 2025, so in a 2009 report it is where the point stands today.
    import json

    from click.testing import CliRunner

    from govcheck.cli import main

    case = str(Path(__file__).parents[1] / "cases" / "northtown-cic.yaml")
    run = CliRunner().invoke(main, ["check", case, "--fail-on", "never", "--format", "json"])
    [coi] = [f for f in json.loads(run.stdout)["results"][0]["findings"] if f["rule"] == "COI-002"]
    kinds = [(s["kind"], bool(s.get("later"))) for s in coi["sources"]]
    assert kinds[0] == ("seed", False) and ("legislation", True) in kinds
    assert kinds.index(("legislation", True)) > max(
        i for i, k in enumerate(kinds) if k[0] == "seed"
    )
    text = CliRunner().invoke(main, ["check", case, "--fail-on", "never"]).stdout
    assert "source: Later law, from 24 February 2025: Procurement Act 2023" in text
    later = CliRunner().invoke(main, ["check", case, "--fail-on", "never", "--as-at", "2025-06-01"])
    assert "Later law, from 24 February 2025" not in later.stdout


# ---- named dates inside conditions: {date: name} and {day_before: name}


def test_a_condition_may_compare_with_a_named_date(tmp_path) -> None:
    # regime_b_starts is 2016-04-18 in this test's values.yaml.
    rules = [
        rulekit.rule({"as_at": {"less_than": {"date": "regime_b_starts"}}}, rid="LF-901"),
        rulekit.rule({"as_at": {"at_most": {"day_before": "regime_b_starts"}}}, rid="LF-902"),
    ]
    rb = book(tmp_path, rules)
    assert fired(rb, as_at="2016-04-17") == ["LF-901", "LF-902"]
    assert fired(rb, as_at="2016-04-18") == []
    [finding, _] = Checker(rb).check_mapping(rulekit.proposal(as_at="2016-04-17")).findings
    assert any("the second regime starts" in b for b in finding.because)


def test_an_unknown_date_in_a_condition_is_a_located_rulebook_problem(tmp_path) -> None:
    rules = [rulekit.rule({"as_at": {"less_than": {"date": "regime_b_start"}}})]
    with pytest.raises(RulebookError) as caught:
        book(tmp_path, rules)
    [problem] = caught.value.problems
    assert problem.line > 1 and "unknown date `regime_b_start`" in problem.message
    assert "regime_b_starts" in problem.message  # the suggestion
