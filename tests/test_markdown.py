"""`--format markdown`: the review memo for a board paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportkit import render

from govcheck.cli import main

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")

PROPOSAL = """\
govcheck: 1
id: fernlea-coop
title: Fernlea therapies <b>co-operative</b>
as_at: 2009-02-01
commissioners:
  - {id: pct, name: Fernlea PCT, type: primary_care_trust}
provider:
  name: Fernlea Therapies Co-op
  model: social_enterprise
  legal_form: co_operative_society
  charitable_status: registered
staff_transfer:
  nhs_staff: 240
  mechanism: tupe_transfer
  pension:
    nhs_pension_access: direction_status
    direction_status: not_eligible
waivers:
  - rule: CHAR-001
    reason: Charity Commission letter awaited
    approved_by: PCT board
    expires: 2009-12-31
"""


@pytest.fixture(scope="module")
def memo(tmp_path_factory: pytest.TempPathFactory, rules_dir) -> str:
    d = tmp_path_factory.mktemp("md")
    (d / "p.yaml").write_text(PROPOSAL, encoding="utf-8")
    r = CliRunner().invoke(
        main, ["check", str(d / "p.yaml"), "--format", "markdown", "--rules", str(rules_dir)]
    )
    assert r.exit_code == 1, r.output
    return r.stdout


def test_memo_leads_with_title_verdict_and_date(memo: str) -> None:
    assert memo.startswith("# Governance review: Fernlea therapies &lt;b&gt;co-operative&lt;/b&gt;")
    lead = memo.split("\n## ", 1)[0]
    assert "**Not ready**: 1 unresolved error" in lead
    assert "- Judged as at: 1 February 2009, from the proposal's as_at" in lead


def test_findings_errors_first_with_remedy_and_quotes(memo: str) -> None:
    errors, rest = memo.split("\n## Unresolved errors", 1)[1].split("\n## Warnings", 1)
    assert "PEN-004" in errors and "PEN-002" not in errors
    assert "**What to do.**" in errors and "**Why it fired**" in errors
    warnings = rest.split("\n## ", 1)[0]
    assert "PEN-002" in warnings  # the seeds' "may not": a warning, after the error
    assert "> \u201cWill not qualify as an NHS pension provider and may not achieve Direction " in (
        warnings
    )
    assert "8(iii)(b) Assessment of co-operatives (000_c1c7c90f00c43813.txt line 557)" in warnings
    assert "(line 13)" in warnings


def test_waived_findings_have_their_own_section(memo: str) -> None:
    before, waived = memo.split("## Waived: accepted risks", 1)
    assert "CHAR-001" in waived and "CHAR-001" not in before
    assert "until 31 December 2009 by PCT board" in waived
    assert ": Charity Commission letter awaited" in waived


def test_machine_detail_is_in_the_appendix(memo: str) -> None:
    body, appendix = memo.split("## Appendix: technical references", 1)
    assert "/staff\\_transfer/pension" not in body and "pensions.yaml:" not in body
    assert "direction_status_unlikely" not in body
    assert "| /staff_transfer/pension/direction_status |" in appendix
    assert "pensions.yaml:" in appendix and "direction_status_unlikely (" in appendix


def test_proposal_html_is_inert(memo: str) -> None:
    assert "<b>" not in memo
    assert "&lt;b&gt;co-operative&lt;/b&gt;" in memo


CASES = Path(__file__).resolve().parent.parent / "cases"


def test_memo_and_page_say_the_same_in_the_same_order(rules_dir) -> None:
    paths = [CASES / "northtown-cic.yaml"]
    memo = render("markdown", paths, rules_dir)
    page = render("html", paths, rules_dir)
    # headings of the memo: groups and numbered findings, in order
    memo_heads = re.findall(r"^#{2,3} (.+)$", memo.split("## Appendix", 1)[0], re.M)
    page_heads = [
        re.sub(r"<[^>]+>", "", h).replace("&amp;", "&")
        for h in re.findall(
            r"<h[23][^>]*>(.*?)</h[23]>", page.split('<section class="appendix">', 1)[0]
        )
    ]
    assert memo_heads == page_heads
    # A declared conflict without recusal in 2009 rests on a consultation's "should":
    # a warning to answer (a hedged source supports a warning at most), not an error.
    assert memo_heads[0] == "Warnings to answer (2)"
    assert "2. Declared conflict of interest without stepping out of the decision" in memo_heads
    for words in (
        "Ready with warnings",
        ": 2 warnings to answer",
        "Also: 1 error waived as an accepted risk.",
        "Waived until 31 March 2010 by PCT board, minute 2009/117",
        "It follows that this legal form is not an NHS pension body",
    ):
        assert words in memo and words in page, words
