"""`govcheck explain`: the chain behind a finding, and why a rule did not fire.

The tests run against a rulebook made of the stable rule files only (CHAR-001,
PEN-002, COI-001 and the facts they use), so rules other helpers add do not move them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govcheck.cli import main
from govcheck.explain import ExplainError, explain
from govcheck.rulebook import load_rulebook

COOP = """\
govcheck: 1
id: fernlea-coop
title: Fernlea therapies co-operative
as_at: 2009-02-01
summary: Two hundred and forty therapists leave the PCT to form a co-operative.
commissioners:
  - {id: pct, name: Fernlea PCT, type: primary_care_trust}
provider:
  name: Fernlea Therapies Co-op
  model: social_enterprise
  legal_form: co_operative_society
staff_transfer:
  nhs_staff: 240
  mechanism: tupe_transfer
  pension:
    nhs_pension_access: direction_status
"""


@pytest.fixture(scope="module")
def rulebook(rules_dir: Path):
    return load_rulebook(rules_dir)


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_fired_rule_shows_fields_with_lines_derived_fact_and_quote(tmp_path, rulebook):
    out = explain(write(tmp_path, COOP), rulebook, rule="PEN-002").text()
    # the fields the rule read, each with its line in the file
    assert "provider.legal_form: co_operative_society   [line 11]" in out
    assert "staff_transfer.nhs_staff: 240   [line 13]" in out
    # the derived fact, the definition that derived it, and why
    assert "direction_status_unlikely (provider)" in out
    assert "because provider.legal_form is co_operative_society" in out
    assert "defined at " in out and "facts.yaml:" in out
    # the check that fired, the message, what to do and the source quote with its place
    assert "The check that fired: PEN-002" in out
    assert "240 NHS staff transfer to a co-operative society" in out
    assert "What to do:" in out
    assert "Will not qualify as an NHS pension provider and may not achieve Direction Status" in out
    assert "8(iii)(b) Assessment of co-operatives" in out and "line 557" in out


def test_question_comes_before_the_answer(tmp_path, rulebook):
    result = explain(write(tmp_path, COOP), rulebook, rule="PEN-002")
    (step,) = result.steps
    assert "What is the risk in this arrangement?" in step.question
    assert "PEN-002" not in step.question  # the question does not give the answer away
    assert "PEN-002" in step.answer


def test_rule_that_did_not_fire_names_the_failing_condition_and_actual_value(tmp_path, rulebook):
    cic = COOP.replace("co_operative_society", "community_interest_company")
    out = explain(write(tmp_path, cic), rulebook, rule="PEN-002").text()
    assert "PEN-002 did not fire" in out
    assert "failed: the derived fact `direction_status_unlikely` was not established" in out
    assert (
        "provider.legal_form is community_interest_company; the rule needs co_operative_society"
        in out
    )
    assert "held:   staff_transfer.nhs_staff is 240 (more than 0)" in out


def test_rule_on_an_empty_list_says_there_was_nothing_to_test(tmp_path, rulebook):
    out = explain(write(tmp_path, COOP), rulebook, rule="COI-001").text()
    assert "COI-001 did not fire" in out
    assert "`conflicts_of_interest`" in out and "no entries" in out


def test_rule_not_in_force_says_so_with_its_dates(tmp_path, rulebook):
    out = explain(write(tmp_path, COOP), rulebook, rule="PEN-002", as_at="2015-01-01").text()
    assert "not in force on 2015-01-01" in out
    assert f"to {rulebook.rules['PEN-002'].valid_to}" in out


def test_unknown_rule_is_an_error_with_a_suggestion(tmp_path, rulebook):
    with pytest.raises(ExplainError, match=r"did you mean PEN-002\?"):
        explain(write(tmp_path, COOP), rulebook, rule="PEN-2")


def test_cli_unknown_rule_exits_2_with_one_line(tmp_path, rules_dir):
    path = write(tmp_path, COOP)
    r = CliRunner().invoke(main, ["explain", path, "--rule", "PEN-02", "--rules", str(rules_dir)])
    assert r.exit_code == 2
    assert "did you mean PEN-002?" in r.stderr
    assert "Traceback" not in r.output + r.stderr


def test_cli_step_without_a_terminal_prints_everything(tmp_path, rules_dir):
    text = COOP.replace(
        "  legal_form: co_operative_society\n",
        "  legal_form: co_operative_society\n  charitable_status: registered\n",
    )
    path = write(tmp_path, text)
    r = CliRunner().invoke(main, ["explain", path, "--step", "--rules", str(rules_dir)], input="")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Two hundred and forty therapists" in out  # the narrative first
    # both findings, questions and answers, with nothing waiting for Enter
    questions = out.count("What is the risk in this arrangement?")
    assert questions >= 2
    assert out.count("\nAnswer ") == questions
    assert "Answer 1: ERROR CHAR-001" in out and "Answer 2: WARNING PEN-002" in out
    assert "press Enter" not in out
    assert "Cannot be a charity" in out


def test_cli_explain_of_an_invalid_proposal_shows_the_schema_problem(tmp_path, rules_dir):
    path = write(tmp_path, COOP.replace("nhs_staff: 240", "nhs_staff: lots"))
    r = CliRunner().invoke(main, ["explain", path, "--rules", str(rules_dir)])
    assert r.exit_code == 0
    assert "not a valid proposal" in r.stdout and "line 13" in r.stdout


def test_cli_missing_file_exits_2(tmp_path, rules_dir):
    r = CliRunner().invoke(
        main, ["explain", str(tmp_path / "nope.yaml"), "--rules", str(rules_dir)]
    )
    assert r.exit_code == 2
    assert "Traceback" not in r.output + r.stderr


def test_cli_step_without_a_terminal_keeps_the_room_s_words(tmp_path, rules_dir):
    # Piped, --step prints every question and answer, in the training room's words: no
    # severity counts up front, no rule files, pointers or seed file names.
    path = write(tmp_path, COOP)
    r = CliRunner().invoke(main, ["explain", path, "--step", "--rules", str(rules_dir)], input="")
    out = r.stdout
    head = out.split("What is the risk", 1)[0]
    assert "to discuss." in head and "error" not in head.lower()
    assert ".yaml:" not in out and "rules/" not in out and "facts.yaml" not in out
    assert "/staff_transfer" not in out
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", out)
    assert "Freeman & Peck (2007)" in out and "8(iii)(b) Assessment of co-operatives" in out


def test_hostile_text_in_an_explanation_cannot_drive_the_terminal(tmp_path, rules_dir):
    text = COOP.replace(
        "title: Fernlea therapies co-operative",
        'title: "Fernlea\\x1b]0;pwned\\x07 \\u202eevil\\n::error::forged"',
    )
    r = CliRunner().invoke(main, ["explain", write(tmp_path, text), "--rules", str(rules_dir)])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "\x07" not in r.stdout
    assert "\\x1b]0;pwned" in r.stdout or "\\u001b]0;pwned" in r.stdout
    assert not any(line.lstrip().startswith("::") for line in r.stdout.splitlines())
