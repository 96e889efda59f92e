"""A rule too big for the rules engine is refused when the rulebook is read.

durable-rules 2.0.28 has two fixed sizes a rule can outgrow, neither checked when it is
given the rules (read from its C source, src/rules/state.h, rete.h and rete.c):
- one match holds at most 16 facts (MAX_MESSAGE_FRAMES), and the alternatives of an
  `any` that hold are joined into one match, so the facts of every alternative count
  together. The 17th failed while checking a proposal the rule met (error 304).
- one pattern's tests are a sequence of fewer than 32 entries (MAX_SEQUENCE_EXPRESSIONS):
  an opening and a closing entry per `$and`/`$or`. The 32nd failed making the ruleset,
  so every proposal failed (error 113).
The counts below follow from those sources and from how the compiler writes a condition:
an alternative that reads only derived facts about the provider is one pattern for the
provider and one per fact; tests of one section are one pattern wrapped in an `$and`.
"""

from __future__ import annotations

from typing import Any

import pytest
import rulekit

from govcheck.checker import Checker
from govcheck.rulebook import RulebookError, load_rulebook


def _facts(names: list[str]) -> list[dict[str, Any]]:
    return [
        {"name": name, "about": "provider", "means": f"the provider has a name ({name})",
         "when": {"provider.name": {"exists": True}}, "sources": rulekit.SOURCE}
        for name in names
    ]  # fmt: skip


def _two_alternatives(first: int, second: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A rule of two alternatives, each reading the provider and so many derived facts."""
    a = [f"a{i}" for i in range(first)]
    b = [f"b{i}" for i in range(second)]
    when = {"any": [{"all": [{"fact": n} for n in a]}, {"all": [{"fact": n} for n in b]}]}
    return when, _facts(a + b)


def test_a_match_of_16_facts_loads_and_fires(tmp_path) -> None:
    when, facts = _two_alternatives(7, 7)  # (1 + 7) + (1 + 7) = 16
    book = load_rulebook(rulekit.write_rulebook(tmp_path, [rulekit.rule(when)], facts))
    result = Checker(book).check_mapping(rulekit.proposal())
    assert [f.rule for f in result.findings] == ["LF-901"]


def test_a_match_of_17_facts_is_refused_at_its_condition(tmp_path) -> None:
    when, facts = _two_alternatives(7, 8)  # (1 + 7) + (1 + 8) = 17
    rulekit.write_rulebook(tmp_path, [rulekit.rule(when)], facts)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    [problem] = caught.value.problems
    lines = (tmp_path / "test.yaml").read_text(encoding="utf-8").splitlines()
    assert problem.file.endswith("test.yaml")
    assert lines[problem.line - 1].strip().startswith("when:")
    assert "rule LF-901" in problem.message
    assert "2 alternatives" in problem.message and "17 times" in problem.message
    assert "at most 16" in problem.message
    assert "Split it" in problem.message and "derived fact" in problem.message


def test_three_five_way_lists_across_sections_are_refused_not_failed_at_check(tmp_path) -> None:
    """The report that started this: 5 x 5 x 5 = 125 alternatives. 4 x 4 x 4 = 64 read only
    the provider and 1 only the staff transfer (one pattern each); the other 60 read both
    (two each): 64 + 1 + 120 = 185."""
    lists = [
        [{"provider.board.executive_directors": {"greater_than": i}} if i
         else {"staff_transfer.nhs_staff": {"greater_than": 0}} for i in range(5)]
        for _ in range(3)
    ]  # fmt: skip
    when = {"all": [{"any": items} for items in lists]}
    rulekit.write_rulebook(tmp_path, [rulekit.rule(when)])
    with pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    assert "125 alternatives" in caught.value.message and "185 times" in caught.value.message
    assert "at most 16" in caught.value.message


def _nested(lists: int) -> dict[str, Any]:
    return {"all": [
        {"any": [{"provider.board.executive_directors": {"greater_than": i}},
                 {"provider.board.staff_members": {"greater_than": i}}]}
        for i in range(lists)
    ]}  # fmt: skip


def test_a_pattern_of_30_steps_loads_and_fires(tmp_path) -> None:
    # $and (section test) + $and (the rule's all) + 13 x $or, two entries each: 30.
    # A test of one section uses whole pairs, so 30 is the most below 32 it can reach.
    book = load_rulebook(rulekit.write_rulebook(tmp_path, [rulekit.rule(_nested(13))]))
    board = {"board": {"executive_directors": 20, "staff_members": 0}}
    result = Checker(book).check_mapping(rulekit.proposal(provider=board))
    assert [f.rule for f in result.findings] == ["LF-901"]


def test_a_pattern_of_32_steps_is_refused_naming_the_section(tmp_path) -> None:
    rulekit.write_rulebook(tmp_path, [rulekit.rule(_nested(14))])
    with pytest.raises(RulebookError) as caught:
        load_rulebook(tmp_path)
    [problem] = caught.value.problems
    assert problem.file.endswith("test.yaml") and problem.line > 1
    assert "rule LF-901" in problem.message and "`provider`" in problem.message
    assert "32 steps" in problem.message and "at most 31" in problem.message


def test_an_alternative_that_can_never_hold_adds_nothing_to_a_match(tmp_path) -> None:
    """Multiplying `any` blocks out makes products such as "not stated and above 1": the
    engine never matches them, so they do not count (the bundled PROC-035 has two)."""
    a = [f"a{i}" for i in range(7)]
    b = [f"b{i}" for i in range(8)]
    never = [{"provider.board.staff_members": {"exists": False}},
             {"provider.board.staff_members": {"greater_than": 1}}]  # fmt: skip
    when = {"any": [{"all": [{"fact": n} for n in a]},
                    {"all": [*({"fact": n} for n in b), *never]}]}  # fmt: skip
    # 8 + 9 = 17 as written; the second never holds, so one match holds at most 8.
    book = load_rulebook(rulekit.write_rulebook(tmp_path, [rulekit.rule(when)], _facts(a + b)))
    result = Checker(book).check_mapping(rulekit.proposal())
    assert [f.rule for f in result.findings] == ["LF-901"]
