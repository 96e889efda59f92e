"""Property tests over proposals generated from schemas/proposal.schema.json.

The strategy is built by walking the schema itself (objects with their properties:
required always, optional sometimes; enums from `oneOf` consts; integers >= 0; dates
2005-2026; short text; lists of 0-3 items), then commissioner and body ids are made
unique and every cross-reference points at an existing id, so each example is a valid
proposal that exercises the rules rather than the validator.

Properties: the checker never raises and finds the proposal valid; every finding names
a loaded rule (or WAIVER-EXPIRED) and every rule finding cites a source; the JSON
report is byte-identical when the same input is checked twice; the engine agrees
with the Python reading of every condition (a cross-check of compiler.py); and on
proposals broken in one place the fast compiled schema check gives jsonschema's verdict.
"""

from __future__ import annotations

import datetime
import io
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcheck.checker import Checker
from govcheck.entities import extract
from govcheck.evaluate import Reader
from govcheck.fastcheck import QuickVerdict
from govcheck.fields import PROPOSAL
from govcheck.model import RESERVED_RULES, SCHEMA_RULE, Summary
from govcheck.render.json_format import JsonRenderer
from govcheck.resources import proposal_schema
from govcheck.rulebook import load_rulebook
from govcheck.validate import _validation_schema, _validator

BOOK = load_rulebook()
CHECKER = Checker(BOOK)
SCHEMA = proposal_schema()

FIRST = datetime.date(2005, 1, 1)
LAST = datetime.date(2026, 12, 31)
# Filled in after the walk, from the ids actually generated.
CROSS_REFERENCES = {
    "/commissioners/[]/id",
    "/bodies/[]/id",
    "/contract/counterparty",
    "/provider/parent",
    "/assets/[]/from",
    "/conflicts_of_interest/[]/commissioner",
    "/partnership/lead_commissioner",
    "/waivers",
}
# Never blank: a waiver's reason or approver that is only spaces is refused (as it should
# be), and these proposals are meant to be valid.
TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " .,'-", min_size=1, max_size=12
).filter(str.strip)
dates = st.dates(FIRST, LAST).map(datetime.date.isoformat)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = {**SCHEMA["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def from_schema(node: dict[str, Any], path: str = "") -> st.SearchStrategy[Any]:
    node = _resolve(node)
    if "const" in node:
        return st.just(node["const"])
    if "oneOf" in node and all("const" in b for b in node["oneOf"]):
        return st.sampled_from([b["const"] for b in node["oneOf"]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        required = set(node.get("required", []))
        wanted = {k: v for k, v in props.items() if f"{path}/{k}" not in CROSS_REFERENCES}
        return st.fixed_dictionaries(
            {k: from_schema(v, f"{path}/{k}") for k, v in wanted.items() if k in required},
            optional={
                k: from_schema(v, f"{path}/{k}") for k, v in wanted.items() if k not in required
            },
        )
    if kind == "array":
        items = from_schema(node["items"], f"{path}/[]")
        unique = bool(node.get("uniqueItems"))
        return st.lists(items, min_size=node.get("minItems", 0), max_size=3, unique=unique)
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        low = int(node.get("minimum", 0))
        high = int(node.get("maximum", 50_000_000))
        # Small numbers hit thresholds in rules; large ones cover money.
        return st.integers(low, min(high, 20)) | st.integers(low, high)
    if kind == "string":
        if node.get("format") == "date":
            return dates
        if "pattern" in node:  # slugs
            return st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
        return TEXT
    raise AssertionError(f"schema node at {path or '/'} not handled: {node}")


@st.composite
def proposals(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(from_schema(SCHEMA))
    commissioners = [f"comm-{i}" for i in range(len(data["commissioners"]))]
    for cid, item in zip(commissioners, data["commissioners"], strict=True):
        item["id"] = cid
    bodies = [f"body-{i}" for i in range(len(data.get("bodies", [])))]
    for bid, item in zip(bodies, data.get("bodies", []), strict=True):
        item["id"] = bid
    either = commissioners + bodies

    def maybe(container: dict[str, Any] | None, key: str, choices: list[str]) -> None:
        if container is not None and draw(st.booleans()):
            container[key] = draw(st.sampled_from(choices))

    maybe(data.get("contract"), "counterparty", commissioners)
    maybe(data["provider"], "parent", either)
    maybe(data.get("partnership"), "lead_commissioner", commissioners)
    for asset in data.get("assets", []):
        maybe(asset, "from", either)
    for declaration in data.get("conflicts_of_interest", []):
        maybe(declaration, "commissioner", commissioners)
    if draw(st.integers(0, 3)) == 0:
        data["waivers"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "rule": st.sampled_from(sorted(BOOK.rules)),
                        "reason": TEXT,
                        "approved_by": TEXT,
                        "expires": dates,
                    }
                ),
                max_size=2,
            )
        )
    return data


COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=250, **COMMON)
@given(proposals())
def test_checker_never_raises_and_the_proposal_is_valid(data: dict[str, Any]) -> None:
    result = CHECKER.check_mapping(data)
    schema = [f.message for f in result.findings if f.rule == SCHEMA_RULE]
    assert not schema, schema
    assert result.evaluated_rules, "a valid proposal was judged by no rule at all"


@settings(max_examples=200, **COMMON)
@given(proposals())
def test_every_finding_names_a_rule_and_every_rule_finding_cites_a_source(
    data: dict[str, Any],
) -> None:
    result = CHECKER.check_mapping(data)
    for finding in result.findings:
        assert finding.rule in BOOK.rules or finding.rule in RESERVED_RULES, finding.rule
        if finding.rule in BOOK.rules:
            assert finding.sources, f"{finding.rule} has no source"
            assert finding.rule in result.evaluated_rules


def _json(data: dict[str, Any]) -> str:
    out = io.StringIO()
    render = JsonRenderer(out, rulebook=BOOK)
    render.start(*CHECKER.header)
    result = CHECKER.check_mapping(data, display="generated.yaml")
    render.result(result)
    summary = Summary()
    summary.add(result)
    render.finish(summary)
    return out.getvalue()


@settings(max_examples=100, **COMMON)
@given(proposals())
def test_the_json_report_is_the_same_twice(data: dict[str, Any]) -> None:
    assert _json(data) == _json(data)


def _as_at(data: dict[str, Any]) -> str:
    return data.get("as_at") or datetime.date.today().isoformat()


@settings(max_examples=500, **COMMON)
@given(proposals())
def test_the_engine_agrees_with_the_python_reading_of_every_condition(
    data: dict[str, Any],
) -> None:
    as_at = _as_at(data)
    facts = extract(data, BOOK.catalogue, as_at)
    law = BOOK.law_for(BOOK.deciding_dates(data, as_at))
    evaluation = BOOK.ruleset(law).evaluate(facts.engine_facts)
    derived = set(evaluation.derived)
    reader = Reader(facts, BOOK.catalogue, evaluation.derived, BOOK.facts, law)
    disagreements = []
    # Derived facts: the engine derived (fact, entity) <=> its condition holds there
    # (for some choice of the other list items it joins over).
    for definition in law.facts:
        condition = reader.condition(definition)
        keys = (
            [PROPOSAL]
            if definition.about == PROPOSAL
            else [k for k, kind in facts.kinds.items() if kind == definition.about]
        )
        for key in keys:
            own = {} if definition.about == PROPOSAL else {definition.about: key}
            held = any(
                reader.read(condition, {**b, **own}).held
                for b in reader.all_bindings(condition)
                if b.get(definition.about, key) == key
            )
            if held != ((definition.name, key) in derived):
                disagreements.append(f"fact {definition.name} about {key}: reader says {held}")
    # Rules: fired in the engine <=> some binding where the condition holds.
    fired = {f.rule for f in evaluation.firings}
    for rule in law.rules:
        condition = reader.condition(rule)
        held = any(reader.read(condition, b).held for b in reader.all_bindings(condition))
        if held != (rule.id in fired):
            disagreements.append(f"rule {rule.id}: reader says {held}, engine {rule.id in fired}")
    assert not disagreements, disagreements


def test_the_strategy_reaches_the_cross_references() -> None:
    # Guard against a strategy that silently stops producing what the rules read.
    seen: set[str] = set()

    # Derandomized: a fixed sample, so the guard cannot fail by chance (with ~60 optional
    # fields a random 100 proposals missed a declaration's commissioner about 1 run in 12).
    @settings(max_examples=100, database=None, derandomize=True, **COMMON)
    @given(proposals())
    def collect(data: dict[str, Any]) -> None:
        if "counterparty" in data.get("contract", {}):
            seen.add("counterparty")
        if any("commissioner" in d for d in data.get("conflicts_of_interest", [])):
            seen.add("coi")
        if data.get("waivers"):
            seen.add("waivers")
        if "parent" in data["provider"]:
            seen.add("parent")

    collect()
    assert seen == {"counterparty", "coi", "waivers", "parent"}


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_nodes(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_nodes(v, (*path, i)))
    return out


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["", "yes", "2009-02-30", "2009-13-01", "2009-1-01", "Bad Id", "x" * 300, "fsa", "a\n"]
    ),
    st.lists(st.sampled_from(["fsa", "fsa", "staff", 1]), max_size=3),
    st.dictionaries(st.sampled_from(["name", "x-note", "colour"]), TEXT, max_size=2),
)


@st.composite
def broken_proposals(draw: st.DrawFn) -> dict[str, Any]:
    """A valid proposal with one node replaced, one key added or one key removed."""
    data = draw(proposals())
    path = draw(st.sampled_from(_nodes(data)[1:]))
    *parent_path, last = path
    parent: Any = data
    for step in parent_path:
        parent = parent[step]
    how = draw(st.sampled_from(["replace", "add", "remove"]))
    if how == "replace" or not isinstance(parent, dict):
        parent[last] = draw(ODD_VALUES)
    elif how == "add":
        parent[draw(st.sampled_from(["colour", "x-note", "Name"]))] = draw(ODD_VALUES)
    else:
        del parent[last]
    return data


QUICK = QuickVerdict(_validation_schema).compile()


@settings(max_examples=400, **COMMON)
@given(broken_proposals())
def test_the_quick_schema_verdict_is_jsonschemas_verdict(data: dict[str, Any]) -> None:
    # validate.py trusts the fast compiled check's "valid" without asking jsonschema.
    if QUICK(data):  # trusted without jsonschema: must never be laxer
        assert _validator().is_valid(data)
