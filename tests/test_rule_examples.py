"""Every rule's own examples: it fires on each `fires` fragment and not on `passes`."""

from __future__ import annotations

import pytest

from govcheck.casebook import run_examples
from govcheck.checker import Checker
from govcheck.rulebook import load_rulebook

RULEBOOK = load_rulebook()
CHECKER = Checker(RULEBOOK)
RULES = sorted(RULEBOOK.rules.values(), key=lambda r: r.id)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule) -> None:
    outcomes = list(run_examples(CHECKER, rule))
    failures = [o.report() for o in outcomes if not o.passed]
    assert not failures, "\n".join(failures)


def test_every_rule_has_firing_and_passing_examples() -> None:
    lacking = [r.id for r in RULES if not r.examples.get("fires") or not r.examples.get("passes")]
    assert lacking == [], f"rules without fires/passes examples: {lacking}"


def test_an_example_that_fires_elsewhere_than_points_at_fails(tmp_path) -> None:
    import rulekit

    rule = rulekit.rule(
        {"provider.legal_form": "none"},
        points_at="provider.model",
        examples={
            "fires": [
                {"provider": {"legal_form": "none"}},
                {"provider": {"legal_form": "none"}, "x-at": "/provider/legal_form"},
            ]
        },
    )
    book = load_rulebook(rulekit.write_rulebook(tmp_path, [rule]))
    first, second = run_examples(Checker(book), book.rules["LF-901"])
    assert first.passed
    assert not second.passed and "not at /provider/legal_form" in second.note
