"""The pipeline formats (SARIF, JUnit, GitHub), --output, --fail-on and exit codes.

Most tests run on a small rulebook written here (COI-001 copied from the bundled one,
plus a warning and an info rule of our own), so their findings do not move when rule
authors add rules to the bundled rulebook.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from beside import NO_MULTITOOL, NO_SARIF_SCHEMA, multitool, sarif_schemas
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from govcheck.checker import Checker
from govcheck.cli import main
from govcheck.render import FORMATS, renderer
from govcheck.resources import data_dir
from govcheck.rulebook import load_rulebook

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def mini_rulebook(root: Path) -> Path:
    """COI-001 (error) from the bundled rulebook, COI-901 (warning), COI-902 (info)."""
    rules = root / "rules"
    rules.mkdir()
    bundled = data_dir("rules")
    # The registry names dates (applies_from) that values.yaml defines.
    for name in ("sources.yaml", "values.yaml"):
        (rules / name).write_bytes((bundled / name).read_bytes())
    coi = next(
        r
        for r in yaml.safe_load((bundled / "conflict-of-interest.yaml").read_text())["rules"]
        if r["id"] == "COI-001"
    )
    source = json.dumps(coi["sources"][0])
    (rules / "coi.yaml").write_text(
        "rules:\n"
        "  - id: COI-001\n"
        f"    title: {json.dumps(coi['title'])}\n"
        "    severity: error\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      all:\n"
        "        - conflicts_of_interest[].declared: true\n"
        "        - conflicts_of_interest[].recused: false\n"
        "    points_at: conflicts_of_interest[].recused\n"
        '    message: "{conflicts_of_interest[].person} has not stepped out."\n'
        "    remedy: Record that the person withdraws from the decision.\n"
        f"    sources: [{source}]\n"
        "  - id: COI-901\n"
        "    title: Shareholder interest\n"
        "    severity: warning\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      conflicts_of_interest[].interest: shareholder\n"
        '    message: "{conflicts_of_interest[].person} holds shares."\n'
        "    remedy: Say how the shareholding is managed.\n"
        f"    sources: [{source}]\n"
        "  - id: COI-902\n"
        "    title: 'Family interest, for context: note'\n"
        "    severity: info\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      conflicts_of_interest[].interest: family\n"
        '    message: "{conflicts_of_interest[].person} has a family interest."\n'
        "    remedy: Nothing to do.\n"
        f"    sources: [{source}]\n",
        encoding="utf-8",
    )
    return rules


def proposal(
    path: Path,
    *,
    interest: str = "director",
    recused: bool = False,
    person: str = "Dr A",
    pid: str = "test-proposal",
    extra: str = "",
) -> Path:
    """A valid proposal; its one declaration is at line 14, `recused` at line 19."""
    path.write_text(
        "govcheck: 1\n"
        f"id: {pid}\n"
        "title: Test proposal\n"
        "as_at: 2012-01-01\n"
        "commissioners:\n"
        "  - id: pct\n"
        "    name: Test PCT\n"
        "    type: primary_care_trust\n"
        "provider:\n"
        "  name: Test CIC\n"
        "  model: social_enterprise\n"
        "  legal_form: community_interest_company\n"
        "conflicts_of_interest:\n"
        f"  - person: {json.dumps(person)}\n"
        "    commissioner_role: board member\n"
        "    commissioner: pct\n"
        f"    interest: {interest}\n"
        "    declared: true\n"
        f"    recused: {'true' if recused else 'false'}\n" + extra,
        encoding="utf-8",
    )
    return path


WAIVER = (
    "waivers:\n"
    "  - rule: COI-001\n"
    "    reason: Exemption letter of 2011-12-01\n"
    "    approved_by: PCT board, minute 2011/42\n"
    "    expires: {expires}\n"
)


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A directory with every kind of finding: error, warning, info, waived, expired
    waiver, and a malformed file; the working directory is tmp_path."""
    monkeypatch.chdir(tmp_path)
    rules = mini_rulebook(tmp_path)
    d = tmp_path / "proposals"
    d.mkdir()
    proposal(d / "a-error.yaml")
    proposal(d / "b-warning.yaml", interest="shareholder", recused=True)
    proposal(d / "c-info.yaml", interest="family", recused=True)
    proposal(d / "d-waived.yaml", extra=WAIVER.format(expires="2012-06-30"))
    proposal(d / "e-expired.yaml", extra=WAIVER.format(expires="2011-12-31"))
    (d / "f-broken.yaml").write_text("govcheck: 1\nid: one\nid: two\n", encoding="utf-8")
    return rules, d


def sarif_of(rules: Path, d: Path) -> dict:
    code, out, _ = run("check", "proposals", "--rules", str(rules), "--format", "sarif")
    assert code == 1
    return json.loads(out)


# -- SARIF ---------------------------------------------------------------------------


def test_sarif_is_valid_against_the_published_schema(batch) -> None:
    schemas = sarif_schemas()
    if not schemas:
        pytest.skip(NO_SARIF_SCHEMA)
    doc = sarif_of(*batch)
    for name, schema in schemas.items():
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
        assert errors == [], f"{name} schema: {errors[:5]}"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1


def test_the_sarif_multitool_finds_nothing_wrong_with_the_sarif(batch, tmp_path) -> None:
    tool = multitool()
    if tool is None:
        pytest.skip(NO_MULTITOOL)
    ours = tmp_path / "govcheck.sarif"
    ours.write_text(json.dumps(sarif_of(*batch)), encoding="utf-8")
    # A log the validator must refuse, so a validator that checks nothing cannot pass.
    control = tmp_path / "control.sarif"
    control.write_text(
        json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "bogus": 1}]}),
        encoding="utf-8",
    )
    verdict = tmp_path / "validation.sarif"
    proc = subprocess.run(
        [str(tool), "validate", str(ours), str(control), "--output", str(verdict),
         "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
             "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert proc.returncode == 0 and verdict.is_file(), proc.stdout[-2000:] + proc.stderr[-2000:]
    found: dict[str, list[str]] = {"govcheck.sarif": [], "control.sarif": []}
    for r in json.loads(verdict.read_text(encoding="utf-8"))["runs"][0]["results"]:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        args = r["message"].get("arguments", [])
        found[uri.rsplit("/", 1)[-1]].append(f"{r['ruleId']} {r.get('level', 'warning')} {args}")
    assert found["govcheck.sarif"] == []
    assert any(f.startswith("JSON1005 error") for f in found["control.sarif"])


def test_every_sarif_result_has_a_relative_physical_location_with_a_line(batch) -> None:
    run_ = sarif_of(*batch)["runs"][0]
    results = run_["results"]
    uris = set()
    for r in results:
        phys = r["locations"][0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri
        assert phys["region"]["startLine"] >= 1 and phys["region"]["startColumn"] >= 1
        uris.add(uri)
    assert uris == {f"proposals/{n}.yaml" for n in "a-error b-warning c-info d-waived".split()} | {
        "proposals/e-expired.yaml",
        "proposals/f-broken.yaml",
    }
    by_uri = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] + " " + r["ruleId"]: r
        for r in results
    }
    coi = by_uri["proposals/a-error.yaml COI-001"]
    assert coi["level"] == "error"
    assert coi["locations"][0]["physicalLocation"]["region"]["startLine"] == 19
    assert coi["message"]["text"] == "Dr A has not stepped out."
    assert by_uri["proposals/b-warning.yaml COI-901"]["level"] == "warning"
    assert by_uri["proposals/c-info.yaml COI-902"]["level"] == "note"
    assert by_uri["proposals/f-broken.yaml SCHEMA"]["level"] == "error"
    expired = by_uri["proposals/e-expired.yaml WAIVER-EXPIRED"]
    assert expired["level"] == "warning"
    assert expired["locations"][0]["physicalLocation"]["region"]["startLine"] == 21


def test_sarif_rule_index_points_at_the_rule_and_reserved_ids_have_rules(batch) -> None:
    run_ = sarif_of(*batch)["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    reserved = {"SCHEMA", "WAIVER-EXPIRED", "WAIVER-UNUSED", "WAIVER-ID-CLASH", "LAW-CURRENCY"}
    assert {"COI-001", "COI-901", "COI-902"} | reserved == set(ids)
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels == {
        "COI-001": "error",
        "COI-901": "warning",
        "COI-902": "note",
        "SCHEMA": "error",
        "WAIVER-EXPIRED": "warning",
        "WAIVER-UNUSED": "note",
        "WAIVER-ID-CLASH": "warning",
        "LAW-CURRENCY": "note",
    }


def test_sarif_waived_finding_is_an_external_suppression_with_the_reason(batch) -> None:
    results = sarif_of(*batch)["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert len(waived) == 1
    loc = waived[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert loc == "proposals/d-waived.yaml"
    (sup,) = waived[0]["suppressions"]
    assert sup["kind"] == "external"
    assert sup["justification"] == "Exemption letter of 2011-12-01"
    assert sup["properties"]["approved_by"] == "PCT board, minute 2011/42"
    assert sup["properties"]["expires"] == "2012-06-30"
    # the expired waiver suppresses nothing: that file's COI-001 is an open error
    open_ = [r for r in results if "suppressions" not in r and r["ruleId"] == "COI-001"]
    assert len(open_) == 2


def test_sarif_rules_of_the_bundled_rulebook_carry_help_and_source_quotes(tmp_path) -> None:
    p = proposal(tmp_path / "p.yaml")
    code, out, _ = run("check", str(p), "--format", "sarif")
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    book = load_rulebook()
    reserved = {"SCHEMA", "WAIVER-EXPIRED", "WAIVER-UNUSED", "WAIVER-ID-CLASH", "LAW-CURRENCY"}
    assert set(book.rules) | reserved == set(rules)
    for rid in ("CHAR-001", "PEN-002", "COI-001"):
        rule, sarif = book.rules[rid], rules[rid]
        assert sarif["shortDescription"]["text"] == rule.title
        source = rule.sources[0]
        for form in ("text", "markdown"):
            assert source["document"] in sarif["help"][form]
            assert f"line {source['line']}" in sarif["help"][form]
        assert source["quote"] in sarif["help"]["text"]
        props = sarif["properties"]
        assert props["topic"] == rule.topic
        assert props["valid_to"] == rule.valid_to
        assert props["sources"][0]["quote"] == source["quote"]
    assert rules["PEN-002"]["properties"]["valid_to"] == "2013-10-03"


def test_sarif_streams_each_result_before_the_run_is_finished(tmp_path) -> None:
    rulebook = load_rulebook(mini_rulebook(tmp_path))
    checker = Checker(rulebook)
    out = io.StringIO()
    render = renderer("sarif", out, rulebook=rulebook)
    render.start(*checker.header)
    render.result(checker.check_path(proposal(tmp_path / "p.yaml")))
    assert '"ruleId": "COI-001"' in out.getvalue()  # written already, before finish()
    from govcheck.model import Summary

    render.finish(Summary())
    assert json.loads(out.getvalue())["runs"][0]["results"][0]["ruleId"] == "COI-001"


# -- JUnit ---------------------------------------------------------------------------


def test_junit_has_one_suite_per_file_and_one_case_per_rule(batch) -> None:
    rules, d = batch
    code, out, _ = run("check", "proposals", "--rules", str(rules), "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    assert names == sorted(str(p.relative_to(d.parent)) for p in d.iterdir())
    by_name = {s.get("name"): s for s in suites}

    def cases(name: str) -> dict[str, ET.Element]:
        return {c.get("name").split()[0]: c for c in by_name[name].findall("testcase")}

    err = cases("proposals/a-error.yaml")
    assert set(err) == {"COI-001", "COI-901", "COI-902"}
    (failure,) = err["COI-001"].findall("failure")
    assert failure.get("message") == "Dr A has not stepped out."
    assert "proposals/a-error.yaml:19" in failure.text
    assert err["COI-901"].find("failure") is None and err["COI-901"].find("skipped") is None
    assert by_name["proposals/a-error.yaml"].get("failures") == "1"
    assert by_name["proposals/a-error.yaml"].get("tests") == "3"

    # below --fail-on (error): listed as skipped, not failed
    assert cases("proposals/b-warning.yaml")["COI-901"].find("skipped") is not None
    assert cases("proposals/c-info.yaml")["COI-902"].find("skipped") is not None
    code, out, _ = run("check", "proposals", "--rules", str(rules), "--format", "junit",
                       "--fail-on", "info")  # fmt: skip
    by_name = {s.get("name"): s for s in ET.fromstring(out).findall("testsuite")}
    assert cases("proposals/b-warning.yaml")["COI-901"].find("failure").get("type") == "warning"
    assert cases("proposals/c-info.yaml")["COI-902"].find("failure").get("type") == "info"

    skipped = cases("proposals/d-waived.yaml")["COI-001"].find("skipped")
    assert "Exemption letter of 2011-12-01" in skipped.get("message")
    assert cases("proposals/d-waived.yaml")["COI-001"].find("failure") is None

    broken = cases("proposals/f-broken.yaml")
    assert list(broken) == ["SCHEMA"]
    assert broken["SCHEMA"].find("error").get("message").startswith("line 3: duplicate key")
    assert by_name["proposals/f-broken.yaml"].get("errors") == "1"


def test_junit_escapes_proposal_text(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = mini_rulebook(tmp_path)
    nasty = 'Dr <b>A</b> & "Sons" ]]> \x01'
    proposal(tmp_path / "p.yaml", person=nasty)
    code, out, _ = run("check", "p.yaml", "--rules", str(rules), "--format", "junit")
    root = ET.fromstring(out)  # parses: nothing unescaped, no control character
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message").startswith('Dr <b>A</b> & "Sons" ]]> ')
    assert "<b>" not in out


# -- GitHub --------------------------------------------------------------------------


def test_github_lines_carry_file_line_and_severity(batch) -> None:
    rules, _ = batch
    code, out, _ = run("check", "proposals", "--rules", str(rules), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    for line in lines:
        props = line.split("::")[1].split(" ", 1)[1]
        keys = dict(p.split("=", 1) for p in props.split(","))
        assert keys["file"].startswith("proposals/") and int(keys["line"]) >= 1
    assert "::error file=proposals/a-error.yaml,line=19,col=5,title=COI-001 " in out
    assert any(
        line.startswith("::warning file=proposals/b-warning.yaml,") and "COI-901" in line
        for line in lines
    )
    # info is a notice; its title's comma and colon are escaped as GitHub requires
    assert "title=COI-902 Family interest%2C for context%3A note::" in out
    waived = [line for line in lines if "d-waived.yaml" in line]
    assert len(waived) == 1 and waived[0].startswith("::notice ") and "waived" in waived[0]


def test_github_escapes_newlines_and_percent_in_messages(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = mini_rulebook(tmp_path)
    proposal(tmp_path / "p.yaml", person="Dr A 100%\nsecond line")
    code, out, _ = run("check", "p.yaml", "--rules", str(rules), "--format", "github")
    (line,) = out.splitlines()
    # Text safety: a line break from the proposal is shown as `\n`;
    # the annotation's own line breaks (between message and remedy) stay %0A.
    message = line.split("::", 2)[2]
    assert message.startswith("Dr A 100%25\\nsecond line has not stepped out.%0AWhat to do:")


# -- --output, summary, exit codes ---------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_file_is_written_for_every_format(batch, fmt) -> None:
    rules, d = batch
    target = d.parent / f"report.{fmt}"
    code, out, err = run(
        "check", "proposals", "--rules", str(rules), "--format", fmt, "--output", str(target)
    )
    assert code == 1
    assert out == ""
    text = target.read_text(encoding="utf-8")
    assert "a-error.yaml" in text and "COI-001" in text
    assert err.strip().splitlines()[-1].startswith("govcheck: 6 files checked, 1 invalid;")


def test_text_output_ends_with_a_summary_line_on_stderr(batch) -> None:
    rules, _ = batch
    code, out, err = run("check", "proposals", "--rules", str(rules))
    assert err.strip() == (
        "govcheck: 6 files checked, 1 invalid; 3 error, 2 warning, 1 info, 1 waived"
    )
    assert "govcheck: 6 files" not in out


@pytest.mark.parametrize(
    ("interest", "fail_on", "code"),
    [
        ("shareholder", "error", 0),
        ("shareholder", "warning", 1),
        ("shareholder", "info", 1),
        ("shareholder", "never", 0),
        ("family", "error", 0),
        ("family", "warning", 0),
        ("family", "info", 1),
        ("family", "never", 0),
    ],
)
def test_fail_on_sets_the_threshold(tmp_path, interest, fail_on, code) -> None:
    rules = mini_rulebook(tmp_path)
    p = proposal(tmp_path / "p.yaml", interest=interest, recused=True)
    assert run("check", str(p), "--rules", str(rules), "--fail-on", fail_on)[0] == code


def test_fail_on_never_still_fails_an_invalid_proposal(tmp_path) -> None:
    rules = mini_rulebook(tmp_path)
    good = proposal(tmp_path / "p.yaml")
    assert run("check", str(good), "--rules", str(rules), "--fail-on", "never")[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("govcheck: 1\nid: x\n", encoding="utf-8")
    assert run("check", str(bad), "--rules", str(rules), "--fail-on", "never")[0] == 1


def test_expired_waiver_warning_fails_at_warning_but_not_at_error(tmp_path) -> None:
    rules = mini_rulebook(tmp_path)
    # the only finding left is WAIVER-EXPIRED: recused, so COI-001 does not fire
    p = proposal(tmp_path / "p.yaml", recused=True, extra=WAIVER.format(expires="2011-12-31"))
    assert run("check", str(p), "--rules", str(rules))[0] == 0
    assert run("check", str(p), "--rules", str(rules), "--fail-on", "warning")[0] == 1


def test_missing_path_exits_2_with_one_line(tmp_path) -> None:
    code, out, err = run("check", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "nope.yaml" in err
    assert "Traceback" not in err + out


def _rules_line(rules: Path, name: str, text: str) -> None:
    (rules / name).write_text(text, encoding="utf-8")


BAD_RULES = {
    "unknown operator": (
        "rules:\n"
        "  - id: COI-950\n"
        "    title: Broken rule\n"
        "    severity: error\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      conflicts_of_interest[].declared: {roughly: true}\n"
        "    message: This rule is broken.\n"
        "    remedy: Mend the rule.\n"
        "    sources: [SOURCE]\n",
        7,
        "roughly",
    ),
    "unknown field": (
        "rules:\n"
        "  - id: COI-950\n"
        "    title: Broken rule\n"
        "    severity: error\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      all:\n"
        "        - conflicts_of_interest[].declared: true\n"
        "        - conflicts_of_interest[].declard_on: 2009-01-01\n"
        "    message: This rule is broken.\n"
        "    remedy: Mend the rule.\n"
        "    sources: [SOURCE]\n",
        9,
        "declard_on",
    ),
    "duplicate id": (
        "rules:\n"
        "  - id: COI-001\n"
        "    title: Same id again\n"
        "    severity: error\n"
        "    topic: conflict-of-interest\n"
        "    when:\n"
        "      conflicts_of_interest[].declared: true\n"
        "    message: This rule is broken.\n"
        "    remedy: Mend the rule.\n"
        "    sources: [SOURCE]\n",
        2,
        "COI-001",
    ),
    "bad date": (
        "rules:\n"
        "  - id: COI-950\n"
        "    title: Broken rule\n"
        "    severity: error\n"
        "    topic: conflict-of-interest\n"
        "    valid_from: 2013-02-30\n"
        "    when:\n"
        "      conflicts_of_interest[].declared: true\n"
        "    message: This rule is broken.\n"
        "    remedy: Mend the rule.\n"
        "    sources: [SOURCE]\n",
        6,
        "2013-02-30",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_broken_rules_dir_exits_2_naming_file_and_line(tmp_path, case) -> None:
    rules = mini_rulebook(tmp_path)
    text, line, word = BAD_RULES[case]
    source = yaml.safe_load((rules / "coi.yaml").read_text())["rules"][0]["sources"][0]
    (rules / "zz-broken.yaml").write_text(text.replace("SOURCE", json.dumps(source)))
    p = proposal(tmp_path / "p.yaml")
    code, out, err = run("check", str(p), "--rules", str(rules))
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"zz-broken.yaml:{line}:" in err
    assert word in err


def test_directory_with_a_malformed_and_a_good_file_reports_both_in_order(tmp_path) -> None:
    rules = mini_rulebook(tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    (d / "a-malformed.yaml").write_text("govcheck: 1\n  id: bad: indent\n", encoding="utf-8")
    proposal(d / "b-good.yaml", recused=True)
    code, out, err = run("check", str(d), "--rules", str(rules), "--format", "json")
    assert code == 1
    results = json.loads(out)["results"]
    assert [Path(r["file"]).name for r in results] == ["a-malformed.yaml", "b-good.yaml"]
    assert results[0]["valid"] is False
    assert results[0]["findings"][0]["rule"] == "SCHEMA"
    assert results[0]["findings"][0]["location"]["line"] == 2
    assert results[1]["valid"] is True and results[1]["findings"] == []
    code, out, err = run("check", str(d), "--rules", str(rules))
    assert code == 1
    assert out.index("a-malformed.yaml") < out.index("b-good.yaml")


JSON_KEYS = st.sampled_from(["sources", "quote", "rule", "ünï", 'q"', "1"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(JSON_KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(JSON_VALUES)
def test_json_report_writes_what_json_dumps_with_indent_would(value) -> None:
    # The JSON renderer has its own indenting writer (for speed); consumers that diff
    # reports must see exactly the standard library's text, repeated sources included.
    render = renderer("json", io.StringIO())
    render.start({"name": "govcheck"}, {"rules": 0})
    for pad in ["", "    ", "", "\t", "    "]:  # again, from the memo of sources
        expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad)
        assert render.indented(value, pad) == expected
