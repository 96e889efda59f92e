"""Every quote in the rulebook is verbatim at its cited line of the seed documents."""

from __future__ import annotations

import pytest
from beside import SEEDS, needs_shared

from govcheck.rulebook import load_rulebook

RULEBOOK = load_rulebook()


def _passages():
    for rule in RULEBOOK.rules.values():
        for s in rule.sources:
            yield rule.id, s
    for fact in RULEBOOK.facts.values():
        for s in fact.sources:
            yield "fact:" + fact.name, s


PASSAGES = [(owner, s) for owner, s in _passages() if "file" in s]


def _norm(text: str) -> str:
    return " ".join(text.split())


@needs_shared
@pytest.mark.parametrize(
    "owner,source", PASSAGES, ids=[f"{o}@{s['file'][:3]}:{s['line']}" for o, s in PASSAGES]
)
def test_seed_quote_is_verbatim_at_its_line(owner: str, source: dict) -> None:
    lines = (SEEDS / source["file"]).read_text(encoding="utf-8").splitlines()
    assert 1 <= source["line"] <= len(lines), f"{owner}: line {source['line']} is past the end"
    line = lines[source["line"] - 1]
    assert _norm(source["quote"]) in _norm(line), (
        f"{owner}: quote not found at {source['file']}:{source['line']}\n"
        f"quote: {source['quote']!r}\nline:  {line[:300]!r}"
    )


@needs_shared
def test_no_rule_cites_the_scraped_noise_at_the_end_of_seed_003() -> None:
    last = len((SEEDS / "003_6770cd2bdbe77af8.txt").read_text(encoding="utf-8").splitlines())
    cited = [o for o, s in PASSAGES if s["file"].startswith("003_") and s["line"] == last]
    assert cited == []


def test_every_rule_and_fact_has_a_source() -> None:
    for rule in RULEBOOK.rules.values():
        assert rule.sources, rule.id
        for s in rule.sources:
            assert ("file" in s and s["quote"]) or s.get("reference"), rule.id
