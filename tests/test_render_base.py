"""The sentences every format shares: the verdict, the waiver line, dates, source names.

The expected words are the report's contract with a board (issue: "Not ready: 1
unresolved error, 2 warnings to answer"), written here by hand, not taken from a run.
"""

from __future__ import annotations

import datetime
import json

import govcheck
from govcheck.model import Finding, Location, Result, Waiver
from govcheck.render.base import (
    as_at_origin,
    counted,
    law_reviewed_line,
    source_label,
    source_place,
    uk_date,
    verdict,
    waiver_line,
    with_article,
)

WAIVER = Waiver("COI-002", "Ministerial letter", "PCT board, minute 2009/117", "2010-03-31")


def finding(severity: str, *, waived: bool = False, topic: str = "pensions") -> Finding:
    return Finding(
        rule="X-001",
        severity=severity,
        topic=topic,
        title="t",
        message="m",
        location=Location("/a", 1, 1),
        waived=WAIVER if waived else None,
    )


def result(*findings: Finding) -> Result:
    return Result("p.yaml", "p", "2009-10-01", findings=list(findings))


def test_not_ready_leads_with_the_unresolved_errors_and_warnings() -> None:
    v = verdict(
        result(
            finding("error"),
            finding("warning"),
            finding("warning"),
            finding("info"),
            finding("error", waived=True),
        )
    )
    assert v.status == "not-ready"
    assert v.headline == "Not ready: 1 unresolved error, 2 warnings to answer"
    assert v.aside == "Also: 1 point to note, and 1 error waived as an accepted risk."


def test_every_verdict_in_words() -> None:
    assert verdict(result(finding("error"), finding("error"))).headline == (
        "Not ready: 2 unresolved errors"
    )
    v = verdict(result(finding("warning")))
    assert (v.status, v.headline, v.aside) == (
        "warnings",
        "Ready with warnings: 1 warning to answer",
        "",
    )
    v = verdict(result(finding("error", waived=True), finding("warning", waived=True)))
    assert v.status == "waivers"
    assert v.headline == "Ready with waivers: no unresolved errors or warnings"
    assert v.aside == "Also: 1 error and 1 warning waived as accepted risks."
    v = verdict(result(finding("info"), finding("info")))
    assert (v.status, v.headline, v.aside) == (
        "ready",
        "Ready: no errors or warnings found",
        "Also: 2 points to note.",
    )
    assert verdict(result()).headline == "Ready: no errors or warnings found"


def test_an_invalid_proposal_is_not_called_ready_or_not_ready() -> None:
    bad = result(finding("error", topic="schema"), finding("error", topic="schema"))
    v = verdict(bad)
    assert v.status == "invalid"
    assert v.headline == "Not a valid proposal: 2 problems to correct before it can be checked"


def test_dates_in_uk_style() -> None:
    assert uk_date("2009-10-01") == "1 October 2009"
    assert uk_date(datetime.date(2026, 11, 30)) == "30 November 2026"
    assert uk_date("not a date") == "not a date"
    reviewed = {"law_reviewed_to": "2026-11-30"}
    assert law_reviewed_line(reviewed) == "Law reviewed to 30 November 2026"
    assert law_reviewed_line({"rules": 3}) == ""
    assert as_at_origin("proposal") == "the proposal's as_at"


def test_waiver_line_is_one_sentence_with_its_date_shown_as_asked() -> None:
    assert waiver_line(WAIVER) == (
        "waived until 2010-03-31 by PCT board, minute 2009/117: Ministerial letter"
    )
    assert waiver_line(WAIVER, date=uk_date).startswith("waived until 31 March 2010 by")


def test_counts_and_articles() -> None:
    assert counted(1, "warning") == "1 warning" and counted(3, "error") == "3 errors"
    assert with_article("error") == "an error" and with_article("warning") == "a warning"
    assert with_article("info") == "an info finding"


def test_a_seed_is_named_by_its_title_and_an_act_by_its_reference() -> None:
    seed = {
        "document": "hsmc-2007",
        "title": "Freeman & Peck (2007) Adult care joint-ventures",
        "section": "8(iii)(b) Assessment of co-operatives",
        "file": "000_c1c7c90f00c43813.txt",
        "line": 557,
    }
    assert source_label(seed) == (
        "Freeman & Peck (2007) Adult care joint-ventures, 8(iii)(b) Assessment of co-operatives"
    )
    assert "000_" not in source_label(seed)
    assert source_place(seed) == "000_c1c7c90f00c43813.txt line 557"
    act = {
        "document": "caice-act-2004",
        "title": "Companies (Audit, Investigations and Community Enterprise) Act 2004 (2004)",
        "reference": "Companies (Audit, Investigations and Community Enterprise) Act 2004, s.35",
        "url": "https://www.legislation.gov.uk/ukpga/2004/27",
    }
    assert source_label(act).endswith("Act 2004, s.35")
    assert source_place(act) == "https://www.legislation.gov.uk/ukpga/2004/27"


def test_result_carries_the_proposal_summary_but_the_json_does_not() -> None:
    report = govcheck.check(
        {
            "govcheck": 1,
            "id": "x",
            "title": "X",
            "as_at": "2009-02-01",
            "summary": "Community nurses  leave\nthe PCT.",
            "commissioners": [{"id": "pct", "name": "P", "type": "primary_care_trust"}],
            "provider": {
                "name": "Y",
                "model": "social_enterprise",
                "legal_form": "company_limited_by_guarantee",
            },
        }
    )
    (r,) = report.results
    assert r.summary == "Community nurses  leave\nthe PCT."
    assert "summary" not in r.as_dict()
    assert "Community nurses" not in json.dumps(report.as_dict())
