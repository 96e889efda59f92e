"""`govcheck explain`: the chain behind each finding, or why a rule did not fire.

For a trainer's session each finding is a *step* in two halves: the question (the
proposal facts the rule read, with their lines: "what is the risk here?") and the
answer (the derived facts and the definitions that derived them, the check that
fired, the message, what to do and the source quotes). The CLI prints both halves, or
with `--step` on a terminal pauses between them. `--rule ID` explains one rule; for a
rule that did not fire it names each failing condition with the proposal's value.

Everything here returns text (or Step values); printing and pausing belong to cli.py.
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
from .evaluate import Reader
from .fields import PROPOSAL
from .loader import Document, LoadError, load_path
from .model import Finding, Result
from .render.base import source_line, waiver_line
from .rulebook import DecidingDates, Rule, Rulebook

QUESTION = "What is the risk in this arrangement?"
WIDTH = 100
MAX_READINGS = 5  # ways of choosing list items shown for a rule that did not fire


class ExplainError(Exception):
    """explain cannot run (unknown rule, unreadable file): exit 2 with this message."""


@dataclass
class Step:
    """One finding (or one rule that did not fire), as a question and its answer."""

    question: str
    answer: str


@dataclass
class Explanation:
    header: str
    steps: list[Step] = field(default_factory=list)
    footer: str = ""

    def text(self) -> str:
        parts = [self.header]
        for s in self.steps:
            parts += [s.question, s.answer]
        if self.footer:
            parts.append(self.footer)
        return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def explain(
    path: str,
    rulebook: Rulebook,
    *,
    rule: str | None = None,
    as_at: str | None = None,
) -> Explanation:
    """Explain every finding of the proposal at `path` (or one rule, fired or not)."""
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
    out = Explanation(_header(result, doc))
    if not result.valid:
        out.footer = _invalid(result, load_problem)
        return out
    assert doc is not None
    chosen = [f for f in result.findings if rule is None or f.rule == rule]
    total = len(chosen)
    for n, f in enumerate(chosen, 1):
        out.steps.append(finding_step(f, result, rulebook, n, total))
    if rule is not None and not chosen:
        out.steps.append(not_fired_step(rulebook.rules[rule], doc, rulebook, result.as_at or ""))
    if rule is None and not chosen:
        out.footer = "No findings: no rule in force on this date fired on this proposal.\n"
    return out


def _suggest_rule(rule: str, rulebook: Rulebook) -> str:
    m = re.fullmatch(r"\s*([A-Za-z]+)[-_ ]?0*(\d+)\s*", rule)
    if m and f"{m[1].upper()}-{int(m[2]):03d}" in rulebook.rules:
        return f" (did you mean {m[1].upper()}-{int(m[2]):03d}?)"
    close = difflib.get_close_matches(rule.upper(), list(rulebook.rules), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# ---- a finding that fired


def finding_step(f: Finding, result: Result, rulebook: Rulebook, n: int, total: int) -> Step:
    q: list[str] = [_rule_line(f"Finding {n} of {total}: {QUESTION}")]
    q.append("The proposal says:")
    seen: set[tuple[str, str]] = set()
    for path, value, line in _all_fields(f):
        key = (path, cond.show(value))
        if key in seen:
            continue
        seen.add(key)
        q.append(_field_line(path, value, line))
    if len(q) == 2:
        q.append("  (the rule read no proposal field directly)")

    a: list[str] = [f"Answer {n}: {f.severity.upper()} {f.rule}  {f.title}"]
    rule = rulebook.rules.get(f.rule)
    where = f"{result.file}:{f.location.line}:{f.location.column}"
    a.append(f"  topic {f.topic}; at {where} ({f.location.path or '/'})")
    if f.chain:
        a.append("")
        a.append("What govcheck derived from it:")
        for step in f.chain:
            a.append(_wrap(f"- {step.fact} ({step.about}): {step.means}", "  ", "    "))
            for b in step.because:
                a.append(_wrap(f"because {b}", "      ", "        "))
            a.append(f"      defined at {step.definition}")
            for s in step.sources:
                a.extend(_source(s, "      "))
    a.append("")
    defined = f" ({rule.file}:{rule.line})" if rule else ""
    a.append(f"The check that fired: {f.rule}{defined}, because")
    for b in f.because:
        a.append(_wrap(f"- {b}", "  ", "    "))
    a.append("")
    a.append("Finding:")
    a.append(_wrap(f.message, "  "))
    if f.remedy:
        a.append("What to do:")
        a.append(_wrap(f.remedy, "  "))
    if f.waived:
        line = waiver_line(f.waived)
        a.append(_wrap(line[0].upper() + line[1:], "  "))
    if f.sources:
        a.append("Sources:")
        for s in f.sources:
            a.extend(_source(s, "  "))
    return Step("\n".join(q) + "\n", "\n".join(a) + "\n")


def _all_fields(f: Finding) -> Iterable[tuple[str, Any, int | None]]:
    for step in f.chain:
        yield from step.fields
    yield from f.fields


def _field_line(path: str, value: Any, line: int | None) -> str:
    shown = cond.show(value) if value is not cond.MISSING else "(not stated)"
    where = f"line {line}" if line else "not in the file"
    return _wrap(f"{path}: {shown}   [{where}]", "  ", "    ")


# ---- a rule that did not fire


def not_fired_step(rule: Rule, doc: Document, rulebook: Rulebook, as_at: str) -> Step:
    q = [_rule_line(f"Rule {rule.id}: {rule.title}")]
    q.append(f"  {rule.severity}, topic {rule.topic}; defined at {rule.file}:{rule.line}")
    a = [f"{rule.id} did not fire on this proposal (as at {as_at})."]
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
            a.append(f"  For {which}:")
        failed = [r for r in reading.leaves if not r.held]
        held = [r for r in reading.leaves if r.held]
        if reading.held:
            a.append(
                "    all its conditions hold here"
                + ("" if rule.in_force(decided) else " (it would fire if it were in force)")
            )
        for r in failed:
            a.append(_wrap("failed: " + cond.describe_failure(r), "    ", "      "))
            if isinstance(r.leaf, cond.FactRef):
                a.extend(_fact_failure(r.leaf.name, bindings, reader, dates))
        for r in held:
            a.append(_wrap("held:   " + cond.describe(r), "    ", "      "))
    if len(readings) > MAX_READINGS:
        a.append(f"  … and {len(readings) - MAX_READINGS} more ways of choosing list entries")
    a.append("What the rule looks for, in its own words:")
    a.append(_wrap(rule.title + (f" - {rule.why}" if rule.why else ""), "  "))
    for s in rule.sources:
        a.extend(_source(s, "  "))
    return Step("\n".join(q) + "\n", "\n".join(a) + "\n")


def _fact_failure(
    name: str, bindings: dict[str, str], reader: Reader, dates: DecidingDates
) -> list[str]:
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
            f"      the fact is not in force on {when} "
            f"({definition.valid_from or '…'} to {definition.valid_to or '…'})"
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


def _header(result: Result, doc: Document | None) -> str:
    lines = [f"{result.file}" + (f" — {result.title}" if result.title else "")]
    origin = {"proposal": "from the proposal", "command line": "from --as-at"}.get(
        result.as_at_origin, "today's date"
    )
    if result.as_at:
        lines.append(f"as at {result.as_at} ({origin})")
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    summary = data.get("summary")
    if isinstance(summary, str) and summary.strip():
        lines.append("")
        lines.append("The arrangement:")
        lines.append(_wrap(" ".join(summary.split()), "  "))
    if result.valid:
        c = result.counts()
        lines.append("")
        lines.append(
            f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}: "
            f"{c['error']} error, {c['warning']} warning, {c['info']} info, {c['waived']} waived"
        )
    return "\n".join(lines) + "\n"


def _invalid(result: Result, load_problem: str) -> str:
    lines = ["This file is not a valid proposal, so no rule was run on it:"]
    if load_problem and not result.findings:
        lines.append("  " + load_problem)
    for f in result.findings:
        lines.append(_wrap(f"line {f.location.line}: {f.message}", "  ", "    "))
    return "\n".join(lines) + "\n"


def _source(s: dict[str, Any], indent: str) -> list[str]:
    out = [_wrap("source: " + source_line(s), indent, indent + "  ")]
    if s.get("quote"):
        out.append(_wrap(f"\u201c{s['quote']}\u201d", indent + "  ", indent + "   "))
    return out


def _rule_line(text: str) -> str:
    return "\n" + "-" * min(WIDTH, max(40, len(text))) + "\n" + text


def _wrap(text: str, first: str, rest: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest if rest is not None else first,
        break_long_words=False,
        break_on_hyphens=False,
    )
