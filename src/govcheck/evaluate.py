"""Evaluate the rules in force on one proposal's facts and build findings.

The engine decides what fires. The condition tree is then read once more in Python
against the entities that matched, to say in plain words *why*: each field that held,
and each derived fact with its own reasons (the engine gives no trace). The same
reading answers "why did this rule not fire?" for `govcheck explain`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from . import conditions as cond
from .entities import Facts
from .fields import PROPOSAL, FieldCatalogue
from .loader import Document
from .model import ChainStep, Finding, Location
from .rulebook import FactDefinition, LawInForce, Rule, Rulebook, sources_on
from .values import show_value


@dataclass
class Reading:
    """One reading of a condition against bound entities."""

    held: bool
    leaves: list[cond.LeafResult] = field(default_factory=list)


class Reader:
    """Reads conditions in Python against one proposal's entities."""

    def __init__(
        self,
        facts: Facts,
        catalogue: FieldCatalogue,
        derived: Mapping[tuple[str, str], Any] | set[tuple[str, str]],
        definitions: dict[str, FactDefinition],
        law: LawInForce | None = None,
    ) -> None:
        self.facts = facts
        self.catalogue = catalogue
        # (fact, entity key) derived -> the firings that derived it (their bindings say
        # which list items a fact joined over), or a bare set of what was derived
        self.derived = derived
        self.definitions = definitions
        self.law = law

    def condition(self, item: Rule | FactDefinition) -> cond.Condition:
        """The item's condition as it applies here (dated values bound)."""
        return self.law.condition(item) if self.law is not None else item.condition

    def decided(self, item: Rule | FactDefinition) -> str | None:
        """The date that decided the law for the item here (None: not known)."""
        return self.law.dates.get(item.engine_name) if self.law is not None else None

    def fact_bindings(self, name: str, key: str) -> dict[str, str]:
        """The entities a derived fact was concluded from: its own, and the list items
        its condition joined over (from the firing that derived it)."""
        about = self.definitions[name].about
        bindings = {about: key} if about != PROPOSAL else {}
        firings = self.derived.get((name, key)) if isinstance(self.derived, Mapping) else None
        if firings:
            bindings = {**firings[0].bindings, **bindings}
        return bindings

    def read(self, condition: cond.Condition, bindings: dict[str, str]) -> Reading:
        if isinstance(condition, cond.All):
            parts = [self.read(c, bindings) for c in condition.items]
            return Reading(all(p.held for p in parts), [x for p in parts for x in p.leaves])
        if isinstance(condition, cond.AnyOf):
            parts = [self.read(c, bindings) for c in condition.items]
            held = [p for p in parts if p.held]
            leaves = [x for p in (held or parts) for x in p.leaves]
            return Reading(bool(held), leaves)
        if isinstance(condition, cond.FactRef):
            about = self.definitions[condition.name].about
            key = self._key(about, bindings)
            held = key is not None and (condition.name, key) in self.derived
            return Reading(held, [cond.LeafResult(condition, held, key, condition.name, "")])
        info = self.catalogue.fields[condition.path]
        key = self._key(info.entity, bindings)
        instance = self.facts.instances.get(key) if key is not None else None
        actual = cond.value_at(instance, info.relative) if instance is not None else cond.MISSING
        # A test on an item of a list the proposal leaves empty holds for no item, as in the
        # engine (even `exists: false`: there is no item to lack the field).
        no_item = key is None and self.catalogue.entities[info.entity].is_list
        held = False if no_item else cond.test_leaf(condition, actual)
        display = self._display(condition.path, key)
        pointer = self.catalogue.pointer(info, key) if key is not None else ""
        return Reading(held, [cond.LeafResult(condition, held, actual, display, pointer)])

    def _key(self, entity: str, bindings: dict[str, str]) -> str | None:
        if entity in bindings:
            return bindings[entity]
        if self.catalogue.entities[entity].is_list:
            return None
        return entity

    @staticmethod
    def _display(path: str, key: str | None) -> str:
        if key and "/" in key and "[]" in path:
            index = key.split("/", 1)[1]
            return path.replace("[]", f"[{index}]", 1)
        return path

    def all_bindings(self, condition: cond.Condition) -> Iterator[dict[str, str]]:
        """Every way of choosing one item of each list the condition speaks about."""
        lists = sorted(
            {
                self.catalogue.fields[leaf.path].entity
                for leaf in cond.walk(condition)
                if isinstance(leaf, cond.Leaf)
                and self.catalogue.entities[self.catalogue.fields[leaf.path].entity].is_list
            }
            | {
                self.definitions[leaf.name].about
                for leaf in cond.walk(condition)
                if isinstance(leaf, cond.FactRef)
                and self.catalogue.entities[self.definitions[leaf.name].about].is_list
            }
        )
        # A list with no items still gives one binding, with that list unbound, so that the
        # parts of an `any` that do not need the list can hold (the engine's own reading).
        choices = [
            [k for k, kind in self.facts.kinds.items() if kind == entity] or [None]
            for entity in lists
        ]
        for combo in product(*choices):
            yield {entity: k for entity, k in zip(lists, combo, strict=True) if k is not None}


def build_finding(
    rule: Rule,
    bindings: dict[str, str],
    reader: Reader,
    doc: Document,
) -> Finding:
    reading = reader.read(reader.condition(rule), bindings)
    held = [leaf for leaf in reading.leaves if leaf.held]
    because = [cond.describe(r) for r in held if isinstance(r.leaf, cond.Leaf)]
    chain: list[ChainStep] = []
    for r in held:
        if isinstance(r.leaf, cond.FactRef):
            steps = explain_fact(r.leaf.name, str(r.actual), reader, doc, set())
            chain.extend(s for s in steps if s not in chain)
            because.append(f"derived: {reader.definitions[r.leaf.name].means}")
    fields = [
        (r.display_path, r.actual, _line(doc, r.pointer))
        for r in reading.leaves
        if isinstance(r.leaf, cond.Leaf)
    ]
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        topic=rule.topic,
        title=rule.title,
        message=render_message(rule.message, bindings, reader, rule),
        location=_location(rule, bindings, reader, doc, held),
        sources=sources_on(rule.sources, reader.decided(rule)),
        because=because,
        remedy=rule.remedy,
        why=rule.why,
        fields=fields,
        chain=chain,
    )


def explain_fact(
    name: str, key: str, reader: Reader, doc: Document, seen: set[tuple[str, str]]
) -> list[ChainStep]:
    """The chain behind one derived fact, deepest first."""
    if (name, key) in seen:
        return []
    seen.add((name, key))
    definition = reader.definitions[name]
    bindings = reader.fact_bindings(name, key)
    reading = reader.read(reader.condition(definition), bindings)
    steps: list[ChainStep] = []
    words: list[str] = []
    for r in reading.leaves:
        if not r.held:
            continue
        if isinstance(r.leaf, cond.FactRef):
            steps.extend(explain_fact(r.leaf.name, str(r.actual), reader, doc, seen))
            words.append(f"derived: {reader.definitions[r.leaf.name].means}")
        else:
            words.append(cond.describe(r))
    fields = tuple(
        (r.display_path, r.actual, _line(doc, r.pointer))
        for r in reading.leaves
        if r.held and isinstance(r.leaf, cond.Leaf)
    )
    steps.append(
        ChainStep(
            fact=name,
            means=definition.means,
            about=key,
            because=tuple(words),
            definition=f"{definition.file}:{definition.line}",
            sources=tuple(sources_on(definition.sources, reader.decided(definition))),
            fields=fields,
        )
    )
    return steps


def _line(doc: Document, pointer: str) -> int | None:
    return doc.locate(pointer).line if pointer else None


def _location(
    rule: Rule,
    bindings: dict[str, str],
    reader: Reader,
    doc: Document,
    held: list[cond.LeafResult],
) -> Location:
    pointer = ""
    if rule.points_at:
        info = reader.catalogue.get(rule.points_at)
        entity = info.entity if info else reader.catalogue.entity_of_path(rule.points_at)
        key = reader._key(entity, bindings) if entity else None
        if info and key is not None:
            pointer = reader.catalogue.pointer(info, key)
        elif entity and key is not None and entity != PROPOSAL:
            pointer = "/" + key
    if not pointer:
        pointer = next((r.pointer for r in held if r.pointer), "")
    pos = doc.locate(pointer)
    return Location(pointer, pos.line, pos.column)


def render_message(
    template: str, bindings: dict[str, str], reader: Reader, rule: Rule | None = None
) -> str:
    """The message with the proposal's values, and the dated values the rule used."""
    from .rulebook import PLACEHOLDER, VALUE_PLACEHOLDER

    def value(match: Any) -> str:
        info = reader.catalogue.fields[match.group(1)]
        key = reader._key(info.entity, bindings)
        instance = reader.facts.instances.get(key) if key is not None else None
        actual = cond.value_at(instance, info.relative) if instance is not None else cond.MISSING
        return "(not stated)" if actual is cond.MISSING else cond.show(actual)

    def dated(match: Any) -> str:
        found = reader.law.value(rule, match.group(1)) if reader.law and rule else None
        return "(not set)" if found is None else show_value(found)

    return PLACEHOLDER.sub(value, VALUE_PLACEHOLDER.sub(dated, template))


def evaluate(
    doc: Document,
    facts: Facts,
    rulebook: Rulebook,
    law: LawInForce | str,
    established: set[tuple[str, str]] | None = None,
) -> list[Finding]:
    """Run the engine and turn each distinct firing into a finding.

    `law` is the selection of rules for this proposal (Rulebook.law_for), or a plain
    as_at date when no rule is dated by an event. `established`, when given, receives
    every derived fact the engine concluded, as (fact name, entity key): an options
    appraisal reads its properties from them."""
    if isinstance(law, str):
        law = rulebook.law_for(law)
    evaluation = rulebook.ruleset(law).evaluate(facts.engine_facts)
    if established is not None:
        established.update(evaluation.derived)
    reader = Reader(facts, rulebook.catalogue, evaluation.derived, rulebook.facts, law)
    findings: list[Finding] = []
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for firing in evaluation.firings:
        rule = rulebook.rules[firing.rule]
        # Keep only the bindings of entities the rule speaks about (joins add guards).
        key = (rule.id, tuple(sorted(firing.bindings.items())))
        if key in seen:
            continue
        seen.add(key)
        findings.append(build_finding(rule, firing.bindings, reader, doc))
    # One finding per rule and place: an `any` may match the same place twice.
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.rule, f.location.path), f)
    return list(unique.values())
