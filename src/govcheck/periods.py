"""Law over time: the same proposal checked as at each period between changes of law.

"What changes if we go live after the next change of law?" Time is split at every date
where a rule or derived fact that could apply to this proposal starts or stops being in
force, and where a waiver it carries expires; the proposal is checked as at the start
of each period; periods whose findings are identical are merged, so a board sees the
changes and not the noise. At each boundary the report shows what appears, what
disappears and the law that changed, from the sources of the rules and facts whose
dates fall there.

Only the date of judgment moves. The proposal's own event dates (when a procurement
started, when an interest was declared) stay as stated in every period.

"Could apply" is decided without the engine: a rule's condition is read against the
proposal as if every derived fact the proposal could support were established and as
if every test of the date held. Conditions never negate a derived fact, so a rule that
fails this reading fails at every date, and its dates cannot change the findings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from . import conditions as cond
from .checker import Checker
from .entities import extract
from .evaluate import Reader, Reading
from .fields import PROPOSAL
from .loader import Document
from .model import Finding, Result
from .rulebook import FactDefinition, Rule, Rulebook
from .scenarios import ScenarioError, Source, at_date, load_one, recheck, require_valid
from .values import ValueRef, day_after, day_before
from .waivers import proposal_waivers

# Sources that say what the law is (rather than the seeds' analysis of it).
INSTRUMENT_KINDS = ("legislation", "case-law", "guidance")


@dataclass(frozen=True)
class LawChange:
    """Why the findings change at a boundary: a rule or derived fact starting or ceasing
    to apply on that date, or a waiver expiring, with the law behind it."""

    date: str
    rule: str | None  # the rule whose finding changes
    event: str  # "comes into force", "ceases to apply", "changes", "expires"
    subject: str  # "rule REG-004", "derived fact …", "value …", "waiver of PEN-003"
    references: tuple[str, ...]  # its instruments: "Financial Services Act 2012, s.6"
    sources: tuple[dict[str, Any], ...] = ()
    # The rulebook's named date the change falls on, and what it means, when it has one.
    named_date: str | None = None
    means: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "rule": self.rule,
            "subject": self.subject,
            "event": self.event,
            "named_date": self.named_date,
            "means": self.means,
            "references": list(self.references),
            "sources": [dict(s) for s in self.sources],
        }


@dataclass
class Period:
    """A stretch of time in which the proposal's findings stay the same."""

    start: str
    end: str
    result: Result
    appear: list[str] = field(default_factory=list)
    disappear: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # still there, but said differently
    law: list[LawChange] = field(default_factory=list)
    # The instruments behind the changes at this period's start (the law that changed).
    instruments: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return self.result.counts()

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "summary": self.summary(),
            "findings": [f.as_dict() for f in self.result.findings],
            "appear": list(self.appear),
            "disappear": list(self.disappear),
            "changed": list(self.changed),
            "law": [c.as_dict() for c in self.law],
            "instruments": list(self.instruments),
        }


@dataclass
class Timeline:
    """One proposal across changes of law (`govcheck timeline`): checked as at each period
    between the dates a rule that could apply starts or stops being in force."""

    file: str
    proposal: str | None
    title: str | None
    start: str
    end: str
    periods: list[Period]
    # The proposal's own dates (field, value), which stay as stated in every period.
    fixed_dates: list[tuple[str, str]] = field(default_factory=list)
    # Every date the proposal was checked at (before identical periods were merged).
    checked_at: list[str] = field(default_factory=list)
    tool: dict[str, str] = field(default_factory=dict)
    book: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "rulebook": self.book,
            "file": self.file,
            "proposal": self.proposal,
            "title": self.title,
            "from": self.start,
            "to": self.end,
            "fixed_dates": [{"field": f, "value": v} for f, v in self.fixed_dates],
            "checked_at": list(self.checked_at),
            "periods": [p.as_dict() for p in self.periods],
        }


# ---------------------------------------------------------------------------------------


def earliest_date(rulebook: Rulebook) -> str:
    """The first date any rule or derived fact names: the default start of a timeline."""
    dates = [
        d
        for item in [*rulebook.rules.values(), *rulebook.facts.values()]
        for d in (item.valid_from, item.valid_to)
        if d
    ]
    return min(dates) if dates else datetime.date.today().isoformat()


def timeline_document(
    checker: Checker,
    doc: Document,
    start: str | None = None,
    end: str | None = None,
    *,
    every_date: bool = False,
) -> Timeline:
    """Check `doc` as at each period between `start` and `end` (inclusive dates;
    default from the earliest date in the rulebook to today).

    `every_date` cuts time at every date the rulebook knows, not only those of the law
    that could apply to this proposal: the same periods come out (identical ones are
    merged), after more checks. It shows that nothing was left out."""
    book = checker.rulebook
    require_valid(doc, checker)
    start = start or earliest_date(book)
    end = end or datetime.date.today().isoformat()
    if start > end:
        raise ScenarioError(f"--from {start} is after --to {end}")
    relevant = Relevance(book, doc)
    cuts = set(book.change_dates()) if every_date else relevant.change_dates()
    cuts |= _waiver_dates(doc, checker)
    if book.law_reviewed_to:  # later dates get the LAW-CURRENCY finding
        cuts.add(day_after(book.law_reviewed_to))
    boundaries = sorted(d for d in cuts if start < d <= end)
    starts = [start, *boundaries]
    ends = [day_before(d) for d in boundaries] + [end]
    periods: list[Period] = []
    previous: list[dict[str, Any]] | None = None
    for first, last in zip(starts, ends, strict=True):
        result = recheck(at_date(checker, first), doc)
        shown = [f.as_dict() for f in result.findings]
        if periods and shown == previous:
            periods[-1].end = last  # the same findings: one period, not two
            continue
        period = Period(first, last, result)
        if periods:
            _differences(periods[-1], period)
            period.law = relevant.explain(first, period, doc, checker)
            period.instruments = _instruments(period.law) or instruments_on(book, first)
        periods.append(period)
        previous = shown
    tool, header = checker.header
    data = doc.data
    return Timeline(
        file=doc.path,
        proposal=data.get("id") if isinstance(data.get("id"), str) else None,
        title=data.get("title") if isinstance(data.get("title"), str) else None,
        start=start,
        end=end,
        periods=periods,
        fixed_dates=fixed_dates(doc, book),
        checked_at=starts,
        tool=tool,
        book=header,
    )


def _instruments(changes: list[LawChange]) -> list[str]:
    """The instruments behind a boundary's changes: those of what comes into force, or,
    when only something ceases, of what ceases."""
    starting = [c for c in changes if c.event == "comes into force"]
    chosen = [c for c in starting if c.references] or changes
    return list(dict.fromkeys(r for c in chosen for r in c.references))


def _differences(before: Period, after: Period) -> None:
    old = {_key(f): f.as_dict() for f in before.result.findings}
    new = {_key(f): f.as_dict() for f in after.result.findings}
    after.appear = _ids(k for k in new if k not in old)
    after.disappear = _ids(k for k in old if k not in new)
    after.changed = _ids(k for k in new if k in old and new[k] != old[k])


def _key(f: Finding) -> tuple[str, str]:
    return (f.rule, f.location.path)


def _ids(keys: Any) -> list[str]:
    return sorted({rule for rule, _path in keys})


def _waiver_dates(doc: Document, checker: Checker) -> set[str]:
    """The day after each waiver the proposal carries expires (its finding returns)."""
    ids = doc.data.get("id")
    waivers = proposal_waivers(doc) + [
        s.waiver for s in checker.shared_waivers if isinstance(ids, str) and s.covers_proposal(ids)
    ]
    return {day for w in waivers if (day := _returns_on(w.expires)) is not None}


def _returns_on(expires: str) -> str | None:
    """The day a waived finding comes back: the day after its waiver expires. A waiver
    to 9999-12-31 (written to mean "never") has none: no date comes after that one."""
    return None if expires >= datetime.date.max.isoformat() else day_after(expires)


def fixed_dates(doc: Document, rulebook: Rulebook) -> list[tuple[str, str]]:
    """Every date the proposal states other than as_at, as (field, value)."""
    out: list[tuple[str, str]] = []
    catalogue = rulebook.catalogue
    facts = extract(doc.data, catalogue, "")
    for path, info in catalogue.fields.items():
        if info.type != "date" or path == "as_at":
            continue
        for key, kind in facts.kinds.items():
            if kind != info.entity:
                continue
            value = cond.value_at(facts.instances[key], info.relative)
            if isinstance(value, str):
                out.append((Reader._display(path, key), value))
    return sorted(out)


# ---------------------------------------------------------------------------------------


class _Possibly(Reader):
    """Reads a condition as it could hold at some date: a test of the date always holds."""

    def read(self, condition: cond.Condition, bindings: dict[str, str]) -> Reading:
        if isinstance(condition, cond.Leaf) and _dated(condition):
            return Reading(True, [])
        return super().read(condition, bindings)


def _dated(leaf: cond.Leaf) -> bool:
    """A test whose outcome depends on the date of judgment: of as_at itself, or against
    a value that changes over time."""
    return leaf.path == "as_at" or isinstance(leaf.value, ValueRef)


class Relevance:
    """Which rules and derived facts could apply to one proposal at some date, and on
    which dates they (or the dated values they use) start, stop or change.

    An item dated by an event the proposal states (`dated_by`) is judged at that event
    whatever the date of judgment, so its own dates and values cut no period."""

    def __init__(self, rulebook: Rulebook, doc: Document) -> None:
        self.rulebook = rulebook
        facts = extract(doc.data, rulebook.catalogue, "")
        self.reader = _Possibly(facts, rulebook.catalogue, set(), rulebook.facts)
        self.facts = self._possible_facts()
        self.rules = [r for r in rulebook.rules.values() if self._could_hold(r.condition)]
        stated = rulebook.deciding_dates(doc.data, "").events
        self.events = {path: date for path, date in stated if date}

    def _possible_facts(self) -> set[str]:
        """Derived facts the proposal could support, ignoring dates (to a fixpoint: facts
        may rest on facts)."""
        reader = self.reader
        names: set[str] = set()
        grew = True
        while grew:
            grew = False
            for d in self.rulebook.facts.values():
                if d.name in names:
                    continue
                for key in self._keys(d.about):
                    for bindings in reader.all_bindings(d.condition):
                        if d.about != PROPOSAL and self._is_list(d.about):
                            bindings = {**bindings, d.about: key}
                        if reader.read(d.condition, bindings).held:
                            reader.derived.add((d.name, key))
                            names.add(d.name)
                            grew = True
        return names

    def _keys(self, about: str) -> list[str]:
        if self._is_list(about):
            return [k for k, kind in self.reader.facts.kinds.items() if kind == about]
        return [about]

    def _is_list(self, entity: str) -> bool:
        return self.rulebook.catalogue.entities[entity].is_list

    def _could_hold(self, condition: cond.Condition) -> bool:
        return any(
            self.reader.read(condition, b).held for b in self.reader.all_bindings(condition)
        )

    def _facts_behind(self, condition: cond.Condition, seen: set[str] | None = None) -> set[str]:
        """The possible derived facts a condition rests on, directly or through others."""
        seen = set() if seen is None else seen
        for leaf in cond.walk(condition):
            if isinstance(leaf, cond.FactRef) and leaf.name in self.facts and leaf.name not in seen:
                seen.add(leaf.name)
                self._facts_behind(self.rulebook.facts[leaf.name].condition, seen)
        return seen

    def moves(self, item: Rule | FactDefinition) -> bool:
        """Does the date of judgment decide this item (rather than a stated event)?"""
        return not (item.dated_by and item.dated_by in self.events)

    def items(self) -> list[Rule | FactDefinition]:
        """The relevant rules and the facts behind them, whose dates move with as_at."""
        found: dict[str, Rule | FactDefinition] = {}
        for r in self.rules:
            found[r.engine_name] = r
            for name in self._facts_behind(r.condition):
                fact = self.rulebook.facts[name]
                found[fact.engine_name] = fact
        return [item for item in found.values() if self.moves(item)]

    def change_dates(self) -> set[str]:
        """Every date on which a relevant rule or a fact behind one starts or stops
        applying, or a dated value it uses changes (the first day of the new state)."""
        dates: set[str] = set()
        table = self.rulebook.values
        for item in self.items():
            dates |= _starts_and_stops(item)
            # A citation that begins later changes the finding's authority that day.
            dates.update(s["applies_from"] for s in item.sources if s.get("applies_from"))
            for name in _value_names(item.condition):
                if name in table.values:
                    dates.update(table.values[name].change_dates())
        return dates

    def explain(
        self, date: str, period: Period, doc: Document, checker: Checker
    ) -> list[LawChange]:
        """The law that changed on `date`, for each rule whose findings changed there."""
        out: list[LawChange] = []
        waivers = {w.rule: w for w in proposal_waivers(doc)}
        for shared in checker.shared_waivers:
            waivers.setdefault(shared.waiver.rule, shared.waiver)
        for rule_id in sorted({*period.appear, *period.disappear, *period.changed}):
            rule = self.rulebook.rules.get(rule_id)
            if rule is not None and self.moves(rule):
                out.extend(_changes_of(self.rulebook, rule, date, f"rule {rule.id}", rule.id))
            if rule is not None:
                for name in sorted(self._facts_behind(rule.condition)):
                    fact = self.rulebook.facts[name]
                    if self.moves(fact):
                        subject = f"derived fact {name}"
                        out.extend(_changes_of(self.rulebook, fact, date, subject, rule.id))
            waived = waivers.get(rule_id)
            if waived is not None and _returns_on(waived.expires) == date:
                out.append(LawChange(date, rule_id, "expires", f"waiver of {rule_id}", ()))
            if rule_id == "LAW-CURRENCY" and self.rulebook.law_reviewed_to:
                out.append(LawChange(
                    date, rule_id, "is passed", "the date the rulebook's law was reviewed to",
                    (), means=f"later law is not known to this rulebook (reviewed to "
                    f"{self.rulebook.law_reviewed_to})",
                ))  # fmt: skip
        return out


def _value_names(condition: cond.Condition) -> set[str]:
    return {
        leaf.value.name
        for leaf in cond.walk(condition)
        if isinstance(leaf, cond.Leaf) and isinstance(leaf.value, ValueRef)
    }


def _starts_and_stops(item: Rule | FactDefinition) -> set[str]:
    out = set()
    if item.valid_from:
        out.add(item.valid_from)
    if item.valid_to:
        out.add(day_after(item.valid_to))
    return out


def _named_date(rulebook: Rulebook, item: Rule | FactDefinition, key: str) -> Any:
    """The rulebook's named date behind an item's valid_from or valid_to, if it names one."""
    words = getattr(item, "period_names", {}).get(key, "")
    name = words.removeprefix("the day before ")
    return rulebook.values.dates.get(name) if name else None


def _changes_of(
    rulebook: Rulebook, item: Rule | FactDefinition, date: str, subject: str, rule: str
) -> list[LawChange]:
    out: list[LawChange] = []
    if item.valid_from == date:
        event, key = "comes into force", "valid_from"
    elif item.valid_to and day_after(item.valid_to) == date:
        event, key = "ceases to apply", "valid_to"
    else:
        event = key = ""
    if event:
        instruments = tuple(s for s in item.sources if s.get("kind") in INSTRUMENT_KINDS)
        references = [_reference(s) for s in instruments]
        named = _named_date(rulebook, item, key)
        if named is not None:  # the date's own reference says best what changed
            references.insert(0, named.reference)
        out.append(LawChange(
            date, rule, event, subject, tuple(dict.fromkeys(references)), instruments,
            named_date=named.name if named is not None else None,
            means=named.means if named is not None else "",
        ))  # fmt: skip
    for s in item.sources:
        if s.get("applies_from") == date:  # cited from today as law of the day
            out.append(LawChange(
                date, rule, "comes into force", f"{s.get('title') or s['document']}, cited by "
                f"{subject}", (_reference(s),), (s,),
                means="from this date the finding rests on it, not only on earlier sources",
            ))  # fmt: skip
    table = rulebook.values
    for name in sorted(_value_names(item.condition)):
        value = table.values.get(name)
        if value is None or date not in value.change_dates():
            continue
        now, before = value.at(date), value.at(day_before(date))
        shown = "is set" if before is None else "ends" if now is None else "changes"
        reference = (now or before).reference if (now or before) else ""
        out.append(LawChange(
            date, rule, shown, f"value {name}", (reference,) if reference else (),
            means=value.means,
        ))  # fmt: skip
    return out


def _reference(source: dict[str, Any]) -> str:
    return source.get("reference") or source.get("title") or source["document"]


def instruments_on(rulebook: Rulebook, date: str) -> list[str]:
    """The law that changed on `date` by the whole rulebook: the references of the named
    dates that fall on it, then the instruments of every rule and derived fact that
    starts or stops applying that day."""
    named = [d.reference for d in rulebook.values.dates.values() if d.date == date]
    changes = [
        change
        for item in [*rulebook.rules.values(), *rulebook.facts.values()]
        for change in _changes_of(rulebook, item, date, "", "")
    ]
    return list(dict.fromkeys(named + _instruments(changes)))


def timeline(
    source: Source,
    *,
    start: str | None = None,
    end: str | None = None,
    rules: str | None = None,
    checker: Checker | None = None,
    every_date: bool = False,
) -> Timeline:
    """One proposal (a path, a mapping or a Document) across changes of law.

    >>> t = timeline("cases/train-coop-nhs-staff.yaml", end="2026-11-30")  # doctest: +SKIP
    >>> [(p.start, p.end, p.appear, p.disappear) for p in t.periods]       # doctest: +SKIP

    Pass a `checker` to reuse its loaded rulebook across calls (a server does).
    """
    from .rulebook import load_rulebook

    base = checker or Checker(load_rulebook(rules) if rules else None)
    return timeline_document(base, load_one(source), start, end, every_date=every_date)
