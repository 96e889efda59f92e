"""Compile rule conditions to durable-rules' JSON ruleset format.

Plain data in, plain data out: this module does not import the engine, so the JSON it
produces can be inspected, diffed and tested on its own.

How durable-rules' sharp edges are met:
- every pattern starts with a positive match on the fact's `_entity`, so no rule can
  match the engine's own state fact (a rule with only `$nex` loops forever);
- the engine has no NOT, `$in` or `$ne`: negation is pushed to the leaves when the rule
  is loaded (conditions.normalise) and membership is expanded to `$or`/`$neq`;
- `$nex` on an empty list does not match and `$iall` on an empty list fails, so lists
  of values reach the engine as flag objects (`{"fsa": true, "_stated": true}`, see
  facts.project) and list tests become plain field tests;
- conditions across several entities become joins; `any` across entities becomes
  durable's `any` of `$all` groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from .conditions import All, AnyOf, Condition, FactRef, Leaf
from .fields import FieldCatalogue

ENTITY = "_entity"
KEY = "_key"
DERIVED = "derived"
STATED = "_stated"
# Every fact of a proposal carries the dates that decide its law: DECIDED_ON its as_at,
# DECIDED_ON_1... each event date the rulebook's rules are dated by (or the as_at).
DECIDED_ON = "_decided_on"

# The fixed sizes of durable-rules 2.0.28's C core that one compiled rule can exceed. The
# engine checks neither when it is given the rules, so the rulebook checks them when it
# is read (see `engine_size`).
#
# MATCH_LIMIT: one match of a rule is a frame of at most 16 facts, one per pattern
# (MAX_MESSAGE_FRAMES, src/rules/state.h). In an `any`, each alternative is a connector
# in a chain, and each connector passes on its alternative's match both alone and
# joined with every match of the alternatives before it, so one frame can hold a fact
# for every pattern of every alternative. The 17th fails while a proposal is checked:
# "Could not assert fact, error code: 304" (ERR_MAX_MESSAGES_IN_FRAME, src/rules/rules.h).
MATCH_LIMIT = 16
# PATTERN_STEP_LIMIT: the tests of one pattern are kept as a sequence of fewer than 32
# entries (MAX_SEQUENCE_EXPRESSIONS, src/rules/rete.h, refused when the 32nd is added):
# an opening and a closing entry for each `$and` and `$or`, one for each test that
# compares with another fact (a join). More fails when the ruleset is made, for every
# proposal: "Could not create ruleset, error code: 113" (ERR_EXPRESSION_LIMIT_EXCEEDED).
PATTERN_STEP_LIMIT = 31


@dataclass(frozen=True)
class EntityTest:
    entity: str
    expr: dict[str, Any]


@dataclass(frozen=True)
class FactTest:
    name: str
    about: str  # the entity kind the fact is about


@dataclass
class CompiledRule:
    """One engine rule: its JSON body, and what to do when it fires."""

    name: str
    body: dict[str, Any]
    derives: tuple[str, str] | None = None  # (fact name, entity it is about)
    entities: list[str] = field(default_factory=list)
    # The rule or fact this engine rule checks, when its name is that of one of several
    # dated variants (see `dated`); None when the name is the rule's own.
    item: str | None = None


def dated(rule: CompiledRule, name: str, item: str, guards: list[dict[str, Any]]) -> CompiledRule:
    """A variant of `rule` that fires only for facts whose deciding date passes `guards`.

    The guards test the date fields every fact of a proposal carries, so they go on
    the first pattern of each group only: the facts a pattern joins come from the same
    proposal, stamped with the same dates. They follow the pattern's entity test and
    precede its other tests. The engine walks the tests that match a fact with a stack
    of 64 nodes: guards after the other tests fanned out beyond it under shared tests
    (error 303); guards before the entity test made every fact pass through ~30 guard
    nodes and the whole network under each (the engine's time up by a third). Here a
    fact meets only the guards of its own entity's rules.
    """
    if not guards:
        return CompiledRule(name, rule.body, rule.derives, rule.entities, item)

    def guarded(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ((alias, first),) = patterns[0].items()
        exprs = list(first["$and"]) if "$and" in first else [first]
        return [{alias: {"$and": [exprs[0], *guards, *exprs[1:]]}}, *patterns[1:]]

    if "all" in rule.body:
        body: dict[str, Any] = {"all": guarded(rule.body["all"])}
    else:
        body = {
            "any": [
                {name_: guarded(group) for name_, group in g.items()} for g in rule.body["any"]
            ]
        }
    return CompiledRule(name, body, rule.derives, rule.entities, item)


@dataclass(frozen=True)
class EngineSize:
    """How much of the engine's fixed room one compiled rule takes."""

    alternatives: int  # the `any` groups its condition multiplies out to (1 for `all`)
    patterns: int  # facts one match can hold: the patterns of every alternative that can hold
    steps: int  # the longest pattern's sequence of tests (see PATTERN_STEP_LIMIT)
    heaviest: str  # the entity (or "derived") that longest pattern matches


def engine_size(rule: CompiledRule) -> EngineSize:
    """Count, in a compiled rule as the engine is given it, what MATCH_LIMIT and
    PATTERN_STEP_LIMIT bound (date guards included: they are part of the body).

    An alternative that requires a field both missing and stated (multiplying out
    `any` blocks makes such products) never matches, so adds no fact to a match."""
    if "all" in rule.body:
        groups = [rule.body["all"]]
    else:
        groups = [group for g in rule.body["any"] for group in g.values()]
    patterns = [[e for aliased in group for e in aliased.values()] for group in groups]
    held = sum(len(group) for group in patterns if not any(map(_never_holds, group)))
    steps, heaviest = max((_steps(p), _entity_of(p)) for group in patterns for p in group)
    return EngineSize(len(groups), held, steps, heaviest)


def _never_holds(pattern: dict[str, Any]) -> bool:
    """True when the pattern tests a field for absence and, in the same conjunction, for
    a value (every test but `$nex` fails on a missing field)."""
    missing: set[str] = set()
    stated: set[str] = set()
    for test in _conjuncts(pattern):
        ((key, value),) = test.items()
        if key == "$or":
            continue
        if key.startswith("$"):
            ((path, _operand),) = value.items()
            (missing if key == "$nex" else stated).add(path)
        else:
            stated.add(key)
    return bool(missing & stated)


def _conjuncts(expr: dict[str, Any]) -> list[dict[str, Any]]:
    if "$and" in expr:
        return [t for e in expr["$and"] for t in _conjuncts(e)]
    return [expr]


def _steps(expr: dict[str, Any]) -> int:
    ((key, value),) = expr.items()
    if key in ("$and", "$or"):
        return 2 + sum(_steps(e) for e in value)
    if key.startswith("$"):  # {"$gt": {path: operand}}
        ((_path, value),) = value.items()
    return 1 if isinstance(value, dict) else 0  # an operand naming another fact's field


def _entity_of(expr: dict[str, Any]) -> str:
    first = expr["$and"][0] if "$and" in expr else expr
    return str(first.get(ENTITY, "?"))


class Compiler:
    def __init__(self, catalogue: FieldCatalogue, fact_about: Mapping[str, str]) -> None:
        self.catalogue = catalogue
        self.fact_about = fact_about

    def compile(
        self, name: str, cond: Condition, derives: tuple[str, str] | None = None
    ) -> CompiledRule:
        conjuncts = self._dnf(cond)
        groups: list[list[dict[str, Any]]] = []
        entities: list[str] = []
        for conj in conjuncts:
            patterns, ents = self._patterns(conj, must_have=derives[1] if derives else None)
            groups.append(patterns)
            entities.extend(e for e in ents if e not in entities)
        if len(groups) == 1:
            body: dict[str, Any] = {"all": _aliased(groups[0])}
        else:
            body = {"any": [{f"g{i}$all": _aliased(group)} for i, group in enumerate(groups)]}
        return CompiledRule(name, body, derives, entities)

    # -- disjunctive normal form over entity-local tests and derived-fact tests

    def _dnf(self, cond: Condition) -> list[list[EntityTest | FactTest]]:
        entity = self._local_entity(cond)
        if entity is not None:
            return [[EntityTest(entity, self._expr(cond))]]
        if isinstance(cond, FactRef):
            return [[FactTest(cond.name, self.fact_about[cond.name])]]
        if isinstance(cond, AnyOf):
            return [conj for c in cond.items for conj in self._dnf(c)]
        if isinstance(cond, All):
            parts = [self._dnf(c) for c in cond.items]
            return [[t for conj in combo for t in conj] for combo in product(*parts)]
        raise TypeError(f"condition not normalised: {cond!r}")

    def _local_entity(self, cond: Condition) -> str | None:
        """The one entity a fact-free condition speaks about, else None."""
        if isinstance(cond, FactRef):
            return None
        if isinstance(cond, Leaf):
            return self.catalogue.entity_of_path(cond.path)
        if isinstance(cond, All | AnyOf):
            found = {self._local_entity(c) for c in cond.items}
            if len(found) == 1 and None not in found:
                return found.pop()
        return None

    def _patterns(
        self, conj: list[EntityTest | FactTest], must_have: str | None
    ) -> tuple[list[dict[str, Any]], list[str]]:
        by_entity: dict[str, list[dict[str, Any]]] = {}
        facts: list[FactTest] = []
        for test in conj:
            if isinstance(test, EntityTest):
                by_entity.setdefault(test.entity, []).append(test.expr)
            else:
                facts.append(test)
        for needed in [f.about for f in facts] + ([must_have] if must_have else []):
            by_entity.setdefault(needed, [])
        order = list(by_entity)
        patterns: list[dict[str, Any]] = []
        for entity in order:
            exprs = [{ENTITY: entity}] + by_entity[entity]
            patterns.append({"$and": exprs} if len(exprs) > 1 else exprs[0])
        for f in facts:
            joined_alias = _alias_name(order.index(f.about))
            patterns.append(
                {
                    "$and": [
                        {ENTITY: DERIVED},
                        {"name": f.name},
                        {"about": {joined_alias: KEY}},
                    ]
                }
            )
        return patterns, order

    # -- one entity's test as a durable expression

    def _expr(self, cond: Condition) -> dict[str, Any]:
        if isinstance(cond, All | AnyOf):
            exprs = [self._expr(c) for c in cond.items]
            if len(exprs) == 1:
                return exprs[0]
            return {"$and" if isinstance(cond, All) else "$or": exprs}
        assert isinstance(cond, Leaf)
        info = self.catalogue.fields[cond.path]
        path = ".".join(info.relative)
        op, value = cond.op, cond.value
        if info.type == "array":
            stated = {"$ex": {f"{path}.{STATED}": 1}}
            if op == "exists":
                return stated if value else {"$nex": {f"{path}.{STATED}": 1}}
            flag = f"{path}.{value}"
            if op == "contains":
                return {flag: True}
            return {"$and": [stated, {"$nex": {flag: 1}}]}
        if op == "exists":
            return {"$ex" if value else "$nex": {path: 1}}
        if op == "equals":
            return {path: value}
        if op == "not_equals":
            return {"$neq": {path: value}}  # $neq never matches a missing field
        if op == "in":
            return _one({"$or": [{path: v} for v in value]})
        if op == "not_in":
            return _one({"$and": [{"$neq": {path: v}} for v in value]})
        durable_op = {
            "greater_than": "$gt",
            "at_least": "$gte",
            "less_than": "$lt",
            "at_most": "$lte",
        }[op]
        return {durable_op: {path: value}}


def _one(expr: dict[str, Any]) -> dict[str, Any]:
    ((key, items),) = expr.items()
    return items[0] if len(items) == 1 else expr


def _alias_name(index: int) -> str:
    return f"e{index}"


def _aliased(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Aliases restart in each group, so a fact test can name the entity pattern it joins.
    return [{_alias_name(i): p} for i, p in enumerate(patterns)]
