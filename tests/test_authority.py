"""Severity follows authority, over the whole bundled rulebook (report-format v2).

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
