"""The rulebook: its rules, derived facts, sources and dated values, and which of them
apply to a proposal.

A rule applies when the date that decides it is inside its validity period. That date
is the proposal's `as_at`, unless the rule is `dated_by` an event the proposal states
(the date a procurement began, a dividend was declared): a tender begun under one
regime is judged under it whenever it is checked. The dated values a rule uses (the
light-touch threshold, a dividend cap) are read at the same date. :class:`LawInForce`
is that selection for one set of dates, with its engine ruleset; it is built once per
era (the dates falling between the same two dates on which the law changes) and kept.

Reading and checking the rule files is `rulefiles.py`; a broken rulebook stops the run
with every problem at once, each at its file, line and column.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from pathlib import Path
from typing import Any

from . import cache
from . import conditions as cond
from .compiler import DECIDED_ON, CompiledRule, Compiler, dated
from .datacodec import Codec, CodecError
from .dates import is_iso_date
from .errors import GovcheckError
from .fields import FieldCatalogue
from .model import PREFIX_TOPIC  # noqa: F401  (re-exported: rule authors' tools import it here)
from .resources import data_dir
from .values import ValueTable

# What authority a cited document has: one of the seed documents the rulebook quotes, an
# Act or statutory instrument, a judgment, or official guidance.
SOURCE_KINDS = ("seed", "legislation", "case-law", "guidance")
# What a rule rests on; only the first two may carry severity error.
BASES = ("law", "contradiction", "guidance", "commentary")
ERROR_BASES = ("law", "contradiction")
BINDING_KINDS = ("legislation", "case-law")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.\[\]]*)\}")
VALUE_PLACEHOLDER = re.compile(r"\{value:([a-z][a-z0-9_]*)\}")


class RulebookError(GovcheckError):
    """A rulebook that cannot be used; carries every problem, each at its file and line."""

    kind = "broken rulebook"


@dataclass
class FactDefinition:
    name: str
    about: str
    means: str
    condition: cond.Condition
    sources: list[dict[str, Any]]
    file: str
    line: int
    valid_from: str | None = None  # ISO dates, resolved from any named date
    valid_to: str | None = None
    raw_when: Any = None
    dated_by: str | None = None

    @property
    def engine_name(self) -> str:
        return "fact:" + self.name

    def in_force(self, date: str) -> bool:
        return _in_force(self.valid_from, self.valid_to, date)


@dataclass(frozen=True)
class Property:
    """A question an options appraisal asks of every option ("can it be a charity?").

    Answered by derived facts, never by code: true when a fact named in `true_if`
    holds, false when one in `false_if` holds, otherwise not known. A derived fact is
    only ever asserted, so a "false" always rests on a fact (and a source) of its own.
    `shown_true` and `shown_false` are the words a board reads for the two answers
    ("may" and "unlikely" where the sources hedge).
    """

    name: str
    label: str
    true_if: tuple[str, ...]
    false_if: tuple[str, ...]
    file: str
    line: int
    shown_true: str = "yes"
    shown_false: str = "no"


@dataclass
class Rule:
    id: str
    title: str
    severity: str
    topic: str
    condition: cond.Condition
    message: str
    remedy: str
    sources: list[dict[str, Any]]
    file: str
    line: int
    points_at: str | None = None
    why: str = ""
    valid_from: str | None = None  # ISO dates, resolved from any named date
    valid_to: str | None = None
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    raw_when: Any = None
    # Authority: what the rule rests on, and whether its legal point
    # was checked. `doubt` and `known_problems` go to the rule reference only.
    basis: str | None = None
    verified: bool = True
    doubt: str = ""
    known_problems: str = ""
    # The proposal's date field that decides whether the rule applies (else as_at).
    dated_by: str | None = None
    # The validity dates as written, where they name a date: {"valid_to": "day before X"}
    period_names: dict[str, str] = field(default_factory=dict)

    @property
    def engine_name(self) -> str:
        return self.id

    def in_force(self, date: str) -> bool:
        return _in_force(self.valid_from, self.valid_to, date)

    def listing(self) -> dict[str, Any]:
        """The rule as `govcheck rules --format json` lists it."""
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "topic": self.topic,
            "basis": self.basis,
            "verified": self.verified,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "dated_by": self.dated_by,
            "sources": self.sources,
            "file": self.file,
            "line": self.line,
        }


def _in_force(valid_from: str | None, valid_to: str | None, as_at: str) -> bool:
    return (valid_from is None or valid_from <= as_at) and (valid_to is None or as_at <= valid_to)


def authority_problems(rule: Rule) -> list[str]:
    """How a rule breaks the authority policy, in plain words.

    Severity follows authority: an error needs basis `law` (citing legislation or case
    law) or `contradiction`; a rule whose legal point is not verified is a warning at
    most. The rulebook loader applies this to every rule that states its basis; the
    test suite requires a basis of every bundled rule."""
    out: list[str] = []
    if rule.basis is None:
        return out
    if rule.severity == "error" and rule.basis not in ERROR_BASES:
        out.append(
            f"rule {rule.id} is an error resting on {rule.basis}; an error needs basis law "
            "(citing legislation or case law) or contradiction: make it a warning, or cite "
            "the law that makes the proposal unlawful or impossible"
        )
    if rule.basis == "law" and not any(s.get("kind") in BINDING_KINDS for s in rule.sources):
        out.append(
            f"rule {rule.id} has basis law but cites no legislation or case law; add the "
            "instrument to its sources, or give it the basis it has"
        )
    if not rule.verified and rule.severity == "error":
        out.append(
            f"rule {rule.id} is not verified (verified: false) and so may be a warning at most"
        )
    if not rule.verified and not rule.doubt:
        out.append(f"rule {rule.id} is not verified: say what is in doubt in `doubt:`")
    return out


def sources_on(sources: Iterable[dict[str, Any]], date: str | None) -> list[dict[str, Any]]:
    """A finding's citations as they stand on `date`, the date that decided it.

    A citation of law or guidance that began after that date (`applies_from`) is marked
    `later` and put after the rest: for a 2009 finding the Procurement Act 2023 is where
    the same point stands today, not what the finding rests on; for a rule about a body
    named before it existed, it is the law that created the body."""
    now: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for s in sources:
        cited = dict(s)
        if date is not None and cited.get("applies_from", "") > date:
            cited["later"] = True
            later.append(cited)
        else:
            now.append(cited)
    return now + later


@dataclass
class DecidingDates:
    """The dates that decide which law applies to one proposal: its as_at, and each
    event date the rulebook's rules are dated by, as the proposal states it (or None)."""

    as_at: str
    events: tuple[tuple[str, str | None], ...] = ()

    def for_item(self, dated_by: str | None) -> str:
        if dated_by:
            for path, date in self.events:
                if path == dated_by and date:
                    return date
        return self.as_at

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.as_at, self.events)


@dataclass
class LawInForce:
    """The rules and derived facts that apply under one set of deciding dates, with
    their conditions bound to the dated values in force at each one's date."""

    rules: list[Rule]
    facts: list[FactDefinition]
    dates: dict[str, str]  # engine name -> the date that decided it
    conditions: dict[str, cond.Condition]  # engine name -> condition, values bound
    values: dict[str, dict[str, Any]]  # engine name -> {value name: value} it uses
    table: ValueTable = field(default_factory=ValueTable)
    ruleset: Any = None  # the engine's ruleset with these dates, made on first use
    deciding: DecidingDates | None = None

    @cached_property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def condition(self, item: Rule | FactDefinition) -> cond.Condition:
        return self.conditions.get(item.engine_name, item.condition)

    def value(self, item: Rule | FactDefinition, name: str) -> Any:
        """A dated value as it stood on the date that decided `item` (None: not set)."""
        used = self.values.get(item.engine_name, {})
        if name in used:
            return used[name]
        date = self.dates.get(item.engine_name)
        if date is None or name not in self.table.values:
            return None
        return self.table.value_at(name, date)


@dataclass
class Rulebook:
    rules: dict[str, Rule]
    facts: dict[str, FactDefinition]
    documents: dict[str, dict[str, Any]]
    catalogue: FieldCatalogue
    digest: str
    directory: Path
    values: ValueTable = field(default_factory=ValueTable)
    law_reviewed_to: str | None = None
    # The options appraisal's questions (`properties:` in a rule file), in file order.
    properties: dict[str, Property] = field(default_factory=dict)
    # Per-process caches (never serialised): compiled rules, engine rulesets, selections.
    _compiled: dict[tuple[str, Any], CompiledRule] = field(default_factory=dict, repr=False)
    _everything: Any = field(default=None, repr=False)  # the one engine ruleset
    _first: Any = field(default=None, repr=False)  # (selection, ruleset) of the first met
    _law: dict[tuple[Any, ...], LawInForce] = field(default_factory=dict, repr=False)
    _rules_at: dict[str, list[Rule]] = field(default_factory=dict, repr=False)
    _bound: dict[tuple[str, str], tuple[cond.Condition, Any]] = field(
        default_factory=dict, repr=False
    )
    _valued: dict[str, bool] = field(default_factory=dict, repr=False)
    _event_fields: tuple[str, ...] | None = field(default=None, repr=False)
    _changes: list[str] | None = field(default=None, repr=False)

    def header(self) -> dict[str, Any]:
        """The `rulebook` object of a report: rule count, digest, law_reviewed_to."""
        return {
            "rules": len(self.rules),
            "digest": self.digest,
            "law_reviewed_to": self.law_reviewed_to,
        }

    # ---- which rules apply

    def rules_in_force(self, as_at: str) -> list[Rule]:
        """The rules in force at `as_at`, ignoring event dates (for listings)."""
        if as_at not in self._rules_at:
            self._rules_at[as_at] = [r for r in self.rules.values() if r.in_force(as_at)]
        return self._rules_at[as_at]

    def rule_ids_in_force(self, as_at: str) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules_in_force(as_at))

    def facts_in_force(self, as_at: str) -> list[FactDefinition]:
        return [f for f in self.facts.values() if f.in_force(as_at)]

    @property
    def event_fields(self) -> tuple[str, ...]:
        """Every proposal date field some rule or fact is dated by."""
        if self._event_fields is None:
            items = (*self.rules.values(), *self.facts.values())
            self._event_fields = tuple(sorted({x.dated_by for x in items if x.dated_by}))
        return self._event_fields

    def deciding_dates(self, data: Any, as_at: str) -> DecidingDates:
        """The dates that decide the law for one proposal (its data as loaded)."""
        events = []
        for path in self.event_fields:
            info = self.catalogue.fields[path]
            holder = data.get(info.entity) if info.entity != "proposal" else data
            stated = cond.value_at(holder, info.relative) if isinstance(holder, dict) else None
            events.append((path, stated if isinstance(stated, str) else None))
        return DecidingDates(as_at, tuple(events))

    def law_for(self, dates: DecidingDates | str) -> LawInForce:
        """The rules and facts that apply under these deciding dates (or at a plain as_at)."""
        if isinstance(dates, str):
            dates = DecidingDates(dates, tuple((p, None) for p in self.event_fields))
        key = self._era(dates)
        law = self._law.get(key)
        if law is None:
            law = self._law[key] = self._select(dates)
        return law

    def _era(self, dates: DecidingDates) -> tuple[Any, ...]:
        """Where each deciding date falls among the dates the law changes on.

        Between two such dates nothing starts or stops: no rule, derived fact or dated
        value, so every date of one interval selects the same law (and its guards and
        values read the same). Proposals of one era share one selection, however many
        different days they are dated: keyed by the exact dates, a batch dated day by
        day made a selection (~40 KB and ~1 ms) for nearly every proposal. A date that
        is not YYYY-MM-DD (schema-checked proposals have none) keys by itself."""
        if self._changes is None:
            self._changes = self.change_dates()
        days = (dates.as_at, *(dates.for_item(path) for path in self.event_fields))
        if not all(is_iso_date(day) for day in days):
            return dates.key
        return tuple(bisect.bisect_right(self._changes, day) for day in days)

    def _select(self, dates: DecidingDates) -> LawInForce:
        rules, facts = [], []
        decided: dict[str, str] = {}
        conditions: dict[str, cond.Condition] = {}
        used: dict[str, dict[str, Any]] = {}
        for item in (*self.facts.values(), *self.rules.values()):
            date = dates.for_item(item.dated_by)
            if not item.in_force(date):
                continue
            condition, values = self.bound(item, date)
            if condition is None:  # a dated value it needs is not set on that date
                continue
            decided[item.engine_name] = date
            conditions[item.engine_name] = condition
            if values:
                used[item.engine_name] = values
            (facts if isinstance(item, FactDefinition) else rules).append(item)
        return LawInForce(rules, facts, decided, conditions, used, self.values, deciding=dates)

    def ruleset(self, law: LawInForce | str) -> Any:
        """The engine ruleset that evaluates a proposal under this selection of law.

        One engine ruleset holds every rule and derived fact of the rulebook in each of
        its dated forms (a period of validity, a dated value), each guarded by the date
        that decides it; a proposal's facts carry its deciding dates (`stamp`). So all
        eras share one ruleset and one engine session: a ruleset per distinct selection
        cost ~7 MB and ~8 ms to make each, and a batch across eras met a dozen or more.

        Until a second selection is met, the first has a ruleset of its own rules only:
        the whole rulebook's takes ~30 ms to compile and make, twice one era's, and a
        run over one file (or one era) is mostly start-up.
        """
        from .engine import Stamped

        if isinstance(law, str):
            law = self.law_for(law)
        if law.ruleset is None:
            if law.deciding is None:
                raise ValueError("a selection of law made by law_for carries its dates")
            stamp = tuple(self.stamp(law.deciding).items())
            law.ruleset = Stamped(self._engine_rules(law), stamp)
        return law.ruleset

    def _engine_rules(self, law: LawInForce) -> Any:
        from .engine import Ruleset

        if self._everything is not None:
            return self._everything
        selection = frozenset((n, _values_key(law.values.get(n, {}))) for n in law.conditions)
        if self._first is None:
            parts = sorted(self.compiled_rules(law), key=lambda c: c.name)
            self._first = (selection, Ruleset(parts))
        if self._first[0] == selection:
            return self._first[1]
        return self.whole_ruleset()

    def stamp(self, dates: DecidingDates) -> dict[str, str]:
        """The deciding dates as fields of every engine fact of the proposal."""
        out = {DECIDED_ON: dates.as_at}
        for i, path in enumerate(self.event_fields, 1):
            out[f"{DECIDED_ON}_{i}"] = dates.for_item(path)
        return out

    def whole_ruleset(self) -> Any:
        """Every dated form of every rule and derived fact, in one engine ruleset."""
        from .engine import Ruleset

        if self._everything is None:
            items = (*self.facts.values(), *self.rules.values())
            parts = [form for item in items for form in self.engine_forms(item)]
            self._everything = Ruleset(sorted(parts, key=lambda c: c.name))
        return self._everything

    def engine_forms(self, item: Rule | FactDefinition) -> list[CompiledRule]:
        """The engine rules of one rule or derived fact: one per dated form, each guarded
        by the deciding dates that select it, as the whole ruleset holds them."""
        forms = self._dated_forms(item)
        out = []
        for k, (guards, condition, values) in enumerate(forms, 1):
            compiled = self._compile(item, condition, {item.engine_name: values})
            name = item.engine_name if len(forms) == 1 else f"{item.engine_name}#{k}"
            out.append(dated(compiled, name, item.engine_name, guards))
        return out

    def _dated_forms(
        self, item: Rule | FactDefinition
    ) -> list[tuple[list[dict[str, Any]], cond.Condition, dict[str, Any]]]:
        """The item's forms through time: for each combination of the periods of the
        dated values it uses (within its own validity), the engine tests on the deciding
        date that select it, its condition with those values bound, and the values.
        The tests are the comparisons `in_force` and `ValueTable.value_at` make."""
        field_ = DECIDED_ON
        if item.dated_by:
            field_ = f"{DECIDED_ON}_{self.event_fields.index(item.dated_by) + 1}"
        names = sorted(_value_names(item.condition))
        spans = [_spans(self.values.values[n]) if n in self.values.values else [] for n in names]
        forms = []
        for combo in product(*spans):
            starts = [start for start, _ in combo] + [item.valid_from or ""]
            ends = [end for _, end in combo if end] + ([item.valid_to] if item.valid_to else [])
            low, high = max(starts), (min(ends) if ends else None)
            if high is not None and low > high:
                continue  # the periods never meet
            condition, values = item.condition, {}
            if names:
                found, values = self.bound(item, low)  # low is in every period combined
                if found is None:
                    continue
                condition = found
            guards: list[dict[str, Any]] = []
            if low:
                guards.append({"$gte": {field_: low}})
            if high is not None:
                guards.append({"$lte": {field_: high}})
            forms.append((guards, condition, values))
        return forms

    def compiled_rules(self, law: LawInForce | str) -> list[CompiledRule]:
        """The engine rules of a selection of law, as plain data (for inspection)."""
        if isinstance(law, str):
            law = self.law_for(law)
        return [
            self._compile(item, law.conditions[item.engine_name], law.values)
            for item in (*law.facts, *law.rules)
        ]

    # ---- dated values

    def bound(
        self, item: Rule | FactDefinition, date: str
    ) -> tuple[cond.Condition | None, dict[str, Any]]:
        """The item's condition with its dated values read at `date`, and those values
        ({name: value}); (None, {}) when one of them is not set on that date."""
        valued = self._valued.get(item.engine_name)
        if valued is None:
            valued = self._valued[item.engine_name] = _has_values(item.condition)
        if not valued:
            return item.condition, {}
        key = (item.engine_name, date)
        found = self._bound.get(key)
        if found is None:
            found = self._bound[key] = _bind(item.condition, self.values, date)
        return found

    def value_at(self, name: str, date: str) -> Any:
        return self.values.value_at(name, date)

    def change_dates(self) -> list[str]:
        """Every date on which a rule, a derived fact, a dated value or a cited document
        starts or stops."""
        from .values import day_after

        out: set[str] = set(self.values.change_dates())
        out.update(d["applies_from"] for d in self.documents.values() if d.get("applies_from"))
        for item in (*self.rules.values(), *self.facts.values()):
            if item.valid_from:
                out.add(item.valid_from)
            if item.valid_to:
                out.add(day_after(item.valid_to))
        return sorted(out)

    def _compile(
        self,
        item: Rule | FactDefinition,
        condition: cond.Condition,
        values: dict[str, dict[str, Any]],
    ) -> CompiledRule:
        key = (item.engine_name, _values_key(values.get(item.engine_name, {})))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiler = Compiler(self.catalogue, {f.name: f.about for f in self.facts.values()})
            derives = (item.name, item.about) if isinstance(item, FactDefinition) else None
            compiled = compiler.compile(item.engine_name, condition, derives=derives)
            self._compiled[key] = compiled
        return compiled

    def citation(self, document: str) -> str:
        return self.documents[document]["citation"]


def _bind(
    condition: cond.Condition, values: ValueTable, date: str
) -> tuple[cond.Condition | None, dict[str, Any]]:
    """Replace every ValueRef operand by the value in force on `date`."""
    from .values import ValueRef

    used: dict[str, Any] = {}
    missing = False

    def walk(c: cond.Condition) -> cond.Condition:
        nonlocal missing
        if isinstance(c, cond.All | cond.AnyOf):
            return type(c)(tuple(walk(x) for x in c.items))
        if isinstance(c, cond.Leaf) and isinstance(c.value, ValueRef):
            name = c.value.name
            period = values.values[name].at(date)
            if period is None:
                missing = True
                return c
            value = period.value
            used[name] = value
            # The period's start, not the date judged: every date of one period explains
            # the same finding the same way (so a timeline can merge them).
            note = f"{values.values[name].means}, the value from {period.start}"
            return cond.Leaf(c.path, c.op, value, c.pointer, note)
        return c

    bound = walk(condition)
    return (None, {}) if missing else (bound, used)


def _value_names(condition: cond.Condition) -> set[str]:
    from .values import ValueRef

    return {
        leaf.value.name
        for leaf in cond.walk(condition)
        if isinstance(leaf, cond.Leaf) and isinstance(leaf.value, ValueRef)
    }


def _spans(value: Any) -> list[tuple[str, str | None]]:
    """Each period of a dated value as (first day, last day or None), as `at` reads them."""
    from .values import day_before

    out = []
    for i, p in enumerate(value.periods):
        following = value.periods[i + 1].start if i + 1 < len(value.periods) else None
        out.append((p.start, p.end or (day_before(following) if following else None)))
    return out


def _values_key(values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


def _has_values(condition: cond.Condition) -> bool:
    from .values import ValueRef

    return any(
        isinstance(leaf, cond.Leaf) and isinstance(leaf.value, ValueRef)
        for leaf in cond.walk(condition)
    )


def load_rulebook(directory: str | Path | None = None) -> Rulebook:
    """Load and check every rule file under `directory` (default: the bundled rulebook).

    The bundled rulebook, once loaded cleanly, is kept in govcheck's cache as data (one
    JSON entry per working directory; see cache.py for what makes an entry trusted),
    used only while the bytes of every rule file and schema, the govcheck sources and
    the working directory (file names in findings are relative to it) are unchanged.
    Checking the rule files was most of a one-file run's start-up; GOVCHECK_NO_CACHE=1
    turns the cache off. An entry that fails any check is ignored and rewritten.
    """
    root = Path(directory) if directory else data_dir("rules")
    if not root.is_dir():
        raise RulebookError("not a directory of rule files", str(root))
    entry = _cache_entry(root) if not directory else None
    if entry is not None:
        raw = cache.read(*entry)
        if raw is not None:
            try:
                book = _codec().decode(raw)
            except CodecError:  # not what govcheck wrote: rebuild below
                book = None
            if isinstance(book, Rulebook):
                return book
    book = _load_rulebook(root)
    if entry is not None:
        try:
            cache.write(*entry, _codec().encode(book).encode())
        except CodecError:  # something in it is not plain data: run uncached
            pass
    return book


@functools.cache
def _codec() -> Codec:
    return Codec(Rulebook)


def _cache_entry(root: Path) -> tuple[str, str] | None:
    """The cache entry for the bundled rulebook in this working directory, and its key."""
    if cache.location() is None:
        return None
    key = hashlib.sha256()
    try:
        where = f"{Path.cwd()}\0{root.resolve()}"
        key.update(where.encode() + b"\0")
        for path in sorted(root.glob("*.yaml")):
            key.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        for path in sorted(data_dir("schemas").glob("*.json")):
            key.update(path.read_bytes())
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            st = path.stat()
            key.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    except OSError:
        return None
    name = hashlib.sha256(where.encode()).hexdigest()[:16]
    return f"rulebook-{name}.json", key.hexdigest()


def _load_rulebook(root: Path) -> Rulebook:
    from .rulefiles import read_rulebook

    return read_rulebook(root)
