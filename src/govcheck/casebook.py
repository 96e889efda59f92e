"""Worked cases and rule examples: the findings a proposal must produce.

A case in `cases/` is a whole proposal with an `x-expect:` list of the findings it must
produce, exactly (a missing finding and an unexpected one are both failures):

    x-expect:
      - {rule: PEN-002, at: /staff_transfer/pension}
      - {rule: COI-002, waived: true}

A rule's `examples:` are fragments merged onto a minimal valid proposal; the rule must
fire on each `fires` fragment, at its `points_at` (or at the fragment's own `x-at:`
pointer), and stay silent on each `passes` fragment. Both are run by
`govcheck test` and by the test suite, and both print expected against actual.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .checker import Checker
from .loader import LoadError, load_path
from .model import Result
from .rulebook import Rule
from .textsafe import clean, guard_line

EXAMPLE_BASE: dict[str, Any] = {
    "govcheck": 1,
    "id": "example",
    "title": "Example",
    "commissioners": [{"id": "pct", "name": "Example PCT", "type": "primary_care_trust"}],
    "provider": {
        "name": "Example Provider",
        "model": "social_enterprise",
        "legal_form": "company_limited_by_guarantee",
    },
}
DEFAULT_AS_AT = "2009-10-01"


@dataclass
class Expectation:
    rule: str
    at: str | None = None
    waived: bool = False

    def key(self) -> tuple[str, bool]:
        return (self.rule, self.waived)

    def show(self) -> str:
        text = self.rule + (" (waived)" if self.waived else "")
        return text + (f" at {self.at}" if self.at else "")


@dataclass
class Outcome:
    name: str
    passed: bool
    expected: list[str] = field(default_factory=list)
    actual: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    note: str = ""

    def report(self) -> str:
        """The outcome for a terminal: case names, notes and expectations come from
        files, so each is shown through textsafe.clean and each line guarded."""
        if self.passed:
            return guard_line(f"ok    {clean(self.name)}")
        lines = [f"FAIL  {clean(self.name)}"]
        if self.note:
            lines.append(f"      {clean(self.note)}")
        lines.append("      expected: " + clean(", ".join(self.expected) or "no findings"))
        lines.append("      actual:   " + clean(", ".join(self.actual) or "no findings"))
        for m in self.missing:
            lines.append(f"      - missing:    {clean(m)}")
        for u in self.unexpected:
            lines.append(f"      + unexpected: {clean(u)}")
        return "\n".join(guard_line(line) for line in lines)


def expectations(data: Mapping[str, Any]) -> list[Expectation] | None:
    raw = data.get("x-expect")
    if raw is None:
        return None
    out = []
    for item in raw or []:
        if isinstance(item, str):
            out.append(Expectation(item))
        else:
            out.append(Expectation(item["rule"], item.get("at"), bool(item.get("waived", False))))
    return out


def compare(name: str, expected: list[Expectation], result: Result) -> Outcome:
    actual = [Expectation(f.rule, f.location.path, f.waived is not None) for f in result.findings]
    want = Counter(e.key() for e in expected)
    got = Counter(a.key() for a in actual)
    missing = [_show_key(k) for k in (want - got).elements()]
    unexpected = [f"{a.show()} — {_message(result, a)}" for a in actual if a.key() in (got - want)]
    # Where a case pins the place, the finding must be there.
    for e in expected:
        if e.at and not any(a.key() == e.key() and a.at == e.at for a in actual):
            places = [a.at or "" for a in actual if a.key() == e.key()]
            if places:
                missing.append(f"{e.show()} (found at {', '.join(places)})")
    return Outcome(
        name=name,
        passed=not missing and not unexpected,
        expected=[e.show() for e in expected],
        actual=[a.show() for a in actual],
        missing=missing,
        unexpected=unexpected,
    )


def _show_key(key: tuple[str, bool]) -> str:
    return key[0] + (" (waived)" if key[1] else "")


def _message(result: Result, e: Expectation) -> str:
    for f in result.findings:
        if f.rule == e.rule and f.location.path == e.at:
            return f.message[:160]
    return ""


def run_case(checker: Checker, path: str) -> Outcome:
    try:
        doc = load_path(path)
    except LoadError as e:
        return Outcome(path, False, note=f"cannot load: {e.message} (line {e.line})")
    except OSError as e:  # unreadable, a named pipe: this case fails, the others still run
        return Outcome(path, False, note=f"cannot read: {e.strerror or e}")
    expected = expectations(doc.data)
    if expected is None:
        return Outcome(path, False, note="no `x-expect:` block: a case must state its findings")
    return compare(path, expected, _on_its_date(checker, doc.data).check_document(doc))


def _on_its_date(checker: Checker, data: Any) -> Checker:
    """A case is a review as it stood on its as-at date, so it is checked as if run on
    that date: a waiver live then is live in the case, whenever the case is run."""
    as_at = data.get("as_at") if isinstance(data, Mapping) else None
    if not isinstance(as_at, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", as_at):
        return checker
    try:
        return Checker(
            checker.rulebook,
            as_at=checker.as_at,
            shared_waivers=checker.shared_waivers,
            today=as_at,
            ignore_proposal_waivers=checker.ignore_proposal_waivers,
        )
    except ValueError:  # not a real date: the case's own schema finding says so
        return checker


def merge(base: Any, fragment: Any) -> Any:
    """Deep-merge a fragment onto a base: mappings merge, everything else replaces."""
    if isinstance(base, Mapping) and isinstance(fragment, Mapping):
        out = dict(base)
        for k, v in fragment.items():
            out[k] = merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(fragment)


def example_as_at(rule: Rule) -> str:
    """A date inside the rule's validity, near the seeds' era when it allows."""
    as_at = DEFAULT_AS_AT
    if rule.valid_from and as_at < rule.valid_from:
        as_at = rule.valid_from
    if rule.valid_to and as_at > rule.valid_to:
        as_at = rule.valid_to
    return as_at


def example_proposal(rule: Rule, fragment: Mapping[str, Any]) -> dict[str, Any]:
    return merge({**EXAMPLE_BASE, "as_at": example_as_at(rule)}, fragment)


def expected_place(rule: Rule, fragment: Mapping[str, Any], catalogue: Any) -> str | None:
    """Where an example's finding must land, as a pattern over JSON pointers: the
    fragment's own `x-at:` (as cases pin theirs with `at:`), else the rule's points_at
    (any item of a list), else None (no place is pinned)."""
    if isinstance(fragment.get("x-at"), str):
        return re.escape(fragment["x-at"])
    if not rule.points_at:
        return None
    info = catalogue.get(rule.points_at)
    entity = info.entity if info else catalogue.entity_of_path(rule.points_at)
    if entity is None:
        return None
    ent = catalogue.entities[entity]
    base = ent.pointer + (r"/\d+" if ent.is_list else "")
    tail = "".join("/" + re.escape(p) for p in info.relative) if info else ""
    return base + tail


def run_examples(checker: Checker, rule: Rule) -> Iterator[Outcome]:
    catalogue = checker.rulebook.catalogue
    for kind in ("fires", "passes"):
        for i, fragment in enumerate(rule.examples.get(kind, [])):
            name = f"{rule.id} example {kind}[{i}]"
            result = checker.check_mapping(example_proposal(rule, fragment), display=name)
            fired = [f.rule for f in result.findings]
            schema = [f.message for f in result.findings if f.topic == "schema"]
            if schema:
                yield Outcome(name, False, note="the example is not a valid proposal: " + schema[0])
                continue
            ok = (rule.id in fired) == (kind == "fires")
            note = "" if ok else f"the rule {'did not fire' if kind == 'fires' else 'fired'}"
            place = expected_place(rule, fragment, catalogue) if kind == "fires" else None
            if ok and place is not None:
                places = [f.location.path for f in result.findings if f.rule == rule.id]
                if not any(re.fullmatch(place, p) for p in places):
                    ok = False
                    where = rule.points_at if "x-at" not in fragment else fragment["x-at"]
                    note = f"the rule fired at {', '.join(places)}, not at {where}"
            yield Outcome(
                name,
                ok,
                expected=[rule.id] if kind == "fires" else [f"not {rule.id}"],
                actual=sorted(set(fired)),
                note=note,
            )
