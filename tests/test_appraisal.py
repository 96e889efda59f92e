"""`govcheck compare`: an options appraisal of one proposal.

The expectations come from the law and the seeds, not from running the code:
- a community interest company cannot be a charity (CAICE Act 2004 s.26(3); HSMC 2007
  §8(ii) "Cannot be a charity"), nor can a co-operative (§8(iii)(b) "Not capable of
  achieving charitable status"); a company limited by guarantee and a community benefit
  society can (§8(i) "Suitable for not-for-profit and charitable models", §8(iii)(a)
  "Capable of having charitable status");
- before New Fair Deal (4 October 2013) a co-operative "Will not qualify as an NHS pension
  provider and may not achieve Direction Status" (§8(iii)(b)); a CLG, CIC or community
  benefit society "may" (§8(i), (ii), (iii)(a));
- the FSA registered societies until 31 March 2013 and the FCA from 1 April 2013
  (Financial Services Act 2012, s.6);
- from 1 January 2024 an award without competition needs a Provider Selection Regime
  process (SI 2023/1348).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from govcheck.appraisal import NOT_STATED, VaryError, compare, every_value, parse_vary
from govcheck.checker import Checker
from govcheck.cli import main
from govcheck.render.appraisal import render

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "fixtures" / "scenarios"
CHARITY = str(SCENARIOS / "charitable-clg-2009.yaml")
COOP = str(SCENARIOS / "coop-fsa.yaml")
ICB = str(SCENARIOS / "icb-direct-award.yaml")
FORMS = ("company_limited_by_guarantee,community_interest_company,co_operative_society,"
         "community_benefit_society")
CHECKER = Checker()


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def four_forms():
    return compare(CHARITY, vary=[f"provider.legal_form={FORMS}"], checker=CHECKER)


def option(comparison, value):
    [found] = [o for o in comparison.options if o.set == {"provider.legal_form": value}]
    return found


def rules_of(opt) -> set[str]:
    return {f.rule for f in opt.result.findings}


def test_charitable_status_tells_the_forms_apart(four_forms) -> None:
    assert "CHAR-001" in rules_of(option(four_forms, "community_interest_company"))
    assert "CHAR-001" in rules_of(option(four_forms, "co_operative_society"))
    assert "CHAR-001" not in rules_of(option(four_forms, "company_limited_by_guarantee"))
    assert "CHAR-001" not in rules_of(option(four_forms, "community_benefit_society"))
    [char] = [d for d in four_forms.distinctions() if d.rule == "CHAR-001"]
    shown = {four_forms.options[i].label for i in char.options}
    assert shown == {"community_interest_company", "co_operative_society"}
    assert char.severity == "error"


def test_a_cooperative_cannot_promise_direction_status_in_2009(four_forms) -> None:
    assert "PEN-002" in rules_of(option(four_forms, "co_operative_society"))
    for other in ("company_limited_by_guarantee", "community_interest_company",
                  "community_benefit_society"):
        assert "PEN-002" not in rules_of(option(four_forms, other))


def test_the_properties_are_the_seeds_appraisal(four_forms) -> None:
    clg = option(four_forms, "company_limited_by_guarantee").facts
    cic = option(four_forms, "community_interest_company").facts
    coop = option(four_forms, "co_operative_society").facts
    cbs = option(four_forms, "community_benefit_society").facts
    assert (clg["can_be_charity"], cic["can_be_charity"], coop["can_be_charity"],
            cbs["can_be_charity"]) == (True, False, False, True)
    assert cic["assets_locked_by_law"] is True  # CAICE Act 2004 s.30
    assert all(o["separate_legal_entity"] and o["limited_liability"] for o in (clg, cic, coop, cbs))
    assert coop["may_achieve_direction_status"] is False
    assert cic["may_achieve_direction_status"] is True
    assert coop["registered_society"] is True and coop["registered_by_companies_house"] is False
    assert cic["registered_by_companies_house"] is True and cic["regulated_by_cic_regulator"]
    assert clg["can_take_equity"] is False  # "There are no shares"
    assert coop["community_benefit"] is False and cbs["community_benefit"] is True
    # Every form is a non-NHS body: its staff need a direction for NHS pensions.
    assert {o["nhs_pension_body"] for o in (clg, cic, coop, cbs)} == {False}


def test_each_answer_names_the_fact_it_rests_on_and_the_fact_its_sources(four_forms) -> None:
    cic = option(four_forms, "community_interest_company")
    assert cic.facts_from["can_be_charity"] == ("cannot_be_charity",)
    quotes = [s.get("quote") for s in four_forms.fact_definitions()["cannot_be_charity"]["sources"]]
    assert "Cannot be a charity" in quotes


def test_contradicting_options_say_which_fields_would_also_have_to_change(four_forms) -> None:
    cic = option(four_forms, "community_interest_company")
    [char] = [a for a in cic.also_change if a.rule == "CHAR-001"]
    assert [f.field for f in char.fields] == ["provider.charitable_status"]
    assert char.fields[0].value == "registered" and char.fields[0].line == 17
    coop = option(four_forms, "co_operative_society")
    # PEN-002 rests on the seeds' "may not achieve Direction Status": a warning, so it is no
    # contradiction to resolve; the co-operative's charity claim is.
    assert "PEN-002" in rules_of(coop)
    assert "PEN-002" not in {a.rule for a in coop.also_change}
    [char_coop] = [a for a in coop.also_change if a.rule == "CHAR-001"]
    assert [f.field for f in char_coop.fields] == ["provider.charitable_status"]
    # The field being varied is never what "also" has to change.
    assert all(f.field != "provider.legal_form" for o in four_forms.options
               for a in o.also_change for f in a.fields)


def test_the_option_as_proposed_is_marked(four_forms) -> None:
    assert [o.label for o in four_forms.options if o.as_proposed] == [
        "company_limited_by_guarantee"]


def test_default_varies_the_legal_form_over_every_schema_value() -> None:
    c = compare(CHARITY, checker=CHECKER)
    values = CHECKER.rulebook.catalogue.fields["provider.legal_form"].values
    assert [o.set["provider.legal_form"] for o in c.options] == list(values)
    assert len(c.options) == 14
    # An in-house unit is no separate legal entity ("indistinguishable from the PCT").
    assert option(c, "none").facts["separate_legal_entity"] is False
    assert option(c, "nhs_trust").facts["nhs_pension_body"] is True


def test_varying_the_date_shows_the_fsa_handing_over_to_the_fca() -> None:
    c = compare(COOP, vary=["as_at=2010-06-01,2014-06-01"], checker=CHECKER)
    before, after = c.options
    assert "REG-004" not in rules_of(before) and "REG-004" in rules_of(after)
    assert before.result.as_at == "2010-06-01" and after.result.as_at == "2014-06-01"
    assert c.as_at is None  # each option has its own date


def test_varying_a_list_field_sets_the_whole_list() -> None:
    c = compare(COOP, vary=["provider.registered_with=fsa,fca"], as_at="2014-06-01",
                checker=CHECKER)
    fsa, fca = c.options
    assert "REG-004" in rules_of(fsa) and "REG-004" not in rules_of(fca)
    assert fsa.as_proposed and not fca.as_proposed


def test_the_route_under_the_provider_selection_regime() -> None:
    c = compare(ICB, vary=["contract.route=competitive_tender,direct_award"], checker=CHECKER)
    tender, direct = c.options
    assert "PROC-012" in rules_of(direct) and "PROC-012" not in rules_of(tender)


def test_not_stated_is_an_option_of_its_own() -> None:
    c = compare(CHARITY, vary=["staff_transfer.pension.direction_status=granted,~"],
                checker=CHECKER)
    granted, unstated = c.options
    assert unstated.set == {"staff_transfer.pension.direction_status": NOT_STATED}
    assert "PEN-003" in rules_of(unstated) and "PEN-003" not in rules_of(granted)
    assert unstated.as_dict()["set"] == {"staff_transfer.pension.direction_status": None}


def test_two_fields_give_every_combination() -> None:
    c = compare(CHARITY, vary=["provider.legal_form=community_interest_company,"
                               "company_limited_by_guarantee",
                               "provider.charitable_status=registered,none"], checker=CHECKER)
    assert len(c.options) == 4
    clean_cic = [o for o in c.options if o.set == {
        "provider.legal_form": "community_interest_company", "provider.charitable_status": "none"}]
    assert "CHAR-001" not in rules_of(clean_cic[0])


def test_json_keeps_the_contract_names(tmp_path) -> None:
    result = run("compare", CHARITY, "--vary", f"provider.legal_form={FORMS}", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert {"file", "proposal", "as_at", "options"} <= set(report)
    assert report["proposal"] == "kingsmead-charitable-clg" and report["as_at"] == "2009-10-01"
    first = report["options"][0]
    assert {"set", "summary", "findings", "facts"} <= set(first)
    assert first["set"] == {"provider.legal_form": "company_limited_by_guarantee"}
    assert {"error", "warning", "info"} <= set(first["summary"])
    assert all(v in (True, False, None) for v in first["facts"].values())
    cic = report["options"][1]
    char = next(f for f in cic["findings"] if f["rule"] == "CHAR-001")
    assert {"rule", "severity", "topic", "title", "message", "location", "sources", "because",
            "waived"} <= set(char)
    assert cic["summary"]["error"] == sum(
        1 for f in cic["findings"] if f["severity"] == "error" and not f["waived"])


def test_text_is_a_matrix_that_fits_an_80_column_terminal() -> None:
    c = compare(CHARITY, checker=CHECKER)
    out = render(c, "text")
    assert max(len(line) for line in out.splitlines()) <= 80
    rows = [line for line in out.splitlines() if line.startswith("co_operative_society")]
    assert len(rows) == 1
    assert "What tells the options apart" in out and "CHAR-001" in out
    assert "change provider.charitable_status (registered, line 17)" in out


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.heads: list[str] = []
        self.rows: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self._in = dict(attrs).get("scope")

    def handle_data(self, data):
        if not data.strip():
            return
        if self._in == "col":
            self.heads.append(data)
        elif self._in == "row":
            self.rows.append(data)
        self._in = None


def test_html_is_a_table_with_options_as_columns(four_forms) -> None:
    page = render(four_forms, "html")
    table = _Table()
    table.feed(page)
    assert table.heads[:4] == ["Company limited by guarantee", "Community interest company",
                               "Co-operative society", "Community benefit society"]
    assert {"Errors", "Can be a charity", "Assets locked by law", "Charitable status"} <= set(
        table.rows)
    assert "What tells the options apart" in page and "<script" not in page


def test_markdown_table_rows_have_one_cell_per_option(four_forms) -> None:
    memo = render(four_forms, "markdown")
    table = memo.split("## The options side by side", 1)[1].split("\n\n")[1].splitlines()
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert widths == {len(four_forms.options) + 2}
    assert "| Can be a charity | yes | no | no | yes |" in memo


def test_proposal_text_cannot_drive_a_terminal_or_forge_markup(tmp_path) -> None:
    text = Path(CHARITY).read_text(encoding="utf-8").replace(
        "title: Kingsmead community rehabilitation moves to a charitable company",
        'title: "Evil \\e[2J\\u202e <script>x</script> | ::error::x"')
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "markdown", "html"):
        out = run("compare", str(path), "--vary", "provider.name=<b>x</b>,y\u202ez",
                  "--format", fmt).stdout
        assert "\x1b" not in out and "\u202e" not in out, fmt
        assert not any(line.lstrip().startswith("::") for line in out.splitlines()), fmt
        if fmt == "html":
            assert "<script>" not in out and "<b>x</b>" not in out
        if fmt == "markdown":
            assert "<script>" not in out


@pytest.mark.parametrize(
    "vary,words",
    [
        ("provider.legal_from=none", "did you mean `provider.legal_form`"),
        ("provider.legal_form=community_interest_compny",
         "did you mean `community_interest_company`"),
        ("provider.membership=true", "provider.membership.open"),
        ("staff_transfer.nhs_staff=many", "is a integer"),
        ("provider.legal_form", "FIELD=V1,V2"),
        ("as_at=2014-W01-1", "write YYYY-MM-DD"),
    ],
)
def test_a_bad_vary_is_a_usage_error_that_says_what_to_write(vary: str, words: str) -> None:
    result = run("compare", CHARITY, "--vary", vary)
    assert result.exit_code == 2
    assert words in result.stderr


def test_an_invalid_proposal_stops_with_its_line(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(CHARITY).read_text().replace("legal_form: company_limited_by_guarantee",
                                                     "legal_form: trust"), encoding="utf-8")
    result = run("compare", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:13:" in result.stderr and "not a valid proposal" in result.stderr
    missing = run("compare", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_as_at_given_twice_is_refused() -> None:
    result = run("compare", COOP, "--as-at", "2014-01-01", "--vary", "as_at=2010-01-01")
    assert result.exit_code == 2 and "--as-at and --vary as_at" in result.stderr


def test_parse_vary_types_values_as_the_schema_says() -> None:
    catalogue = CHECKER.rulebook.catalogue
    assert parse_vary("staff_transfer.nhs_staff=0,240", catalogue).values == (0, 240)
    assert parse_vary("provider.staff_owned=true,false", catalogue).values == (True, False)
    assert parse_vary("provider.registered_with=fsa+charity_commission,[]", catalogue).values == (
        ("fsa", "charity_commission"), ())
    with pytest.raises(VaryError, match="not a value of `provider.registered_with`"):
        parse_vary("provider.registered_with=fsa+hmrc", catalogue)
    assert every_value("provider.staff_owned", catalogue).values == (True, False)


def test_too_many_options_are_refused() -> None:
    with pytest.raises(VaryError, match="too many"):
        compare(CHARITY, vary=[f"staff_transfer.nhs_staff={','.join(map(str, range(15)))}",
                               "provider.legal_form=" + ",".join(
                                   CHECKER.rulebook.catalogue.fields[
                                       "provider.legal_form"].values)],
                checker=CHECKER)


def test_no_form_gives_a_property_both_answers() -> None:
    """Each "no" rests on an opposite fact; for no legal form, at any era, may a property's
    yes-fact and no-fact both hold (the rulebook would contradict itself)."""
    for as_at in ("2009-10-01", "2014-06-01", "2025-06-01"):
        c = compare(CHARITY, as_at=as_at, checker=CHECKER)
        for o in c.options:
            held = {name for name, _ in o.result.derived}
            for p in c.properties:
                both = held & set(p.true_if) and held & set(p.false_if)
                assert not both, (o.label, as_at, p.name)
