"""`--format markdown`: the review memo for a board paper."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from govcheck.cli import main

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


def test_memo_has_title_date_and_counts(memo: str) -> None:
    assert memo.startswith("# Governance review memo")
    assert "Judged as at: 2009-02-01" in memo
    assert "| Proposals | Invalid | Errors | Warnings | Info | Waived |" in memo


def test_findings_grouped_by_topic_with_remedy_and_quotes(memo: str) -> None:
    pensions = memo.split("\n### Pensions", 1)[1].split("\n### ", 1)[0]
    assert "ERROR PEN-002" in pensions
    assert "**What to do:**" in pensions
    assert "> Will not qualify as an NHS pension provider and may not achieve Direction Status" in (
        pensions
    )
    assert "8(iii)(b) Assessment of co-operatives, 000_c1c7c90f00c43813.txt line 557" in pensions
    assert "**Why it fired**" in pensions and "(line 13)" in pensions


def test_waived_findings_have_their_own_section(memo: str) -> None:
    before, waived = memo.split("### Waived findings (accepted risks)", 1)
    assert "CHAR-001" in waived and "CHAR-001" not in before.split("## ", 2)[-1]
    assert "until 2009-12-31 by PCT board" in waived
    assert "Reason: Charity Commission letter awaited" in waived


def test_proposal_html_is_inert(memo: str) -> None:
    assert "<b>" not in memo
    assert "&lt;b&gt;co-operative&lt;/b&gt;" in memo
