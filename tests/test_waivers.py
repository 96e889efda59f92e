"""Waivers: in a proposal and in a shared `--waivers FILE` (report-format.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_formats import WAIVER, mini_rulebook, proposal, run


def findings(out: str) -> list[dict]:
    return [f for r in json.loads(out)["results"] for f in r["findings"]]


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    return mini_rulebook(tmp_path)


def test_live_waiver_marks_the_finding_and_the_run_passes(tmp_path, rules) -> None:
    bare = proposal(tmp_path / "bare.yaml")
    code, out, _ = run("check", str(bare), "--rules", str(rules), "--format", "json")
    assert code == 1 and [f["rule"] for f in findings(out)] == ["COI-001"]

    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-06-30"))
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 0
    (f,) = findings(out)
    assert f["rule"] == "COI-001"
    assert f["waived"] == {
        "reason": "Exemption letter of 2011-12-01",
        "approved_by": "PCT board, minute 2011/42",
        "expires": "2012-06-30",
    }
    assert json.loads(out)["summary"]["waived"] == 1
    assert json.loads(out)["summary"]["error"] == 0


def test_waiver_is_live_on_its_expiry_date_and_expired_the_day_after(tmp_path, rules) -> None:
    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-03-31"))
    base = ("check", str(p), "--rules", str(rules), "--format", "json")

    code, out, _ = run(*base, "--as-at", "2012-03-31")
    assert code == 0
    assert [(f["rule"], f["waived"] is not None) for f in findings(out)] == [("COI-001", True)]

    code, out, _ = run(*base, "--as-at", "2012-04-01")
    assert code == 1
    got = {f["rule"]: f for f in findings(out)}
    assert set(got) == {"COI-001", "WAIVER-EXPIRED"}
    assert got["COI-001"]["waived"] is None
    expired = got["WAIVER-EXPIRED"]
    assert expired["severity"] == "warning" and expired["topic"] == "waiver"
    assert expired["location"]["line"] == 21  # the waiver's `- rule:` line
    assert "2012-03-31" in expired["message"] and "COI-001" in expired["message"]
    assert expired["sources"] == []


def test_waiver_naming_an_unknown_rule_is_a_schema_error_at_its_rule_line(tmp_path, rules) -> None:
    p = proposal(
        tmp_path / "p.yaml",
        recused=True,
        extra=WAIVER.format(expires="2012-06-30").replace("COI-001", "COI-777"),
    )
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 1
    (f,) = findings(out)
    assert (f["rule"], f["severity"], f["topic"]) == ("SCHEMA", "error", "schema")
    assert f["location"]["line"] == 21 and f["location"]["path"] == "/waivers/0/rule"
    assert "COI-777" in f["message"]
    assert json.loads(out)["results"][0]["valid"] is False
    # `govcheck validate` sees it too
    code, out, _ = run("validate", str(p), "--rules", str(rules))
    assert code == 1 and ":21:" in out


def write_shared(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_shared_waivers_apply_only_to_matching_proposal_ids(tmp_path, rules) -> None:
    a = proposal(tmp_path / "a.yaml", pid="northtown-cic")
    b = proposal(tmp_path / "b.yaml", pid="southvale-coop")
    c = proposal(tmp_path / "c.yaml", pid="northgate-trust")
    shared = write_shared(
        tmp_path / "waivers.yaml",
        "# accepted risks, board of 2011-12-01\n"
        "- rule: COI-001\n"
        "  reason: Interim arrangement agreed with the SHA\n"
        "  approved_by: SHA board\n"
        "  expires: 2012-12-31\n"
        "  proposals: [north*-cic, northgate-trust]\n",
    )
    args = ("check", str(a), str(b), str(c), "--rules", str(rules), "--format", "json")
    code, out, _ = run(*args, "--waivers", str(shared))
    assert code == 1  # southvale is not covered
    waived = {
        r["proposal"]: [f["waived"] is not None for f in r["findings"]]
        for r in json.loads(out)["results"]
    }
    assert waived == {"northtown-cic": [True], "southvale-coop": [False], "northgate-trust": [True]}
    cover = json.loads(out)["results"][0]["findings"][0]["waived"]
    assert cover["reason"] == "Interim arrangement agreed with the SHA"


def test_shared_waivers_without_proposals_cover_every_proposal(tmp_path, rules) -> None:
    a = proposal(tmp_path / "a.yaml", pid="one")
    b = proposal(tmp_path / "b.yaml", pid="two")
    shared = write_shared(
        tmp_path / "w.yaml",
        "- rule: COI-001\n  reason: Accepted everywhere\n  approved_by: Board\n"
        "  expires: 2012-12-31\n",
    )
    code, out, err = run("check", str(a), str(b), "--rules", str(rules), "--waivers", str(shared))
    assert code == 0
    assert "2 waived" in err


def test_expired_shared_waiver_is_a_warning_naming_its_file_and_line(tmp_path, rules) -> None:
    p = proposal(tmp_path / "p.yaml")
    shared = write_shared(
        tmp_path / "w.yaml",
        "\n- rule: COI-001\n  reason: Old approval\n  approved_by: Board\n  expires: 2011-12-31\n",
    )
    code, out, _ = run(
        "check", str(p), "--rules", str(rules), "--waivers", str(shared), "--format", "json"
    )
    assert code == 1
    got = {f["rule"]: f for f in findings(out)}
    assert got["COI-001"]["waived"] is None
    assert "w.yaml (line 2)" in got["WAIVER-EXPIRED"]["message"]


BROKEN = {
    "bad yaml": ("- rule: COI-001\n  reason: broken: here\n", 2, "YAML"),
    "unknown rule": (
        "- rule: COI-001\n  reason: Fine reason\n  approved_by: Board\n  expires: 2012-12-31\n"
        "- rule: COI-404\n  reason: Fine reason\n  approved_by: Board\n  expires: 2012-12-31\n",
        5,
        "COI-404",
    ),
    "missing reason": (
        "# header\n- rule: COI-001\n  approved_by: Board\n  expires: 2012-12-31\n",
        2,
        "reason",
    ),
    "bad date": (
        "- rule: COI-001\n  reason: Fine reason\n  approved_by: Board\n  expires: 2012-02-30\n",
        4,
        "2012-02-30",
    ),
    "unknown field": (
        "- rule: COI-001\n  reason: Fine reason\n  approved_by: Board\n  expires: 2012-12-31\n"
        "  aproved_on: 2012-01-01\n",
        5,
        "aproved_on",
    ),
    "not a list": ("rule: COI-001\nreason: Fine reason\n", 1, "list"),
    "empty": ("# nothing yet\n", 1, "empty"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_shared_waivers_file_exits_2_with_file_and_line(tmp_path, rules, case) -> None:
    text, line, word = BROKEN[case]
    shared = write_shared(tmp_path / "team-waivers.yaml", text)
    p = proposal(tmp_path / "p.yaml")
    code, out, err = run("check", str(p), "--rules", str(rules), "--waivers", str(shared))
    assert code == 2
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"team-waivers.yaml:{line}:" in err
    assert word in err


def test_missing_shared_waivers_file_exits_2(tmp_path, rules) -> None:
    p = proposal(tmp_path / "p.yaml")
    code, _, err = run("check", str(p), "--rules", str(rules), "--waivers", "nope.yaml")
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err


def test_json_waivers_file_is_accepted(tmp_path, rules) -> None:
    p = proposal(tmp_path / "p.yaml")
    shared = write_shared(
        tmp_path / "w.json",
        '[{"rule": "COI-001", "reason": "Fine reason", "approved_by": "Board",'
        ' "expires": "2012-12-31"}]',
    )
    assert run("check", str(p), "--rules", str(rules), "--waivers", str(shared))[0] == 0
