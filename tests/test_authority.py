"""Severity follows authority, over the whole bundled rulebook.

An error must be law, not opinion: a governance lead acts on an error as on a legal bar.
So every rule states what it rests on, an error rests on a binding instrument (or on
the proposal contradicting itself), a rule whose legal point was not verified is a
warning at most, and nothing a board reads says a point is unconfirmed.
"""

from __future__ import annotations

import re

import pytest

from govcheck.rulebook import BASES, BINDING_KINDS, ERROR_BASES, load_rulebook

BOOK = load_rulebook()
RULES = sorted(BOOK.rules.values(), key=lambda r: r.id)
DOUBT_WORDS = re.compile(r"\b(unconfirmed|unverified|not (?:been )?(?:confirmed|verified))\b", re.I)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_severity_follows_the_authority_of_the_rule(rule) -> None:
    assert rule.basis in BASES, f"{rule.id} states no basis (law, contradiction, guidance...)"
    if rule.severity == "error":
        assert rule.basis in ERROR_BASES, f"{rule.id}: an error resting on {rule.basis}"
    if rule.basis == "law":
        kinds = {s["kind"] for s in rule.sources}
        assert kinds & set(BINDING_KINDS), f"{rule.id}: basis law but no legislation cited"
    if not rule.verified:
        assert rule.severity != "error", f"{rule.id}: not verified, so a warning at most"
        assert rule.doubt, f"{rule.id}: not verified, but says nothing of the doubt"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_no_board_facing_text_says_a_point_is_unconfirmed(rule) -> None:
    for part in ("title", "message", "why", "remedy"):
        text = getattr(rule, part) or ""
        assert not DOUBT_WORDS.search(text), f"{rule.id} {part}: {text}"
    # Reports print each source's reference too.
    for source in rule.sources:
        for part in ("reference", "section"):
            text = source.get(part) or ""
            assert not DOUBT_WORDS.search(text), f"{rule.id} source {part}: {text}"


def test_seed_commentary_alone_never_makes_an_error() -> None:
    seed_only = [
        r.id
        for r in RULES
        if r.severity == "error" and {s["kind"] for s in r.sources} == {"seed"}
        and r.basis != "contradiction"
    ]
    assert seed_only == []


# ---- current authority for current-era findings
# A rule still in force on the date the rulebook's law was reviewed to speaks to 2024-26
# proposals. Resting only on the 2006-10 seeds is then allowed just for the seeds' own
# advice where no current instrument speaks, and the rule must say so in its reference.
NO_CURRENT_INSTRUMENT = re.compile(r"\bno current instrument\b", re.I)


def resting_on_seeds_alone(rules, on: str) -> list[str]:
    """Ids of rules in force `on` that cite only seeds without saying why no law is cited."""
    return [
        r.id
        for r in rules
        if r.in_force(on)
        and {s["kind"] for s in r.sources} == {"seed"}
        and not (r.basis == "commentary" and NO_CURRENT_INSTRUMENT.search(r.known_problems))
    ]


def test_a_rule_in_force_today_cites_current_authority_or_says_why_none() -> None:
    assert BOOK.law_reviewed_to, "the rulebook states no law_reviewed_to"
    assert resting_on_seeds_alone(RULES, str(BOOK.law_reviewed_to)) == []


def test_the_current_authority_check_catches_seed_only_rules(tmp_path) -> None:
    import rulekit

    said = "No current instrument speaks to it; the seeds' advice."
    rules = [
        rulekit.rule({"provider.legal_form": "none"}, rid="LF-901", basis="commentary"),
        rulekit.rule({"provider.legal_form": "none"}, rid="LF-902", basis="contradiction",
                     known_problems=said),
        rulekit.rule({"provider.legal_form": "none"}, rid="LF-903", basis="commentary",
                     known_problems=said),
        rulekit.rule({"provider.legal_form": "none"}, rid="LF-904", basis="commentary",
                     valid_to="2013-03-31"),
    ]
    book = load_rulebook(rulekit.write_rulebook(tmp_path, rules))
    found = resting_on_seeds_alone(sorted(book.rules.values(), key=lambda r: r.id), "2026-11-30")
    assert found == ["LF-901", "LF-902"]
