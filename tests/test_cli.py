"""The command line as a person and a pipeline use it: output, exit codes, many files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rulekit
import yaml
from click.testing import CliRunner

from govcheck import __version__
from govcheck.cli import main
from govcheck.resources import data_dir

RULES = data_dir("rules")

COOP = rulekit.proposal(
    provider={"legal_form": "co_operative_society", "charitable_status": "applying"},
    staff_transfer={"nhs_staff": 300, "pension": {"nhs_pension_access": "direction_status",
                                                  "direction_status": "applied"}},
)


def write(path: Path, data: dict) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


def test_text_report_shows_rule_place_reasons_remedy_and_source(tmp_path) -> None:
    path = write(tmp_path / "coop.yaml", COOP)
    result = run("check", path)
    assert result.exit_code == 1
    out = result.stdout
    assert "WARNING PEN-002" in out and "Co-operative relying on direction status" in out
    line = next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1) if "pension:" in t)
    assert f"{path}:{line}:" in out
    assert "staff_transfer.nhs_staff is 300 (more than 0)" in out
    assert "what to do:" in out
    assert "000_c1c7c90f00c43813.txt line 557" in out
    assert "Will not qualify as an NHS pension provider" in out
    assert "govcheck: 1 file checked" in result.stderr


def test_json_report_has_the_contract_structure(tmp_path) -> None:
    result = run("check", write(tmp_path / "coop.yaml", COOP), "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) == {"tool", "rulebook", "results", "summary"}
    assert report["tool"] == {"name": "govcheck", "version": __version__}
    assert report["rulebook"]["digest"].startswith("sha256:")
    [res] = report["results"]
    assert set(res) == {"file", "proposal", "as_at", "valid", "findings"}
    assert res["proposal"] == "t" and res["as_at"] == "2009-10-01" and res["valid"] is True
    pen = next(f for f in res["findings"] if f["rule"] == "PEN-002")
    assert set(pen) == {"rule", "severity", "topic", "title", "message", "location", "sources",
                        "because", "why", "remedy", "waived"}
    # JSON findings carry the rule's why and remedy, as the rule file states them
    [rule] = [r for r in yaml.safe_load((RULES / "pensions.yaml").read_text())["rules"]
              if r["id"] == "PEN-002"]
    assert " ".join(pen["why"].split()) == " ".join(rule["why"].split())
    assert " ".join(pen["remedy"].split()) == " ".join(rule["remedy"].split())
    assert pen["location"]["path"] == "/staff_transfer/pension"
    assert pen["sources"][0]["line"] == 557 and pen["waived"] is None
    assert report["summary"]["files"] == 1 and report["summary"]["error"] >= 1


def test_exit_0_for_a_sound_proposal(tmp_path) -> None:
    result = run("check", write(tmp_path / "ok.yaml", rulekit.proposal()), "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["error"] == 0


def test_findings_are_sorted_by_severity_then_rule(tmp_path) -> None:
    result = run("check", write(tmp_path / "coop.yaml", COOP), "--format", "json")
    findings = json.loads(result.stdout)["results"][0]["findings"]
    rank = {"error": 0, "warning": 1, "info": 2}
    keys = [(rank[f["severity"]], f["rule"]) for f in findings]
    assert keys == sorted(keys)


def test_many_files_directory_and_stdin_in_sorted_order(tmp_path) -> None:
    write(tmp_path / "b.yaml", rulekit.proposal(id="b"))
    write(tmp_path / "a.yaml", rulekit.proposal(id="a"))
    (tmp_path / "c.json").write_text(json.dumps(rulekit.proposal(id="c")))
    (tmp_path / "notes.txt").write_text("not a proposal")
    stdin = yaml.safe_dump(rulekit.proposal(id="s"))
    result = run("check", str(tmp_path), "-", "--format", "json", stdin=stdin)
    files = [r["file"] for r in json.loads(result.stdout)["results"]]
    assert files == [str(tmp_path / n) for n in ("a.yaml", "b.yaml", "c.json")] + ["<stdin>"]


def test_a_malformed_file_is_reported_and_the_others_still_checked(tmp_path) -> None:
    (tmp_path / "a-bad.yaml").write_text("govcheck: 1\nid: x\nid: y\n")
    write(tmp_path / "b-good.yaml", COOP)
    result = run("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    bad, good = json.loads(result.stdout)["results"]
    assert bad["valid"] is False
    [finding] = bad["findings"]
    assert finding["rule"] == "SCHEMA" and finding["topic"] == "schema"
    assert finding["location"]["line"] == 3 and "id" in finding["message"]
    assert good["valid"] is True and any(f["rule"] == "PEN-002" for f in good["findings"])


def test_in_a_long_run_later_invalid_files_get_the_same_messages(tmp_path) -> None:
    # After the first file a batch takes a fast schema check; a file it refuses must
    # still get jsonschema's located, plain-word findings.
    for i in range(3):
        write(tmp_path / f"a{i}.yaml", rulekit.proposal(id=f"a{i}"))
    write(tmp_path / "b.yaml", rulekit.proposal(id="b", as_at="2009-02-30"))
    write(tmp_path / "c.yaml", rulekit.proposal(id="c", provider={"legal_form": "cic"}))
    result = run("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    by_file = {Path(r["file"]).stem: r for r in json.loads(result.stdout)["results"]}
    assert [by_file[f"a{i}"]["valid"] for i in range(3)] == [True, True, True]
    [date] = by_file["b"]["findings"]
    assert date["rule"] == "SCHEMA" and "not a real calendar date" in date["message"]
    assert date["location"]["path"] == "/as_at"
    [form] = by_file["c"]["findings"]
    assert "community_interest_company" in form["message"]  # the allowed values


def test_schema_errors_come_all_at_once_with_lines(tmp_path) -> None:
    text = (
        "govcheck: 1\nid: x\ntitle: T\ncommissioners:\n  - {id: pct, name: P, type: pct}\n"
        "provider:\n  name: N\n  model: social_enterprise\n"
        "  legal_form: community_interest_company\n"
        "  asset_lok: statutory\n  membership:\n    open: yes\n"
    )
    (tmp_path / "p.yaml").write_text(text)
    result = run("check", str(tmp_path / "p.yaml"), "--format", "json")
    findings = json.loads(result.stdout)["results"][0]["findings"]
    by_line = {f["location"]["line"]: f["message"] for f in findings}
    assert "primary_care_trust" in by_line[5]  # the allowed values are listed
    assert "did you mean `asset_lock`" in by_line[10]
    assert "write true or false" in by_line[12]


def test_dangling_reference_is_a_schema_finding_at_its_line(tmp_path) -> None:
    data = rulekit.proposal(contract={"route": "competitive_tender", "counterparty": "nowhere"})
    path = write(tmp_path / "p.yaml", data)
    result = run("check", path, "--format", "json")
    [finding] = json.loads(result.stdout)["results"][0]["findings"]
    line = next(i for i, t in enumerate(Path(path).read_text().splitlines(), 1)
                if "counterparty" in t)
    assert finding["rule"] == "SCHEMA" and finding["location"]["line"] == line
    assert "nowhere" in finding["message"] and "pct" in finding["message"]


def test_as_at_option_overrides_and_selects_rules(tmp_path) -> None:
    path = write(tmp_path / "coop.yaml", COOP)
    seed_era = json.loads(run("check", path, "--format", "json").stdout)
    later = json.loads(run("check", path, "--format", "json", "--as-at", "2016-01-01").stdout)
    assert later["results"][0]["as_at"] == "2016-01-01"
    rules = {f["rule"] for f in seed_era["results"][0]["findings"]}
    assert "PEN-002" in rules  # Direction Status era rule
    assert "PEN-002" not in {f["rule"] for f in later["results"][0]["findings"]}


def test_usage_errors_exit_2_with_one_line(tmp_path) -> None:
    missing = run("check", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad_date = run("check", str(tmp_path), "--as-at", "2009-02-30")
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr
    empty = run("check", str(tmp_path))
    assert empty.exit_code == 2 and "no proposal files" in empty.stderr


def test_validate_runs_the_schema_step_alone(tmp_path) -> None:
    ok = run("validate", write(tmp_path / "ok.yaml", COOP))
    assert ok.exit_code == 0 and "valid proposal" in ok.stdout
    (tmp_path / "bad.yaml").write_text("govcheck: 1\nid: Bad Id\n")
    bad = run("validate", str(tmp_path / "bad.yaml"))
    assert bad.exit_code == 1 and "bad.yaml:2:" in bad.stdout


def test_schema_command_prints_the_proposal_schema_and_docs() -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["$schema"].endswith("2020-12/schema") and "provider" in schema["properties"]
    docs = run("schema", "--docs").stdout
    assert "| `provider.legal_form` |" in docs and "community_interest_company" in docs


def test_rules_listing_in_json_carries_sources_dates_and_place() -> None:
    listing = json.loads(run("rules", "--format", "json").stdout)
    pen = next(r for r in listing if r["id"] == "PEN-002")
    assert set(pen) == {"id", "title", "severity", "topic", "basis", "verified", "valid_from",
                        "valid_to", "dated_by", "sources", "file", "line"}
    assert {s["kind"] for s in pen["sources"]} == {"seed"}
    assert pen["valid_to"] == "2013-10-03" and pen["file"].endswith("pensions.yaml")
    assert pen["sources"][0]["quote"].startswith("Will not qualify")


def test_version_and_help_with_examples() -> None:
    assert __version__ in run("--version").stdout
    for command in ("check", "validate", "schema", "rules", "test"):
        out = run(command, "--help").stdout
        assert "Example" in out, command


def test_committed_rule_reference_is_up_to_date() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    generated = run("rules", "--format", "markdown").stdout
    assert docs.read_text(encoding="utf-8") == generated, (
        "docs/rules.md is out of date: run `govcheck rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("value", ["2014-W01-1", "20140101", "2014-1-1", "2014-02-30", "2014-001"])
def test_as_at_takes_yyyy_mm_dd_only(tmp_path, value) -> None:
    result = run("check", write(tmp_path / "p.yaml", COOP), "--as-at", value)
    assert result.exit_code == 2 and "write YYYY-MM-DD" in result.stderr


def test_a_file_named_like_an_option_is_refused_not_obeyed(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "p.yaml", COOP)
    (tmp_path / "w.yaml").write_text(
        "- rule: PEN-002\n  reason: Slipped in\n  approved_by: Nobody\n  expires: 2099-12-31\n"
    )
    write(tmp_path / "--waivers=w.yaml", COOP)
    write(tmp_path / "-op.yaml", COOP)
    for hostile in ("--waivers=w.yaml", "-op.yaml"):
        result = run("check", hostile, "p.yaml")
        assert result.exit_code == 2 and result.stdout == ""
        assert f"'{hostile}' is the name of a file here" in result.stderr
    assert Path("p.yaml").read_text().startswith("govcheck: 1")
    # After `--` such names are files like any other.
    result = run("check", "--format", "json", "--", "--waivers=w.yaml", "-op.yaml", "p.yaml")
    assert result.exit_code == 1
    findings = [f for r in json.loads(result.stdout)["results"] for f in r["findings"]]
    assert not any(f["waived"] for f in findings if f["rule"] == "PEN-002")


def test_a_report_is_never_written_over_a_proposal(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    proposal = Path(write(tmp_path / "p.yaml", COOP))
    other = Path(write(tmp_path / "other.yaml", COOP))
    before = proposal.read_bytes(), other.read_bytes()
    into_input = run("check", "p.yaml", "-o", "p.yaml", "--force")
    assert into_input.exit_code == 2 and "one of the proposals being checked" in into_input.stderr
    into_other = run("check", "p.yaml", "--format", "json:other.yaml")
    assert into_other.exit_code == 2 and "looks like a proposal" in into_other.stderr
    assert (proposal.read_bytes(), other.read_bytes()) == before
    forced = run("check", "p.yaml", "--format", "json", "-o", "other.yaml", "--force")
    assert forced.exit_code == 1 and json.loads(other.read_text())["summary"]["files"] == 1
    # The last run's report is replaced without --force.
    again = run("check", "p.yaml", "--format", "json", "-o", "other.yaml")
    assert again.exit_code == 1
