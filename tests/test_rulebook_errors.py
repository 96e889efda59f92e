"""A broken rule file stops the run with its file and line, never silently matching nothing."""

from __future__ import annotations

import pytest
import rulekit
import yaml

from govcheck.cli import main
from govcheck.rulebook import RulebookError, load_rulebook


def broken(tmp_path, text: str) -> RulebookError:
    rulekit.write_rulebook(tmp_path, [rulekit.rule({"provider.legal_form": "none"})])
    (tmp_path / "test.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    return caught.value


def rule_text(when: str, **overrides: str) -> str:
    fields = {
        "id": "LF-901",
        "title": "A test rule",
        "severity": "warning",
        "topic": "legal-form",
        "message": "Something the rule says.",
        "remedy": "Something to do about it.",
    }
    fields.update(overrides)
    head = "".join(f"    {k}: {v}\n" for k, v in fields.items())
    return (
        "rules:\n  - " + head[4:] + f"    when:\n{when}"
        "    sources:\n      - {document: hsmc-2007, line: 510, quote: Cannot be a charity}\n"
    )


def test_unknown_operator_names_the_line_and_the_operators(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.legal_form: {equal: none}\n"))
    assert e.line == 9
    assert "unknown operator `equal`" in e.message and "did you mean `equals`" in e.message


def test_unknown_field_suggests_the_nearest(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.asset_lok: none\n"))
    assert e.line == 9
    assert "unknown proposal field `provider.asset_lok`" in e.message
    assert "provider.asset_lock" in e.message


def test_value_not_allowed_for_the_field(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.charitable_status: charity\n"))
    assert "'charity' is not an allowed value" in e.message and "registered" in e.message


def test_wrong_type_for_a_boolean_field(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.membership.open: 'yes'\n"))
    assert "not true or false" in e.message


def test_comparison_on_text_is_refused(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.name: {greater_than: 3}\n"))
    assert "compares numbers or dates" in e.message


def test_duplicate_rule_id_names_both_places(tmp_path) -> None:
    one = rule_text("      provider.legal_form: none\n")
    two = one.replace("rules:\n", "")
    e = broken(tmp_path, one + two)
    assert "LF-901 is used twice" in e.message and "test.yaml:2" in e.message
    assert e.line == 12


def test_impossible_date(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.legal_form: none\n", valid_to="2013-02-30"))
    assert "2013-02-30" in e.message and "calendar date" in e.message


def test_unknown_key_in_a_rule(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.legal_form: none\n", severty="error"))
    assert "unknown key `severty`" in e.message


def test_topic_must_match_the_id_prefix(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.legal_form: none\n", topic="pensions"))
    assert "prefix LF means `legal-form`" in e.message


def test_unknown_derived_fact(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      fact: asset_lockd\n"))
    assert "unknown derived fact `asset_lockd`" in e.message


def test_not_over_a_derived_fact_is_refused(tmp_path) -> None:
    facts = [{"name": "locked", "about": "provider", "means": "m", "sources": rulekit.SOURCE,
              "when": {"provider.asset_lock": "statutory"}}]
    rulekit.write_rulebook(tmp_path, [rulekit.rule({"not": {"fact": "locked"}})], facts)
    with pytest.raises(RulebookError, match="cannot apply to the derived fact"):
        load_rulebook(tmp_path)


def test_source_document_must_be_registered(tmp_path) -> None:
    text = rule_text("      provider.legal_form: none\n").replace("hsmc-2007", "hsmc-2099")
    e = broken(tmp_path, text)
    assert "hsmc-2099" in e.message and "sources.yaml" in e.message


def test_message_placeholder_must_be_a_field(tmp_path) -> None:
    e = broken(tmp_path, rule_text("      provider.legal_form: none\n",
                                   message="'{provider.nam} is wrong'"))
    assert "{provider.nam}" in e.message


def test_the_cli_exits_2_with_file_and_line(tmp_path) -> None:
    from click.testing import CliRunner

    rulekit.write_rulebook(tmp_path / "r", [rulekit.rule({"provider.legal_form": "none"})])
    (tmp_path / "r" / "test.yaml").write_text(rule_text("      provider.x: 1\n"))
    case = tmp_path / "p.yaml"
    case.write_text(yaml.safe_dump(rulekit.proposal()))
    result = CliRunner().invoke(main, ["check", str(case), "--rules", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "test.yaml:9" in result.stderr and "unknown proposal field" in result.stderr
    assert "Traceback" not in result.output + result.stderr
