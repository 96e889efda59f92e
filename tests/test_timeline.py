"""`govcheck timeline`: one proposal across changes of law.

The expectations come from the law, not from running the code:
- PCTs and SHAs were abolished on 1 April 2013 (Health and Social Care Act 2012, ss.33-34),
  and the FSA's registration of societies passed to the FCA the same day (Financial
  Services Act 2012, s.6);
- New Fair Deal replaced the 1999 Fair Deal when HM Treasury published it on 4 October 2013
  (GOV.UK, 'Fair Deal guidance');
- integrated care boards exist from 1 July 2022 (Health and Care Act 2022);
- the Provider Selection Regime applies from 1 January 2024 (SI 2023/1348) and revokes the
  2013 NHS procurement regulations;
- the Procurement Act 2023 is in force from 24 February 2025, and NHS health care services
  stay under the Provider Selection Regime.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govcheck.checker import Checker
from govcheck.cli import main
from govcheck.periods import timeline
from govcheck.render.periods import render

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "fixtures" / "scenarios"
ASHDOWN = str(ROOT / "cases" / "train-ashdown-options-and-eras.yaml")
ICB = str(SCENARIOS / "icb-direct-award.yaml")
PA = str(SCENARIOS / "icb-procurement-act.yaml")
EVENTS = str(SCENARIOS / "dated-events.yaml")
CHECKER = Checker()


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def ashdown():
    return timeline(ASHDOWN, start="2009-01-01", end="2025-06-30", checker=CHECKER)


def period_on(t, day: str):
    [p] = [p for p in t.periods if p.start <= day <= p.end]
    return p


def rules_of(period) -> set[str]:
    return {f.rule for f in period.result.findings}


def test_the_pct_and_the_fsa_go_on_1_april_2013(ashdown) -> None:
    in_2009, in_2014 = period_on(ashdown, "2009-06-01"), period_on(ashdown, "2014-06-01")
    assert not {"GOV-001", "REG-004"} & rules_of(in_2009)
    assert {"GOV-001", "REG-004"} <= rules_of(in_2014)
    april = period_on(ashdown, "2013-04-01")
    assert april.start == "2013-04-01"
    assert {"GOV-001", "REG-004"} <= set(april.appear)
    law = " ".join(april.instruments)
    assert "Health and Social Care Act 2012" in law and "Financial Services Act 2012" in law
    # The pre-2013 procurement advice goes with the PCTs.
    assert "PROC-001" in april.disappear


def test_new_fair_deal_on_4_october_2013(ashdown) -> None:
    october = period_on(ashdown, "2013-10-04")
    assert october.start == "2013-10-04"
    assert "PEN-003" in october.disappear
    assert "PEN-003" in rules_of(period_on(ashdown, "2013-10-03"))


def test_the_provider_selection_regime_from_1_january_2024(ashdown) -> None:
    psr = period_on(ashdown, "2024-01-01")
    assert psr.start == "2024-01-01" and "PROC-012" in psr.appear
    assert any("2023/1348" in ref for ref in psr.instruments)
    assert "PROC-012" not in rules_of(period_on(ashdown, "2023-12-31"))


def test_only_the_law_that_could_apply_splits_time(ashdown) -> None:
    # A PCT's scheme is untouched by the arrival of ICBs: no check on 1 July 2022.
    assert "2022-07-01" not in ashdown.checked_at
    every = [d for d in CHECKER.rulebook.change_dates() if "2009-01-01" < d <= "2025-06-30"]
    assert len(ashdown.checked_at) < len(every)


def test_periods_are_contiguous_and_adjacent_periods_differ(ashdown) -> None:
    periods = ashdown.periods
    assert periods[0].start == "2009-01-01" and periods[-1].end == "2025-06-30"
    for before, after in zip(periods, periods[1:], strict=False):
        day_after = datetime.date.fromisoformat(before.end) + datetime.timedelta(days=1)
        assert after.start == day_after.isoformat()
        assert [f.as_dict() for f in before.result.findings] != [
            f.as_dict() for f in after.result.findings]
        assert after.appear or after.disappear or after.changed
    assert periods[0].appear == [] and periods[0].disappear == []


def test_icbs_from_1_july_2022_and_the_psr_from_2024() -> None:
    t = timeline(ICB, start="2021-01-01", end="2024-12-31", checker=CHECKER)
    assert "GOV-005" in rules_of(period_on(t, "2022-06-30"))
    july = period_on(t, "2022-07-01")
    assert july.start == "2022-07-01" and "GOV-005" in july.disappear
    assert any("Health and Care Act 2022" in ref for ref in july.instruments)
    psr = period_on(t, "2024-01-01")
    assert psr.start == "2024-01-01"
    assert "PROC-007" in psr.disappear and "PROC-012" in psr.appear


def test_the_procurement_act_from_24_february_2025() -> None:
    t = timeline(PA, start="2024-06-01", end="2025-12-31", checker=CHECKER)
    before, after = period_on(t, "2025-02-23"), period_on(t, "2025-02-24")
    assert after.start == "2025-02-24"
    assert "PROC-017" in rules_of(before) and "PROC-017" not in rules_of(after)
    assert "PROC-019" in after.appear
    assert any("Procurement Act" in ref or "2023/1348" in ref for ref in after.instruments)


def test_the_proposals_own_dates_stay_as_stated() -> None:
    t = timeline(EVENTS, start="2014-01-01", end="2020-12-31", checker=CHECKER)
    assert ("contract.procurement_started_on", "2016-02-01") in t.fixed_dates
    assert ("conflicts_of_interest[0].declared_on", "2016-01-15") in t.fixed_dates
    out = " ".join(render(t, "text").split())
    assert "stay as stated" in out and "contract.procurement_started_on 2016-02-01" in out


def test_json_keeps_the_contract_names() -> None:
    result = run("timeline", ASHDOWN, "--from", "2009-01-01", "--to", "2025-06-30",
                 "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert {"file", "proposal", "periods"} <= set(report)
    assert report["proposal"] == "train-ashdown-options-and-eras"
    for p in report["periods"]:
        assert {"from", "to", "summary", "findings", "appear", "disappear"} <= set(p)
        assert {"error", "warning", "info"} <= set(p["summary"])
        assert p["summary"]["error"] == sum(
            1 for f in p["findings"] if f["severity"] == "error" and not f["waived"])
    april = next(p for p in report["periods"] if p["from"] == "2013-04-01")
    assert "REG-004" in april["appear"]


def test_text_shows_changes_not_noise_in_80_columns(ashdown) -> None:
    out = render(ashdown, "text")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "the law that changed on 1 April 2013:" in out
    # naming the FSA after 1 April 2013 is a stale name for the same registration: a warning
    assert "+ WARNING  REG-004" in out and "- WARNING  PROC-001" in out
    # Later periods list what changed and count the rest.
    assert "as before" in out
    assert out.count("PROC-002") == 2  # listed in 2009, then "- PROC-002" in April 2013


def test_markdown_and_html_show_a_matrix_of_findings_by_period(ashdown) -> None:
    memo = render(ashdown, "markdown")
    assert "## Findings by period" in memo and "## From 1 April 2013" in memo
    header = next(line for line in memo.splitlines() if line.startswith("| Rule | Finding"))
    assert header.count(" to ") == len(ashdown.periods)
    page = render(ashdown, "html")
    assert page.count("<th>2") == len(ashdown.periods) and "The law that changed" in page


def test_default_range_runs_from_the_earliest_rule_date_to_today() -> None:
    t = timeline(ICB, checker=CHECKER)
    dates = [d for r in CHECKER.rulebook.rules.values() for d in (r.valid_from, r.valid_to) if d]
    assert t.start == min(dates)
    assert t.end == datetime.date.today().isoformat()


def test_bad_dates_and_files_exit_2() -> None:
    assert run("timeline", ICB, "--from", "2025-01-01", "--to", "2024-01-01").exit_code == 2
    assert run("timeline", ICB, "--from", "2025-13-01").exit_code == 2
    missing = run("timeline", "nope.yaml")
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_proposal_text_is_made_inert(tmp_path) -> None:
    text = Path(ICB).read_text(encoding="utf-8").replace(
        "title: Hollins ICB awards community nursing directly to a CIC",
        'title: "\\e]0;pwned\\a <img src=x onerror=alert(1)> ::warning::x"')
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "markdown", "html"):
        out = run("timeline", str(path), "--from", "2022-01-01", "--to", "2024-12-31",
                  "--format", fmt).stdout
        assert "\x1b" not in out and "\x07" not in out, fmt
        assert not any(line.lstrip().startswith("::") for line in out.splitlines()), fmt
        if fmt != "text":  # plain text is not markup; there it only has to be inert
            assert "<img" not in out, fmt


SMALL_SOURCES = """\
law_reviewed_to: 2030-12-31
documents:
  - id: fsa-2012
    kind: legislation
    title: Financial Services Act 2012
    issuer: UK Parliament
    year: 2012
    publisher: legislation.gov.uk
    url: https://www.legislation.gov.uk/ukpga/2012/21
  - id: pcr-2015
    kind: legislation
    title: Public Contracts Regulations 2015
    issuer: UK Government
    year: 2015
    publisher: legislation.gov.uk
    url: https://www.legislation.gov.uk/uksi/2015/102
"""

SMALL_RULES = """\
dates:
  - name: fca_registers_societies
    date: 2013-04-01
    means: the FCA takes over the registration of societies from the FSA
    document: fsa-2012
    reference: "Financial Services Act 2012, s.6"
values:
  - name: light_touch_threshold_gbp
    means: the light-touch threshold, in pounds
    periods:
      - {from: 2015-02-26, value: 625050, document: pcr-2015, reference: "PCR 2015 reg 5, as made"}
      - {from: 2016-01-01, value: 589148, document: pcr-2015, reference: "PCR 2015 reg 5, 2016"}
rules:
  - id: REG-901
    title: FSA named after the FCA took over
    severity: warning
    topic: regulation
    valid_from: fca_registers_societies
    when:
      provider.registered_with: {contains: fsa}
    message: "{provider.name} names the FSA."
    remedy: Name the FCA.
    sources:
      - {document: fsa-2012, reference: "Financial Services Act 2012, s.6"}
  - id: PROC-901
    title: Award above the light-touch threshold
    severity: warning
    topic: procurement
    valid_from: 2015-02-26
    when:
      contract.value_gbp: {greater_than: {value: light_touch_threshold_gbp}}
    message: "Above £{value:light_touch_threshold_gbp}."
    remedy: Advertise it.
    sources:
      - {document: pcr-2015, reference: "PCR 2015 reg 5"}
  - id: PROC-902
    title: Direct award begun after 2020
    severity: warning
    topic: procurement
    valid_from: 2020-01-01
    dated_by: contract.procurement_started_on
    when:
      contract.route: direct_award
    message: "A direct award."
    remedy: Compete it.
    sources:
      - {document: pcr-2015, reference: "PCR 2015 reg 32"}
"""


@pytest.fixture(scope="module")
def small_checker(tmp_path_factory):
    from govcheck.rulebook import load_rulebook

    directory = tmp_path_factory.mktemp("small-rules")
    (directory / "sources.yaml").write_text(SMALL_SOURCES, encoding="utf-8")
    (directory / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    return Checker(load_rulebook(directory))


def small_proposal(**contract) -> dict:
    return {
        "govcheck": 1, "id": "small", "title": "Small", "as_at": "2014-01-01",
        "commissioners": [{"id": "c", "name": "C", "type": "local_authority"}],
        "provider": {"name": "P", "model": "social_enterprise",
                     "legal_form": "co_operative_society", "registered_with": ["fsa"]},
        "contract": {"route": "direct_award", "type": "local_authority_contract",
                     "counterparty": "c", **contract},
    }


def test_a_named_date_splits_time_and_names_its_instrument(small_checker) -> None:
    t = timeline(small_proposal(), start="2010-01-01", end="2020-06-30", checker=small_checker)
    april = period_on(t, "2013-04-01")
    assert april.start == "2013-04-01" and april.appear == ["REG-901"]
    assert april.instruments[0] == "Financial Services Act 2012, s.6"
    [change] = [c for c in april.law if c.rule == "REG-901"]
    assert change.named_date == "fca_registers_societies"
    assert change.means == "the FCA takes over the registration of societies from the FSA"


def test_a_dated_value_that_changes_splits_time(small_checker) -> None:
    # £600,000 is under the 2015 threshold (£625,050) and over the 2016 one (£589,148).
    t = timeline(small_proposal(value_gbp=600000), start="2015-06-01", end="2017-12-31",
                 checker=small_checker)
    assert "PROC-901" not in rules_of(period_on(t, "2015-12-31"))
    january = period_on(t, "2016-01-01")
    assert january.start == "2016-01-01" and january.appear == ["PROC-901"]
    assert any(c.subject == "value light_touch_threshold_gbp" for c in january.law)
    assert "PCR 2015 reg 5, 2016" in january.instruments


def test_an_event_the_proposal_states_decides_whatever_the_date_of_judgment(small_checker):
    # Begun in 2019: PROC-902 (from 2020) never applies, and 2020 cuts no period.
    stated = timeline(small_proposal(procurement_started_on="2019-06-01"), start="2018-01-01",
                      end="2021-12-31", checker=small_checker)
    assert "2020-01-01" not in stated.checked_at
    assert all("PROC-902" not in rules_of(p) for p in stated.periods)
    assert ("contract.procurement_started_on", "2019-06-01") in stated.fixed_dates
    # Not stated: as_at decides, so the rule starts on 1 January 2020.
    unstated = timeline(small_proposal(), start="2018-01-01", end="2021-12-31",
                        checker=small_checker)
    assert period_on(unstated, "2020-01-01").appear == ["PROC-902"]


@pytest.mark.parametrize("name", [
    "train-ashdown-options-and-eras", "train-coop-nhs-staff", "train-staff-mutual-cic",
    "train-almo-in-health", "train-care-trust-plus-pooled", "train-council-pct-joint-venture",
    "train-gp-consortium-members-company", "proc-psr-switch-2024", "reg-coop-fsa-2014",
    "coi-icb-psr-2024", "fin-cic-dividend-2012", "char-cio-2014",
])
def test_only_relevant_dates_lose_nothing(name: str) -> None:
    """Cutting time only where the law that could apply changes gives the same periods
    and findings as cutting at every date the rulebook knows."""
    path = str(ROOT / "cases" / f"{name}.yaml")
    fast = timeline(path, end="2026-11-30", checker=CHECKER)
    full = timeline(path, end="2026-11-30", checker=CHECKER, every_date=True)
    assert [(p.start, p.end) for p in fast.periods] == [(p.start, p.end) for p in full.periods]
    assert [p.as_dict() for p in fast.periods] == [p.as_dict() for p in full.periods]
    assert len(fast.checked_at) <= len(full.checked_at)


def test_ccgs_from_1_april_2013_until_icbs_replace_them() -> None:
    # A CCG commissioner is wrong before CCGs were created on 1 April 2013 (the day the
    # PCTs went) and again once ICBs replaced them on 1 July 2022.
    t = timeline(EVENTS, start="2012-01-01", end="2023-12-31", checker=CHECKER)
    assert "GOV-003" in rules_of(period_on(t, "2013-03-31"))
    april = period_on(t, "2013-04-01")
    assert april.start == "2013-04-01" and "GOV-003" in april.disappear
    assert "GOV-004" not in rules_of(period_on(t, "2022-06-30"))
    july = period_on(t, "2022-07-01")
    assert july.start == "2022-07-01" and "GOV-004" in july.appear


def test_a_waiver_to_the_last_day_there_is_never_ends(tmp_path) -> None:
    # 9999-12-31 is how "no expiry" is often written; there is no day after it.
    text = (ROOT / "cases" / "northtown-cic.yaml").read_text(encoding="utf-8")
    assert "expires: 2010-03-31" in text
    path = tmp_path / "northtown-forever.yaml"
    path.write_text(text.replace("expires: 2010-03-31", "expires: 9999-12-31"), encoding="utf-8")
    result = run("timeline", str(path), "--from", "2009-01-01", "--to", "2012-12-31",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    periods = json.loads(result.stdout)["periods"]
    waived = [f["waived"] for p in periods for f in p["findings"] if f["rule"] == "COI-002"]
    assert waived and all(waived)
