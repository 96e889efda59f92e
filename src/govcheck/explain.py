"""`govcheck explain`: the chain behind each finding, or why a rule did not fire.

For a trainer's session each finding is a *step* in two halves: the question (the
proposal facts the rule read, with their lines: "what is the risk here?") and the
answer (the derived facts and the definitions that derived them, the check that
fired, the message, what to do and the source quotes). The CLI prints both halves, or
with `--step` on a terminal shows them one screen at a time (`govcheck.trainer`).
`--rule ID` explains one rule; for a rule that did not fire it names each failing
condition with the proposal's value.

An explanation is made of `Line`s, wrapped only when shown, so a terminal of any width
gets text that fits it. For the training room (`room=True`) the answers leave out what
only a rule author needs (rule-file locations, derived-fact ids, JSON pointers, seed
file names) and the header does not count the findings by severity, which would give
the answers away.

Everything here returns Lines (or Step values); showing them belongs to the front ends.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import conditions as cond
from .checker import Checker
from .entities import extract
from .errors import GovcheckError
from .evaluate import Reader
from .fields import PROPOSAL
from .loader import Document, LoadError, load_path
from .model import TOPIC_TITLES, Finding, Result
from .render.base import (
    NO_FINDINGS,
    as_at_origin,
    source_label,
    source_line,
    uk_date,
    waiver_line,
)
from .rulebook import DecidingDates, Rule, Rulebook
from .textsafe import clean, guard_line

QUESTION = "What is the risk in this arrangement?"
WIDTH = 100
MAX_READINGS = 5  # ways of choosing list items shown for a rule that did not fire


class ExplainError(GovcheckError):
    """explain cannot run (unknown rule, unreadable file): exit 2 with this message."""


@dataclass(frozen=True)
class Line:
    """One paragraph of an explanation, wrapped when it is shown.

    `first` indents its first line and `rest` the others. `style` says what it is, for
    a terminal to colour: question, error, warning, info (an answer's heading), label,
    quote, muted, rule (a separator), or "" for plain text.
    """

    text: str
    first: str = ""
    rest: str | None = None
    style: str = ""


Lines = list[Line]


def lines(items: Iterable[Line], width: int = WIDTH) -> list[tuple[str, str]]:
    """Each Line wrapped to `width` columns, as (text, style) rows.

    Text from the proposal is shown through `textsafe.clean`, so nothing in it can
    break a line or drive the terminal; a word longer than the width is broken."""
    rows: list[tuple[str, str]] = []
    for item in items:
        if item.style == "rule":
            rows.append(("-" * min(width, len(item.text)), "rule"))
            continue
        text = clean(item.text)
        rest = item.rest if item.rest is not None else item.first
        if not text:
            rows.append(("", item.style))
            continue
        wrapped = textwrap.wrap(
            text,
            width=max(width, len(item.first) + 10, len(rest) + 10),
            initial_indent=item.first,
            subsequent_indent=rest,
            break_on_hyphens=False,
        )
        rows.extend((guard_line(row), item.style) for row in wrapped)
    return rows


def text(items: Iterable[Line], width: int = WIDTH) -> str:
    return "".join(row + "\n" for row, _ in lines(items, width))


@dataclass
class Step:
    """One finding (or one rule that did not fire), as a question and its answer."""

    ask: Lines
    tell: Lines
    name: str = ""  # 'Finding 2 of 6', 'Rule PEN-002'

    @property
    def question(self) -> str:
        return text(self.ask)

    @property
    def answer(self) -> str:
        return text(self.tell)


@dataclass
class Explanation:
    head: Lines
    steps: list[Step] = field(default_factory=list)
    foot: Lines = field(default_factory=list)

    @property
    def header(self) -> str:
        return text(self.head)

    @property
    def footer(self) -> str:
        return text(self.foot)

    def text(self, width: int = WIDTH) -> str:
        """The whole explanation, wrapped to `width`: header, each question and its
        answer, footer."""
        parts: Lines = list(self.head)
        for s in self.steps:
            parts += [Line(""), *s.ask, Line(""), *s.tell]
        if self.foot:
            parts += [Line(""), *self.foot]
        return text(parts, width)


def explain(
    path: str,
    rulebook: Rulebook,
    *,
    rule: str | None = None,
    as_at: str | None = None,
    room: bool = False,
) -> Explanation:
    """Explain every finding of the proposal at `path` (or one rule, fired or not).

    `room`: for a training room, as `govcheck explain --step` shows it (see above)."""
    if rule is not None and rule not in rulebook.rules:
        hint = _suggest_rule(rule, rulebook)
        raise ExplainError(f"no rule {rule!r} in the rulebook{hint}; `govcheck rules` lists them")
    try:
        doc = load_path(path)
    except LoadError as e:
        doc = None
        result = Checker(rulebook, as_at=as_at).check_path(path)
        load_problem = f"{e.message} (line {e.line})"
    except OSError as e:
        raise ExplainError(f"cannot read {path}: {e.strerror}") from None
    else:
        result = Checker(rulebook, as_at=as_at).check_document(doc)
        load_problem = ""
    out = explain_result(result, rulebook, rule=rule, room=room, load_problem=load_problem)
    if result.valid and rule is not None and not out.steps:
        assert doc is not None
        out.steps.append(not_fired_step(rulebook.rules[rule], doc, rulebook, result.as_at or ""))
        out.foot = []
    return out


def explain_result(
    result: Result,
    rulebook: Rulebook,
    *,
    rule: str | None = None,
    room: bool = False,
    load_problem: str = "",
) -> Explanation:
    """The explanation of a result already checked: a step for each finding (of `rule`
    only, when given), or why the file is not a valid proposal. A front end that holds
    the result (the workbench's training mode) calls this without reading a file."""
    out = Explanation(_header(result, room))
    if not result.valid:
        out.foot = _invalid(result, load_problem)
        return out
    chosen = [f for f in result.findings if rule is None or f.rule == rule]
    total = len(chosen)
    for n, f in enumerate(chosen, 1):
        out.steps.append(finding_step(f, result, rulebook, n, total, room=room))
    if not chosen:
        out.foot = [Line(NO_FINDINGS)]
    return out


def _suggest_rule(rule: str, rulebook: Rulebook) -> str:
    m = re.fullmatch(r"\s*([A-Za-z]+)[-_ ]?0*(\d+)\s*", rule)
    if m and f"{m[1].upper()}-{int(m[2]):03d}" in rulebook.rules:
        return f" (did you mean {m[1].upper()}-{int(m[2]):03d}?)"
    close = difflib.get_close_matches(rule.upper(), list(rulebook.rules), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# ---- a finding that fired


def finding_step(
    f: Finding, result: Result, rulebook: Rulebook, n: int, total: int, *, room: bool = False
) -> Step:
    """The question (what the proposal says) and the answer (the finding and why)."""
    q: Lines = [*_rule_line(f"Finding {n} of {total}: {QUESTION}", "question")]
    q.append(Line("The proposal says:", style="label"))
    seen: set[tuple[str, str]] = set()
    for path, value, line in _all_fields(f):
        key = (path, cond.show(value))
        if key in seen:
            continue
        seen.add(key)
        q.append(_field_line(path, value, line))
    if len(q) == 2:
        q.append(Line("(the rule read no proposal field directly)", "  "))

    a: Lines = [Line(f"Answer {n}: {f.severity.upper()} {f.rule}  {f.title}", style=f.severity)]
    rule = rulebook.rules.get(f.rule)
    if room:
        where = f"; the proposal at line {f.location.line}" if f.location.line else ""
        a.append(Line(f"Topic: {TOPIC_TITLES.get(f.topic, f.topic)}{where}", "  ", style="muted"))
    else:
        where = f"{result.file}:{f.location.line}:{f.location.column}"
        a.append(
            Line(f"topic {f.topic}; at {where} ({f.location.path or '/'})", "  ", style="muted")
        )
    if f.chain:
        a.append(Line(""))
        a.append(Line("What govcheck derived from it:", style="label"))
        for step in f.chain:
            if room:
                a.append(_wrap(f"- {step.means}", "  ", "    "))
                continue
            a.append(_wrap(f"- {step.fact} ({step.about}): {step.means}", "  ", "    "))
            for b in step.because:
                a.append(_wrap(f"because {b}", "      ", "        "))
            a.append(Line(f"defined at {step.definition}", "      ", style="muted"))
            for s in step.sources:
                a.extend(_source(s, "      "))
    a.append(Line(""))
    defined = f" ({rule.file}:{rule.line})" if rule and not room else ""
    a.append(Line(f"The check that fired: {f.rule}{defined}, because", style="label"))
    for b in f.because:
        a.append(_wrap(f"- {b}", "  ", "    "))
    a.append(Line(""))
    a.append(Line("Finding:", style="label"))
    a.append(_wrap(f.message, "  "))
    if f.remedy:
        a.append(Line("What to do:", style="label"))
        a.append(_wrap(f.remedy, "  "))
    if f.waived:
        line = waiver_line(f.waived, date=uk_date if room else str)
        a.append(_wrap(line[0].upper() + line[1:], "  "))
    if f.sources:
        a.append(Line("Sources:", style="label"))
        for s in f.sources:
            a.extend(_source(s, "  ", room=room))
    return Step(q, a, f"Finding {n} of {total}")


def _all_fields(f: Finding) -> Iterable[tuple[str, Any, int | None]]:
    for step in f.chain:
        yield from step.fields
    yield from f.fields


def _field_line(path: str, value: Any, line: int | None) -> Line:
    shown = cond.show(value) if value is not cond.MISSING else "(not stated)"
    where = f"line {line}" if line else "not in the file"
    return _wrap(f"{path}: {shown}   [{where}]", "  ", "    ")


# ---- a rule that did not fire


def not_fired_step(rule: Rule, doc: Document, rulebook: Rulebook, as_at: str) -> Step:
    q = [*_rule_line(f"Rule {rule.id}: {rule.title}", "question")]
    q.append(Line(f"{rule.severity}, topic {rule.topic}; defined at {rule.file}:{rule.line}", "  "))
    a = [Line(f"{rule.id} did not fire on this proposal (as at {as_at}).", style="label")]
    data = doc.data if isinstance(doc.data, dict) else {}
    dates = rulebook.deciding_dates(data, as_at)
    law = rulebook.law_for(dates)
    decided = dates.for_item(rule.dated_by)
    if decided != as_at:
        a.append(_wrap(f"It is judged at {decided}, the date of {rule.dated_by}.", "  "))
    if not rule.in_force(decided):
        a.append(
            _wrap(
                f"It is not in force on {decided}: it applies from "
                f"{rule.valid_from or 'the start of the rulebook'} to "
                f"{rule.valid_to or 'today'} (dates inclusive). Its conditions, read anyway:",
                "  ",
            )
        )
    facts = extract(data, rulebook.catalogue, as_at)
    evaluation = rulebook.ruleset(law).evaluate(facts.engine_facts)
    reader = Reader(facts, rulebook.catalogue, evaluation.derived, rulebook.facts, law)
    condition = rulebook.bound(rule, decided)[0] or rule.condition
    empty = _empty_lists(condition, reader)
    if empty:
        names = ", ".join(f"`{e}`" for e in empty)
        a.append(
            _wrap(
                f"The rule speaks about each entry of {names}, and the proposal has no entries "
                "there, so there was nothing for it to test.",
                "  ",
            )
        )
    readings = list(reader.all_bindings(condition))
    for bindings in readings[:MAX_READINGS]:
        reading = reader.read(condition, bindings)
        if len(readings) > 1:
            which = ", ".join(f"{k.split('/')[0]}[{k.split('/')[-1]}]" for k in bindings.values())
            a.append(Line(f"For {which}:", "  "))
        failed = [r for r in reading.leaves if not r.held]
        held = [r for r in reading.leaves if r.held]
        if reading.held:
            a.append(
                Line(
                    "all its conditions hold here"
                    + ("" if rule.in_force(decided) else " (it would fire if it were in force)"),
                    "    ",
                )
            )
        for r in failed:
            a.append(_wrap("failed: " + cond.describe_failure(r), "    ", "      "))
            if isinstance(r.leaf, cond.FactRef):
                a.extend(_fact_failure(r.leaf.name, bindings, reader, dates))
        for r in held:
            a.append(_wrap("held:   " + cond.describe(r), "    ", "      "))
    if len(readings) > MAX_READINGS:
        a.append(
            Line(f"… and {len(readings) - MAX_READINGS} more ways of choosing list entries", "  ")
        )
    a.append(Line("What the rule looks for, in its own words:", style="label"))
    a.append(_wrap(rule.title + (f" - {rule.why}" if rule.why else ""), "  "))
    for s in rule.sources:
        a.extend(_source(s, "  "))
    return Step(q, a, f"Rule {rule.id}")


def _fact_failure(
    name: str, bindings: dict[str, str], reader: Reader, dates: DecidingDates
) -> Lines:
    definition = reader.definitions[name]
    out = [
        _wrap(
            f"({name} means: {definition.means}; defined at {definition.file}:{definition.line})",
            "      ",
            "       ",
        )
    ]
    when = dates.for_item(definition.dated_by)
    if not definition.in_force(when):
        out.append(
            Line(
                f"the fact is not in force on {when} "
                f"({definition.valid_from or '…'} to {definition.valid_to or '…'})",
                "      ",
            )
        )
    inner = dict(bindings)
    key = reader._key(definition.about, bindings)
    if definition.about != PROPOSAL and key is not None:
        inner[definition.about] = key
    reading = reader.read(reader.condition(definition), inner)
    for r in reading.leaves:
        if not r.held:
            out.append(_wrap("because " + cond.describe_failure(r), "      ", "        "))
    return out


def _empty_lists(condition: cond.Condition, reader: Reader) -> list[str]:
    entities: set[str] = set()
    for leaf in cond.walk(condition):
        if isinstance(leaf, cond.Leaf):
            entities.add(reader.catalogue.fields[leaf.path].entity)
        elif isinstance(leaf, cond.FactRef):
            entities.add(reader.definitions[leaf.name].about)
    return sorted(
        e
        for e in entities
        if reader.catalogue.entities[e].is_list and e not in reader.facts.kinds.values()
    )


# ---- shared pieces


def _header(result: Result, room: bool = False) -> Lines:
    """Which proposal, judged when, and what it is; counts only outside the room."""
    head = [Line(f"{result.file}" + (f" — {result.title}" if result.title else ""))]
    if result.as_at:
        shown = uk_date(result.as_at) if room else result.as_at
        head.append(Line(f"as at {shown} (from {as_at_origin(result.as_at_origin)})"))
    if result.summary:
        head.append(Line(""))
        head.append(Line("The arrangement:", style="label"))
        head.append(_wrap(" ".join(result.summary.split()), "  "))
    if result.valid and room:
        n = len(result.findings)
        head.append(Line(""))
        head.append(Line(f"{n} finding{'s' if n != 1 else ''} to discuss."))
    elif result.valid:
        c = result.counts()
        n = len(result.findings)
        head.append(Line(""))
        head.append(
            Line(
                f"{n} finding{'s' if n != 1 else ''}: {c['error']} error, "
                f"{c['warning']} warning, {c['info']} info, {c['waived']} waived"
            )
        )
    return head


def _invalid(result: Result, load_problem: str) -> Lines:
    out = [Line("This file is not a valid proposal, so no rule was run on it:", style="label")]
    if load_problem and not result.findings:
        out.append(Line(load_problem, "  "))
    for f in result.findings:
        out.append(_wrap(f"line {f.location.line}: {f.message}", "  ", "    "))
    return out


def _source(s: dict[str, Any], indent: str, *, room: bool = False) -> Lines:
    """A source with its quote: in the room by its title only, no file or line."""
    said = source_label(s) if room else source_line(s)
    out = [_wrap("source: " + said, indent, indent + "  ")]
    if s.get("quote"):
        out.append(_wrap(f"\u201c{s['quote']}\u201d", indent + "  ", indent + "   ", "quote"))
    return out


def _rule_line(heading: str, style: str) -> tuple[Line, Line]:
    """A separator as long as the heading under it (a terminal draws it full width)."""
    return Line("-" * max(40, len(heading)), style="rule"), Line(heading, style=style)


def _wrap(text: str, first: str, rest: str | None = None, style: str = "") -> Line:
    return Line(text, first, rest, style)
