"""The condition language, compiled to durable-rules and run by the engine.

Each test states a condition as a rule author would, and checks which proposals it
fires on, so the engine's own quirks (no NOT, type coercion, empty lists, missing
fields) are exercised through the compiler rather than assumed away.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import rulekit

from govcheck.checker import Checker
from govcheck.entities import extract
from govcheck.evaluate import Reader
from govcheck.rulebook import load_rulebook


def fires(tmp_path, when: Any, data: dict[str, Any], facts=None) -> list[str]:
    """Paths of the findings the one test rule gives on `data`."""
    book = load_rulebook(rulekit.write_rulebook(tmp_path / "r", [rulekit.rule(when)], facts))
    result = Checker(book).check_mapping(data)
    assert result.valid, [f.message for f in result.findings]
    return [f.location.path for f in result.findings if f.rule == "LF-901"]


def test_equals_fires_only_on_the_named_value(tmp_path) -> None:
    when = {"provider.legal_form": "community_interest_company"}
    cic = rulekit.proposal(provider={"legal_form": "community_interest_company"})
    assert fires(tmp_path, when, cic) == ["/provider/legal_form"]
    assert fires(tmp_path, when, rulekit.proposal()) == []


def test_boolean_false_is_not_the_same_as_not_stated(tmp_path) -> None:
    when = {"provider.membership.open": False}
    closed = rulekit.proposal(provider={"membership": {"open": False}})
    assert fires(tmp_path, when, closed)
    assert fires(tmp_path, when, rulekit.proposal()) == []


def test_not_equals_is_false_for_a_field_not_stated(tmp_path) -> None:
    when = {"provider.asset_lock": {"not_equals": "statutory"}}
    assert fires(tmp_path, when, rulekit.proposal(provider={"asset_lock": "none"}))
    assert fires(tmp_path, when, rulekit.proposal(provider={"asset_lock": "statutory"})) == []
    assert fires(tmp_path, when, rulekit.proposal()) == []


def test_not_is_pushed_down_and_keeps_not_stated_false(tmp_path) -> None:
    when = {"not": {"any": [{"provider.asset_lock": "statutory"},
                            {"provider.asset_lock": "constitutional"}]}}
    assert fires(tmp_path, when, rulekit.proposal(provider={"asset_lock": "none"}))
    assert fires(tmp_path, when, rulekit.proposal(provider={"asset_lock": "statutory"})) == []
    assert fires(tmp_path, when, rulekit.proposal()) == []


def test_double_negation_cancels(tmp_path) -> None:
    when = {"not": {"not": {"provider.charitable_status": "registered"}}}
    assert fires(tmp_path, when, rulekit.proposal(provider={"charitable_status": "registered"}))
    assert fires(tmp_path, when, rulekit.proposal(provider={"charitable_status": "none"})) == []


@pytest.mark.parametrize(
    "op,value,fired_on",
    [
        ("greater_than", 10, [11]),
        ("at_least", 10, [10, 11]),
        ("less_than", 10, [0, 9]),
        ("at_most", 10, [0, 9, 10]),
    ],
)
def test_comparisons_at_their_boundaries(tmp_path, op, value, fired_on) -> None:
    when = {"staff_transfer.nhs_staff": {op: value}}
    book = load_rulebook(rulekit.write_rulebook(tmp_path / "r", [rulekit.rule(when)]))
    checker = Checker(book)
    got = []
    for n in (0, 9, 10, 11):
        result = checker.check_mapping(rulekit.proposal(staff_transfer={"nhs_staff": n}))
        if any(f.rule == "LF-901" for f in result.findings):
            got.append(n)
    assert got == fired_on
    assert not checker.check_mapping(rulekit.proposal()).findings


def test_membership_in_and_not_in(tmp_path) -> None:
    when = {"provider.charitable_status": {"in": ["registered", "exempt"]}}
    assert fires(tmp_path, when, rulekit.proposal(provider={"charitable_status": "exempt"}))
    assert fires(tmp_path, when, rulekit.proposal(provider={"charitable_status": "none"})) == []
    when = {"provider.charitable_status": {"not_in": ["registered", "exempt"]}}
    assert fires(tmp_path / "b", when, rulekit.proposal(provider={"charitable_status": "none"}))
    exempt = rulekit.proposal(provider={"charitable_status": "exempt"})
    assert not fires(tmp_path / "c", when, exempt)
    assert fires(tmp_path / "d", when, rulekit.proposal()) == []


def test_exists_on_a_field_and_on_a_whole_missing_section(tmp_path) -> None:
    when = {"all": [{"staff_transfer.nhs_staff": {"greater_than": 0}},
                    {"staff_transfer.pension": {"exists": False}}]}
    assert fires(tmp_path, when, rulekit.proposal(staff_transfer={"nhs_staff": 5}))
    with_pension = rulekit.proposal(
        staff_transfer={"nhs_staff": 5, "pension": {"nhs_pension_access": "none"}}
    )
    assert fires(tmp_path, when, with_pension) == []
    when = {"staff_transfer.nhs_staff": {"exists": False}}
    assert fires(tmp_path / "b", when, rulekit.proposal())  # no staff_transfer section at all


def test_list_contains_and_not_contains_including_the_empty_list(tmp_path) -> None:
    contains = {"provider.registered_with": {"contains": "fsa"}}
    lacks = {"provider.registered_with": {"not_contains": "fsa"}}
    fsa = rulekit.proposal(provider={"registered_with": ["companies_house", "fsa"]})
    empty = rulekit.proposal(provider={"registered_with": []})
    assert fires(tmp_path / "a", contains, fsa)
    assert fires(tmp_path / "b", contains, empty) == []
    assert fires(tmp_path / "c", lacks, fsa) == []
    assert fires(tmp_path / "d", lacks, empty)  # stated, and fsa is not in it
    assert fires(tmp_path / "e", lacks, rulekit.proposal()) == []  # not stated
    assert fires(tmp_path / "f", {"provider.registered_with": {"exists": True}}, empty)


def test_conditions_on_a_list_speak_about_the_same_item(tmp_path) -> None:
    when = {"all": [{"services[].kind": "adult_social_care"},
                    {"services[].statutory_function": True}]}
    split = rulekit.proposal(services=[
        {"name": "A", "kind": "adult_social_care", "statutory_function": False},
        {"name": "B", "kind": "community_health", "statutory_function": True},
    ])
    assert fires(tmp_path / "a", when, split) == []
    both = rulekit.proposal(services=[
        {"name": "A", "kind": "community_health"},
        {"name": "B", "kind": "adult_social_care", "statutory_function": True},
    ])
    assert fires(tmp_path / "b", when, both) == ["/services/1/kind"]


def test_a_rule_on_a_list_fires_once_per_matching_item(tmp_path) -> None:
    when = {"conflicts_of_interest[].declared": False}
    data = rulekit.proposal(conflicts_of_interest=[
        {"person": "A", "declared": False},
        {"person": "B", "declared": True},
        {"person": "C", "declared": False},
    ])
    assert fires(tmp_path, when, data) == [
        "/conflicts_of_interest/0/declared",
        "/conflicts_of_interest/2/declared",
    ]


def test_any_across_entities_fires_once(tmp_path) -> None:
    when = {"any": [{"provider.legal_form": "co_operative_society"},
                    {"staff_transfer.nhs_staff": {"greater_than": 100}}]}
    both = rulekit.proposal(provider={"legal_form": "co_operative_society"},
                            staff_transfer={"nhs_staff": 300})
    assert len(fires(tmp_path, when, both)) == 1
    only_staff = rulekit.proposal(staff_transfer={"nhs_staff": 300})
    assert fires(tmp_path / "b", when, only_staff) == ["/staff_transfer/nhs_staff"]


FACTS = [
    {"name": "is_society", "about": "provider", "means": "the provider is a registered society",
     "when": {"provider.legal_form": {"in": ["co_operative_society",
                                             "community_benefit_society"]}},
     "sources": rulekit.SOURCE},
    {"name": "fsa_registered_society", "about": "provider",
     "means": "a society on the FSA register",
     "when": {"all": [{"fact": "is_society"}, {"provider.registered_with": {"contains": "fsa"}}]},
     "sources": rulekit.SOURCE},
]


def test_derived_facts_chain_and_show_in_because(tmp_path) -> None:
    when = {"all": [{"fact": "fsa_registered_society"}, {"provider.membership.open": False}]}
    book = load_rulebook(rulekit.write_rulebook(tmp_path / "r", [rulekit.rule(when)], FACTS))
    data = rulekit.proposal(provider={"legal_form": "co_operative_society",
                                      "registered_with": ["fsa"], "membership": {"open": False}})
    [finding] = Checker(book).check_mapping(data).findings
    assert "derived: a society on the FSA register" in finding.because
    assert [step.fact for step in finding.chain] == ["is_society", "fsa_registered_society"]
    company = rulekit.proposal(provider={"registered_with": ["fsa"], "membership": {"open": False}})
    assert Checker(book).check_mapping(company).findings == []


def test_compiled_rules_have_an_entity_guard_and_no_unsupported_operators() -> None:
    book = load_rulebook()
    forbidden = {"$ne", "$in", "$nin", "$not"}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert not forbidden & set(node), node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    # Every rule and fact is in force at its own start date, or at the earliest date.
    dates = ["2000-01-01", *book.change_dates()]
    compiled_rules = {c.name: c for d in dates for c in book.compiled_rules(d)}
    assert set(book.rules) <= set(compiled_rules)
    for name, compiled in compiled_rules.items():
        walk(compiled.body)
        groups = compiled.body.get("all") or [
            p for g in compiled.body["any"] for ps in g.values() for p in ps
        ]
        for pattern in groups:
            (expr,) = pattern.values()
            first = expr["$and"][0] if "$and" in expr else expr
            assert "_entity" in first, f"{name}: a pattern without its entity guard: {expr}"
        json.dumps(compiled.body)  # plain data, no callables


def test_engine_and_python_reader_agree_on_every_case() -> None:
    """The compiled conditions and their Python reading fire on the same rules."""
    from pathlib import Path

    from govcheck.loader import load_path

    book = load_rulebook()
    checker = Checker(book)
    cases = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))
    assert cases
    for path in cases:
        doc = load_path(path)
        result = checker.check_document(doc)
        if not result.valid:
            continue
        facts = extract(doc.data, book.catalogue, result.as_at)
        law = book.law_for(book.deciding_dates(doc.data, result.as_at))
        evaluation = book.ruleset(law).evaluate(facts.engine_facts)
        by_python = held_in_python(facts, evaluation, law, book)
        by_engine = {
            f.rule for f in result.findings if f.topic != "waiver" and f.rule != "LAW-CURRENCY"
        }
        assert by_engine == by_python, path.name



def held_in_python(facts, evaluation, law, book) -> set[str]:
    """The rules in force whose conditions hold when read in Python, not by the engine
    (with the derived facts the engine concluded)."""
    reader = Reader(facts, book.catalogue, evaluation.derived, book.facts, law)
    return {
        r.id
        for r in law.rules
        if any(
            reader.read(reader.condition(r), b).held
            for b in reader.all_bindings(reader.condition(r))
        )
    }


def test_one_ruleset_judges_each_era_as_the_law_of_that_era() -> None:
    """One engine ruleset holds every dated form of the rules; a proposal's deciding
    dates pick the forms. At every date the law changes, each case that states an event
    date fires, in the engine, exactly the rules in force then whose conditions hold
    when read in Python (and the engine copes with every era: no failure)."""
    from pathlib import Path

    from govcheck.loader import load_path

    book = load_rulebook()
    events = [path.rsplit(".", 1)[1] + ":" for path in book.event_fields]
    cases = [
        path
        for path in sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))
        if any(field in path.read_text(encoding="utf-8") for field in events)
    ]
    assert len(cases) >= 3
    for path in cases:
        doc = load_path(path)
        for date in book.change_dates():
            facts = extract(doc.data, book.catalogue, date)
            law = book.law_for(book.deciding_dates(doc.data, date))
            evaluation = book.ruleset(law).evaluate(facts.engine_facts)
            by_python = held_in_python(facts, evaluation, law, book)
            assert {f.rule for f in evaluation.firings} == by_python, (path.name, date)



def test_proposals_dated_within_one_era_share_its_law() -> None:
    """Every day between two dates on which the law changes selects the same law, made
    once, and it is the law selected for that very day; the next change selects anew."""
    import datetime

    from govcheck.rulebook import DecidingDates

    book = load_rulebook()
    changes = book.change_dates()
    unstated = tuple((p, None) for p in book.event_fields)
    for first, following in zip(changes, changes[1:], strict=False):
        last = (datetime.date.fromisoformat(following) - datetime.timedelta(days=1)).isoformat()
        days = sorted({first, last})
        law = book.law_for(first)
        assert book.law_for(last) is law
        assert book.law_for(following) is not law
        for day in days:
            own = book._select(DecidingDates(day, unstated))
            assert (own.rule_ids, own.conditions, own.values) == (
                law.rule_ids,
                law.conditions,
                law.values,
            ), day


SESSIONS_SCRIPT = """
import json
import sys
from govcheck.checker import Checker
from govcheck.rulebook import load_rulebook
book = load_rulebook(sys.argv[1])
checker = Checker(book)
data = json.loads(sys.argv[2])
fired = sum(len(checker.check_mapping(data).findings) for _ in range(1100))
print("checked", fired)
"""


@pytest.mark.parametrize(
    "when",
    [
        # No rule takes any fact of the proposal.
        {"provider.legal_form": "co_operative_society"},
        # The provider fact is taken (half of a join) but no rule ever fires.
        {"all": [{"provider.legal_form": "company_limited_by_guarantee"},
                 {"services[].kind": "community_health"}]},
    ],
    ids=["nothing-taken", "taken-never-fires"],
)
def test_over_a_thousand_proposals_where_no_rule_fires(tmp_path, when) -> None:
    # The engine keeps at most 1,024 sessions, and deleting a session in which no
    # action ran frees pointers it never set (a crash that depends on the heap). A long
    # run of proposals that trip no rule must neither run out nor crash.
    import subprocess
    import sys
    from pathlib import Path

    rules = rulekit.write_rulebook(tmp_path / "r", [rulekit.rule(when)])
    root = Path(__file__).resolve().parent
    run = subprocess.run(
        [sys.executable, "-c", SESSIONS_SCRIPT, str(rules), json.dumps(rulekit.proposal())],
        capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": f"{root.parent / 'src'}:{root}", "GOVCHECK_NO_CACHE": "1",
             "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "checked 0"


def test_one_proposal_never_changes_anothers_findings() -> None:
    # The engine reuses one session per ruleset, emptied after each proposal; what a
    # proposal gets must not depend on which proposals were checked before it.
    from pathlib import Path

    cases = sorted((Path(__file__).resolve().parent.parent / "cases").glob("*.yaml"))
    checker = Checker(load_rulebook())

    def findings(paths):
        out = {}
        for p in paths:
            result = checker.check_path(p)
            out[p.name] = sorted((f.rule, f.location.path) for f in result.findings)
        return out

    forward = findings(cases)
    assert sum(map(len, forward.values())) > 100
    assert findings(list(reversed(cases))) == forward
    assert findings(cases[::2]) == {p.name: forward[p.name] for p in cases[::2]}
