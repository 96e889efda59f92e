"""Waivers: in a proposal and in a shared `--waivers FILE` (optionally limited by `proposals:`)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from test_formats import WAIVER, mini_rulebook, proposal, run

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")


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


# -- live by as-at and run date, non-empty reason and approver, WAIVER-UNUSED -------------


def by_rule(out: str) -> dict[str, list[dict]]:
    got: dict[str, list[dict]] = {}
    for f in findings(out):
        got.setdefault(f["rule"], []).append(f)
    return got


def test_a_waiver_expires_at_the_date_of_the_run_too(tmp_path, rules, monkeypatch) -> None:
    # Live at the proposal's as-at date (2012-01-01), but the run is in 2013.
    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-06-30"))
    monkeypatch.setenv("GOVCHECK_TODAY", "2013-01-01")
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 1
    got = by_rule(out)
    assert got["COI-001"][0]["waived"] is None
    [expired] = got["WAIVER-EXPIRED"]
    assert "expired on 2012-06-30, before today (2013-01-01)" in expired["message"]
    assert expired["location"]["line"] == 21
    # On its expiry day it is still live.
    monkeypatch.setenv("GOVCHECK_TODAY", "2012-06-30")
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 0 and by_rule(out)["COI-001"][0]["waived"] is not None


def test_the_library_takes_the_date_of_the_run_as_an_argument(tmp_path, rules) -> None:
    from govcheck.checker import Checker
    from govcheck.rulebook import load_rulebook

    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-06-30"))
    book = load_rulebook(str(rules))
    then = Checker(book, today=datetime.date(2012, 3, 1)).check_path(str(p))
    now = Checker(book, today="2020-01-01").check_path(str(p))
    assert [(f.rule, f.waived is not None) for f in then.findings] == [("COI-001", True)]
    assert {f.rule for f in now.findings} == {"COI-001", "WAIVER-EXPIRED"}


def test_a_bad_date_of_the_run_stops_with_one_line(tmp_path, rules, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_TODAY", "2014-W01-1")
    code, out, err = run("check", str(proposal(tmp_path / "p.yaml")), "--rules", str(rules))
    assert code == 2 and out == ""
    assert err == (
        "govcheck: GOVCHECK_TODAY is '2014-W01-1', which is not a date; write YYYY-MM-DD\n"
    )


@pytest.mark.parametrize("field", ["reason", "approved_by"])
def test_a_proposal_waiver_with_a_blank_reason_or_approver_is_invalid(
    tmp_path, rules, field
) -> None:
    text = WAIVER.format(expires="2012-06-30")
    line = next(t for t in text.splitlines() if t.strip().startswith(field))
    p = proposal(tmp_path / "p.yaml", extra=text.replace(line, f"    {field}: '  '"))
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 1
    [f] = findings(out)
    assert f["rule"] == "SCHEMA" and f["location"]["path"] == f"/waivers/0/{field}"
    assert "blank" in f["message"] or "empty" in f["message"]


# Text that reads as nothing: zero-width spaces, Hangul fillers, tag characters.
UNSEEN = {"zero-width": "\\u200b\\u200b\\u200b", "hangul filler": "\\u3164\\u3164\\u3164",
          "tags": "\\U000e0041\\U000e0042\\U000e0043"}


@pytest.mark.parametrize("field", ["reason", "approved_by"])
@pytest.mark.parametrize("unseen", sorted(UNSEEN))
def test_a_waiver_written_in_invisible_characters_is_blank(tmp_path, rules, field, unseen) -> None:
    text = WAIVER.format(expires="2012-06-30")
    line = next(t for t in text.splitlines() if t.strip().startswith(field))
    value = f'"{UNSEEN[unseen]}"'  # a YAML escape in double quotes: the file stays ASCII
    p = proposal(tmp_path / "p.yaml", extra=text.replace(line, f"    {field}: {value}"))
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 1
    [f] = findings(out)
    assert f["rule"] == "SCHEMA" and f["location"]["path"] == f"/waivers/0/{field}"
    assert "blank" in f["message"]
    reason = UNSEEN[unseen] if field == "reason" else "Interim arrangement"
    approver = UNSEEN[unseen] if field == "approved_by" else "SHA board"
    shared = f'- rule: COI-001\n  reason: "{reason}"\n  approved_by: "{approver}"\n'
    shared_file = write_shared(tmp_path / "w.yaml", shared + "  expires: 2012-12-31\n")
    assert shared_file.read_text().isascii()
    code, out, err = run("check", str(proposal(tmp_path / "q.yaml")), "--rules", str(rules),
                         "--waivers", str(shared_file))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"`{field}` is blank" in err


SHARED_OK = "- rule: COI-001\n  reason: Interim arrangement\n  approved_by: SHA board\n"


def test_shared_waivers_file_problems_come_all_at_once_with_columns(tmp_path, rules) -> None:
    shared = write_shared(
        tmp_path / "w.yaml",
        SHARED_OK + "  expires: 2012-12-31\n  proposals: []\n"  # line 5
        "- rule: COI-404\n  reason: '   '\n  approved_by: Board\n"  # lines 6-7
        "  expires: 2012-02-30\n",  # line 9
    )
    p = proposal(tmp_path / "p.yaml")
    code, out, err = run("check", str(p), "--rules", str(rules), "--waivers", str(shared))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert [re.match(r"govcheck: broken waivers file: (.*?:\d+:\d+): ", x)[1] for x in lines] == [
        f"{shared}:5:3", f"{shared}:6:3", f"{shared}:7:3", f"{shared}:9:3"
    ]  # each at the key of the entry at fault
    assert all(line.startswith("govcheck: broken waivers file: ") for line in lines)
    assert "`proposals` is empty" in lines[0] and "COI-404" in lines[1]
    assert "blank" in lines[2] and "2012-02-30" in lines[3]


def test_a_live_waiver_that_covers_nothing_is_an_info_finding(tmp_path, rules) -> None:
    # recused: COI-001 does not fire, so the proposal's own waiver covers nothing.
    p = proposal(tmp_path / "p.yaml", recused=True, extra=WAIVER.format(expires="2012-06-30"))
    code, out, _ = run("check", str(p), "--rules", str(rules), "--format", "json")
    assert code == 0
    [unused] = findings(out)
    assert (unused["rule"], unused["severity"], unused["topic"]) == (
        "WAIVER-UNUSED", "info", "waiver"
    )
    assert unused["location"]["line"] == 21
    assert "COI-001 does not fire on this proposal as at 2012-01-01" in unused["message"]


def test_a_shared_waiver_is_unused_only_where_it_names_the_proposal(tmp_path, rules) -> None:
    named = proposal(tmp_path / "a.yaml", pid="northtown-cic", recused=True)
    matched = proposal(tmp_path / "b.yaml", pid="northgate-cic", recused=True)
    shared = write_shared(
        tmp_path / "w.yaml",
        SHARED_OK + "  expires: 2012-12-31\n  proposals: [northtown-cic, 'north*']\n"
        + SHARED_OK.replace("Interim", "Blanket") + "  expires: 2012-12-31\n",
    )
    code, out, _ = run("check", str(named), str(matched), "--rules", str(rules),
                       "--waivers", str(shared), "--format", "json")  # fmt: skip
    assert code == 0
    per_file = {Path(r["file"]).name: r["findings"] for r in json.loads(out)["results"]}
    [unused] = per_file["a.yaml"]
    assert unused["rule"] == "WAIVER-UNUSED" and "w.yaml (line 1)" in unused["message"]
    assert per_file["b.yaml"] == []  # matched by a pattern, and the blanket waiver


def test_a_second_waiver_of_the_same_rule_is_unused(tmp_path, rules) -> None:
    shared = write_shared(tmp_path / "w.yaml", SHARED_OK + "  expires: 2012-12-31\n"
                          "  proposals: [test-proposal]\n")  # fmt: skip
    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-06-30"))
    code, out, _ = run("check", str(p), "--rules", str(rules), "--waivers", str(shared),
                       "--format", "json")  # fmt: skip
    assert code == 0
    got = by_rule(out)
    assert got["COI-001"][0]["waived"]["reason"] == "Exemption letter of 2011-12-01"
    [unused] = got["WAIVER-UNUSED"]
    assert "another waiver of COI-001, in this proposal (line 21)" in unused["message"]


def test_ignore_proposal_waivers_counts_only_the_shared_file(tmp_path, rules) -> None:
    p = proposal(tmp_path / "p.yaml", extra=WAIVER.format(expires="2012-06-30"))
    args = ("check", str(p), "--rules", str(rules), "--format", "json")
    code, out, _ = run(*args, "--ignore-proposal-waivers")
    assert code == 1
    got = by_rule(out)
    assert got["COI-001"][0]["waived"] is None
    [ignored] = got["WAIVER-UNUSED"]
    assert ignored["location"]["line"] == 21 and "ignore_proposal_waivers" in ignored["message"]
    # A shared waiver still counts.
    shared = write_shared(tmp_path / "w.yaml", SHARED_OK + "  expires: 2012-12-31\n")
    code, out, _ = run(*args, "--ignore-proposal-waivers", "--waivers", str(shared))
    assert code == 0 and by_rule(out)["COI-001"][0]["waived"]["reason"] == "Interim arrangement"
    # The same from the config file, and the command line wins over it.
    (tmp_path / ".govcheck.yaml").write_text("ignore_proposal_waivers: true\n")
    config = ("--config", str(tmp_path / ".govcheck.yaml"))
    assert run(*args, *config)[0] == 1
    assert run(*args, *config, "--count-proposal-waivers")[0] == 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_files_that_share_an_id_a_shared_waiver_names_are_warned(tmp_path, rules, jobs) -> None:
    d = tmp_path / "proposals"
    d.mkdir()
    for name in ("a", "b", "c"):
        if name == "b":
            proposal(d / "b.yaml", pid="other", recused=True)
        else:
            proposal(d / f"{name}.yaml", pid="northtown-cic")
    shared = write_shared(tmp_path / "w.yaml", SHARED_OK + "  expires: 2012-12-31\n"
                          "  proposals: [northtown-*]\n")  # fmt: skip
    code, out, _ = run("check", str(d), "--rules", str(rules), "--waivers", str(shared),
                       "--format", "json", "-j", jobs)  # fmt: skip
    per_file = {Path(r["file"]).name: r["findings"] for r in json.loads(out)["results"]}
    assert [f["rule"] for f in per_file["a.yaml"]] == ["COI-001"]
    assert [f["rule"] for f in per_file["c.yaml"]] == ["COI-001", "WAIVER-ID-CLASH"]
    clash = per_file["c.yaml"][1]
    assert clash["severity"] == "warning" and clash["location"]["line"] == 2
    assert f"{d / 'a.yaml'} claims too" in clash["message"]
    assert "w.yaml (line 1)" in clash["message"]
    assert code == 0  # a warning does not fail the default --fail-on error
    assert run("check", str(d), "--rules", str(rules), "--waivers", str(shared),
               "--fail-on", "warning")[0] == 1  # fmt: skip
