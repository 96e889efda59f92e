"""JUnit reports as CI test-report readers take them: junitparser (the library many CI
scripts use) and junit2html (which renders the report as Jenkins-like HTML).

What a user would notice: the dashboard's failures agree with the exit status, a
warning below --fail-on is listed (skipped, with its message) but is not a failure,
the root element carries the totals, a case names its file, and Jenkins' split of
`classname` at the last dot falls between directory and file, not at `.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from junit2htmlreport import parser as junit2html
from junitparser import Attr, Error, Failure, JUnitXml, Skipped, TestCase
from test_formats import WAIVER, mini_rulebook, proposal

from govcheck.cli import main

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")

TestCase.file = Attr("file")  # junitparser's way to read an attribute it does not model


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An error, a warning, an info, a waived error, a clean and a broken proposal."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / ".git").mkdir()
    rules = mini_rulebook(tmp_path)
    d = tmp_path / "proposals" / "2012.q1"
    d.mkdir(parents=True)
    proposal(d / "a-error.yaml")
    proposal(d / "b-warning.yaml", interest="shareholder", recused=True)
    proposal(d / "c-info.yaml", interest="family", recused=True)
    proposal(d / "d-waived.yaml", extra=WAIVER.format(expires="2012-06-30"))
    proposal(d / "e-clean.yaml", recused=True)
    (d / "f-broken.yaml").write_text("govcheck: 1\nid: one\nid: two\n", encoding="utf-8")
    return rules


def junit(rules: Path, *options: str) -> tuple[int, JUnitXml]:
    code, out, err = run("check", "proposals", "--rules", str(rules), "--format",
                         "junit:report.xml", *options)  # fmt: skip
    assert code in (0, 1), err
    return code, JUnitXml.fromfile("report.xml")


def outcome(case: TestCase) -> str:
    kinds = {Failure: "failure", Skipped: "skipped", Error: "error"}
    (result,) = case.result or [None]
    return kinds[type(result)] if result is not None else "passed"


def cases(xml: JUnitXml) -> dict[tuple[str, str], TestCase]:
    return {(Path(s.name).stem, c.name.split()[0]): c for s in xml for c in s}


def test_failures_follow_fail_on_and_the_exit_status(batch) -> None:
    code, xml = junit(batch)
    assert code == 1
    got = {key: outcome(c) for key, c in cases(xml).items()}
    assert got[("a-error", "COI-001")] == "failure"
    assert got[("a-error", "COI-901")] == "passed"
    assert got[("b-warning", "COI-901")] == "skipped"  # a warning below --fail-on error
    assert got[("c-info", "COI-902")] == "skipped"
    assert got[("d-waived", "COI-001")] == "skipped"
    assert got[("f-broken", "SCHEMA")] == "error"
    assert [k for k, v in got.items() if v == "failure"] == [("a-error", "COI-001")]
    warning = cases(xml)[("b-warning", "COI-901")]
    assert warning.result[0].message == "warning below --fail-on error: Dr A holds shares."
    assert "what to do: Say how the shareholding is managed." in warning.system_out

    code, xml = junit(batch, "--fail-on", "warning")
    got = {key: outcome(c) for key, c in cases(xml).items()}
    assert got[("b-warning", "COI-901")] == "failure"
    assert got[("c-info", "COI-902")] == "skipped"

    code, xml = junit(batch, "--fail-on", "never")
    assert code == 1  # the broken file
    got = {key: outcome(c) for key, c in cases(xml).items()}
    assert "failure" not in got.values()
    assert got[("f-broken", "SCHEMA")] == "error"


def test_root_totals_add_up(batch) -> None:
    _, xml = junit(batch)
    # 5 valid files x 3 rules in force + the broken file's SCHEMA case
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (16, 1, 1, 3)
    for suite in xml:
        kinds = [outcome(c) for c in suite]
        assert suite.tests == len(kinds)
        assert suite.failures == kinds.count("failure")
        assert suite.skipped == kinds.count("skipped")


def test_fired_only_lists_the_rules_that_fired_and_clean_files_pass(batch) -> None:
    _, xml = junit(batch, "--junit-fired-only")
    names = {Path(s.name).stem: [c.name.split()[0] for c in s] for s in xml}
    assert names == {
        "a-error": ["COI-001"],
        "b-warning": ["COI-901"],
        "c-info": ["COI-902"],
        "d-waived": ["COI-001"],
        "e-clean": ["no"],  # "no findings (3 rules in force)"
        "f-broken": ["SCHEMA"],
    }
    clean = next(c for s in xml for c in s if s.name.endswith("e-clean.yaml"))
    assert clean.name == "no findings (3 rules in force)" and outcome(clean) == "passed"
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6, 1, 1, 3)


def test_each_case_names_its_file_and_a_classname_jenkins_splits_well(batch) -> None:
    _, xml = junit(batch)
    case = cases(xml)[("a-error", "COI-001")]
    assert case.file == "proposals/2012.q1/a-error.yaml"
    assert case.classname == "proposals.2012_q1.a-error"
    package, _, cls = case.classname.rpartition(".")  # as Jenkins splits it
    assert (package, cls) == ("proposals.2012_q1", "a-error")


def test_a_second_reader_agrees(batch) -> None:
    junit(batch)
    report = junit2html.Junit("report.xml")
    outcomes: dict[str, int] = {}
    for suite in report.suites:
        for case in suite.all():
            key = str(case.outcome().value)
            outcomes[key] = outcomes.get(key, 0) + 1
    # junit2html counts the broken file's <error> as failed too
    assert outcomes == {"passed": 11, "failed": 2, "skipped": 3}


def test_each_suite_says_to_what_date_the_law_was_reviewed(batch) -> None:
    from govcheck.rulebook import load_rulebook

    reviewed = load_rulebook(batch).law_reviewed_to  # the mini rulebook's sources.yaml
    _, xml = junit(batch)
    for suite in xml:
        props = {p.name: p.value for p in suite.properties()}
        if props.get("as_at"):
            assert props["law_reviewed_to"] == reviewed
