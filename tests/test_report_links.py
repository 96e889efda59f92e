"""What JSON, SARIF and GitHub annotations carry beyond the findings themselves: why and
remedy in JSON, fingerprints code scanning can track, links to the rule reference, the
source root, and waived notices in correct English."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_formats import WAIVER, mini_rulebook, proposal

from govcheck.cli import main

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / ".git").mkdir()
    return tmp_path


# -- JSON -------------------------------------------------------------------------------


def test_json_findings_carry_why_and_remedy_or_null(here) -> None:
    rules = mini_rulebook(here)  # its rules have a remedy but no why
    proposal(here / "p.yaml")
    (here / "bad.yaml").write_text("govcheck: 1\nid: x\n", encoding="utf-8")
    _, out, _ = run("check", "p.yaml", "bad.yaml", "--rules", str(rules), "--format", "json")
    results = {r["file"]: r["findings"] for r in json.loads(out)["results"]}
    (coi,) = results["p.yaml"]
    assert coi["why"] is None
    assert coi["remedy"] == "Record that the person withdraws from the decision."
    schema = results["bad.yaml"][0]
    assert schema["rule"] == "SCHEMA"
    assert schema["why"].startswith("A file that is not a valid proposal")
    # the same advice the rule reference gives for SCHEMA, not a wording of its own
    reference = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    entry = reference.split('<a id="schema"></a>', 1)[1].split("<a id=", 1)[0]
    assert f"**What to do.** {schema['remedy']}\n" in entry


# -- SARIF ------------------------------------------------------------------------------


def sarif(*args: str) -> dict:
    _, out, _ = run("check", *args, "--format", "sarif")
    return json.loads(out)


def test_fingerprints_survive_lines_moving_and_differ_between_findings(here) -> None:
    rules = mini_rulebook(here)
    proposal(here / "a.yaml")
    proposal(here / "b.yaml")
    first = sarif("a.yaml", "b.yaml", "--rules", str(rules))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["govcheckFinding/v1"] for r in first]
    assert len(set(prints)) == 2  # same rule, two files
    # Lines added above the finding move it from line 19 to 22; it is the same finding.
    text = (here / "a.yaml").read_text(encoding="utf-8")
    (here / "a.yaml").write_text(
        text.replace("title: Test proposal\n", "title: Test proposal\n# a\n# b\n# c\n")
    )
    again = sarif("a.yaml", "b.yaml", "--rules", str(rules))["runs"][0]["results"]
    assert again[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 22
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in first]


def test_paths_are_relative_to_a_source_root_that_is_defined(here) -> None:
    rules = mini_rulebook(here)
    proposal(here / "a.yaml")
    run_ = sarif("a.yaml", "--rules", str(rules))["runs"][0]
    root = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == here.resolve().as_uri() + "/"
    location = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"}


def test_help_uri_points_at_the_rule_reference_entry(here) -> None:
    proposal(here / "a.yaml")
    rules = sarif("a.yaml")["runs"][0]["tool"]["driver"]["rules"]
    reference = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', reference))
    for rule in rules:
        base, _, anchor = rule["helpUri"].partition("#")
        assert base == "https://github.com/govcheck/govcheck/blob/main/docs/rules.md"
        assert anchor == rule["id"].lower() and anchor in anchors, rule["id"]
    # The anchor stands just above the rule's own heading.
    assert '<a id="coi-001"></a>\n\n### COI-001: ' in reference
    assert '<a id="schema"></a>\n\n### SCHEMA: ' in reference


def test_a_custom_rulebook_links_no_rule_to_the_bundled_reference(here) -> None:
    rules = mini_rulebook(here)
    proposal(here / "a.yaml")
    described = sarif("a.yaml", "--rules", str(rules))["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in described}
    assert "helpUri" not in by_id["COI-001"]  # the bundled entry may say something else
    assert by_id["SCHEMA"]["helpUri"].endswith("#schema")


# -- GitHub -----------------------------------------------------------------------------


def test_waived_notice_names_the_severity_with_the_right_article(here) -> None:
    rules = mini_rulebook(here)
    proposal(here / "w.yaml", extra=WAIVER.format(expires="2012-06-30"))
    _, out, _ = run("check", "w.yaml", "--rules", str(rules), "--format", "github")
    (line,) = out.splitlines()
    assert line.startswith("::notice ")
    assert "(an error that does not fail the check while the waiver is live)" in line
    assert "a error" not in line


def test_sarif_stays_whole_for_a_name_that_is_not_utf8_and_a_symlink_loop(here) -> None:
    # Found by bench/fuzz.py: quote() refused the surrogate escapes of a non-UTF-8 name,
    # and resolving a looping link raised RuntimeError on Python 3.11; either stopped
    # the report half way.
    rules = mini_rulebook(here)
    d = here / "batch"
    d.mkdir()
    raw = os.fsencode(d) + b"/caf\xe9.yaml"
    with open(raw, "wb") as handle:
        handle.write((proposal(here / "p.yaml")).read_bytes())
    os.symlink("loop-b.yaml", d / "loop-a.yaml")
    os.symlink("loop-a.yaml", d / "loop-b.yaml")
    code, out, _ = run("check", str(d), "--rules", str(rules), "--format", "sarif")
    assert code == 2  # the looping links could not be read; everything else was
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert "batch/caf%E9.yaml" in uris
    assert {"batch/loop-a.yaml", "batch/loop-b.yaml"} <= uris
