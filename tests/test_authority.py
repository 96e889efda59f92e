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


# ---- the law of the day for a seed-era finding
# A finding cites a document that began after the date that decided it last, as later law.
# A rule of basis law must then still cite the instrument that governed on that date: a
# lawyer reading a 2009 finding expects the Charities Act 1993, not only the 2011
# consolidation. The exception is a rule whose point is that the proposal names a regime
# before it existed; its reference says "later law is the point".
SEED_ERA_START = "2006-01-01"
LATER_LAW_IS_THE_POINT = re.compile(r"\blater law is the point\b", re.I)


def resting_only_on_later_law(book) -> dict[str, str]:
    """Rules of basis law that, on some date their window covers from 2006, cite no
    binding instrument yet in force; with the first such date."""
    starts = sorted({d["applies_from"] for d in book.documents.values() if d.get("applies_from")})
    found: dict[str, str] = {}
    for rule in sorted(book.rules.values(), key=lambda r: r.id):
        if rule.basis != "law" or LATER_LAW_IS_THE_POINT.search(rule.known_problems):
            continue
        first = max(rule.valid_from or SEED_ERA_START, SEED_ERA_START)
        dates = [first] + [d for d in starts if d > first and rule.in_force(d)]
        binding = [s for s in rule.sources if s.get("kind") in BINDING_KINDS]
        for date in dates:
            if all(s.get("applies_from", "") > date for s in binding):
                found[rule.id] = date
                break
    return found


def test_a_rule_of_law_cites_the_law_of_the_day_on_every_date_it_covers() -> None:
    assert resting_only_on_later_law(BOOK) == {}


def test_the_law_of_the_day_check_catches_a_rule_citing_only_later_law(tmp_path) -> None:
    import rulekit

    instruments = (
        "documents:\n"
        + "".join(
            f"  - id: {doc}\n    kind: legislation\n    title: {doc}\n    issuer: UK Parliament\n"
            f"    year: 2000\n"
            f"    publisher: legislation.gov.uk\n    url: https://www.legislation.gov.uk/{doc}\n"
            + (f"    applies_from: {start}\n" if start else "")
            for doc, start in (("old-act", None), ("mid-act", "2010-01-01"),
                               ("new-act", "2014-08-01"))
        )
    )

    def cites(*docs: str) -> list[dict[str, str]]:
        return [{"document": d, "reference": f"{d}, s.1"} for d in docs]

    when = {"provider.legal_form": "none"}
    rules = [
        rulekit.rule(when, rid="LF-901", basis="law", sources=cites("new-act")),
        rulekit.rule(when, rid="LF-902", basis="law", sources=cites("old-act", "new-act")),
        rulekit.rule(when, rid="LF-903", basis="law", sources=cites("new-act"),
                     valid_from="2014-08-01"),
        rulekit.rule(when, rid="LF-904", basis="law", sources=cites("new-act"),
                     known_problems="Named before it existed: later law is the point."),
        rulekit.rule(when, rid="LF-905", basis="law", sources=cites("mid-act", "new-act"),
                     valid_from="2008-06-01"),
        rulekit.rule(when, rid="LF-906", basis="contradiction", sources=cites("new-act")),
    ]
    directory = rulekit.write_rulebook(tmp_path, rules)
    (directory / "sources.yaml").write_text(instruments, encoding="utf-8")
    book = load_rulebook(directory)
    assert resting_only_on_later_law(book) == {"LF-901": "2006-01-01", "LF-905": "2008-06-01"}
