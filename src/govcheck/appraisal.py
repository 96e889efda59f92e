"""Options appraisal: the same proposal re-checked with one field set to each value in turn.

A board that gets findings asks next: "would another legal form have avoided this?" The
seeds answer that by hand (HSMC 2007 §6 and §8 weigh each model and legal form; King's
Fund 2009 Table C1 lists the options for PCT provider services). Here each option is an
ordinary check of the proposal with the varied field changed, so each option shows what
it would take (its errors and warnings under *this* proposal) and the properties the
appraisals weigh, read from the rulebook's derived facts (`properties:` in the rule files):
true, false or not known, each resting on a fact with its sources.

An option can contradict the rest of the proposal (a community interest company that
states registered charitable status); its errors say so, and `also_change` names the
other fields those errors read: what would have to change too for that option to work.
"""

from __future__ import annotations

import copy
import difflib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .checker import Checker
from .conditions import MISSING, show
from .dates import is_iso_date
from .fields import PROPOSAL, FieldCatalogue, FieldInfo
from .loader import Document
from .model import SEVERITY_RANK, Finding, Result
from .rulebook import Property, Rulebook
from .scenarios import ScenarioError, Source, at_date, load_one, recheck, require_valid

DEFAULT_FIELD = "provider.legal_form"
MAX_OPTIONS = 200
# `--vary FIELD=~` : the option where the proposal does not state the field at all.
NOT_STATED_WORD = "~"


class NotStated:
    """The value of a field an option leaves out ("not stated")."""

    def __repr__(self) -> str:
        return "NOT_STATED"


NOT_STATED = NotStated()


class VaryError(ScenarioError):
    """A `--vary` that names no proposal field, or a value the field cannot take."""

    kind = "cannot compare"


@dataclass(frozen=True)
class Variation:
    """One field and the values it takes in turn."""

    field: str
    values: tuple[Any, ...]

    def __str__(self) -> str:
        return f"{self.field}=" + ",".join(spelled(v) for v in self.values)


def parse_vary(text: str, catalogue: FieldCatalogue) -> Variation:
    """`FIELD=V1,V2,...` checked against the proposal schema, values typed as the field's.

    Raises VaryError with what to write instead: the nearest field name, the allowed
    values of the field.
    """
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise VaryError(f"--vary takes FIELD=V1,V2,... (e.g. {DEFAULT_FIELD}=none,"
                        f"community_interest_company), not {text!r}")
    info = _field(name, catalogue)
    values: list[Any] = []
    for word in rest.split(","):
        value = _typed(word.strip(), info)
        if value not in values:
            values.append(value)
    return Variation(info.path, tuple(values))


def every_value(name: str, catalogue: FieldCatalogue) -> Variation:
    """The field with every value the proposal schema allows (its enum, or true/false)."""
    info = _field(name, catalogue)
    if info.type == "boolean":
        return Variation(info.path, (True, False))
    if not info.values or info.type == "array":
        raise VaryError(
            f"`{info.path}` has no fixed list of values; give them: --vary {info.path}=V1,V2"
        )
    return Variation(info.path, tuple(info.values))


def _field(name: str, catalogue: FieldCatalogue) -> FieldInfo:
    info = catalogue.get(name)
    if info is None:
        close = difflib.get_close_matches(name, list(catalogue.fields), n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise VaryError(
            f"`{name}` is not a proposal field{hint}; `govcheck schema --docs` lists them"
        )
    if info.type == "object":
        inner = ", ".join(p for p in catalogue.fields if p.startswith(info.path + "."))
        raise VaryError(f"`{info.path}` is a group of fields; vary one of them: {inner}")
    return info


def _typed(word: str, info: FieldInfo) -> Any:
    if word == NOT_STATED_WORD:
        return NOT_STATED
    if info.type == "array":
        items = [] if word in ("", "[]") else word.split("+")
        for item in items:
            _allowed(item, info)
        return tuple(items)
    if word == "":
        raise VaryError(f"`{info.path}`: an empty value; write {NOT_STATED_WORD} for 'not stated'")
    if info.type == "boolean":
        if word not in ("true", "false"):
            raise VaryError(f"`{info.path}` is true or false, not {word!r}")
        return word == "true"
    if info.type in ("integer", "number"):
        try:
            return int(word) if info.type == "integer" else float(word)
        except ValueError:
            raise VaryError(f"`{info.path}` is a {info.type}, not {word!r}") from None
    if info.type == "date":
        if not is_iso_date(word):
            raise VaryError(f"`{info.path}` is a date: write YYYY-MM-DD, not {word!r}")
        return word
    _allowed(word, info)
    return word


def _allowed(word: str, info: FieldInfo) -> None:
    if info.values and word not in info.values:
        close = difflib.get_close_matches(word, list(info.values), n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise VaryError(
            f"{word!r} is not a value of `{info.path}`{hint}; allowed: " + ", ".join(info.values)
        )


def spelled(value: Any) -> str:
    """A value as --vary spells it."""
    if value is NOT_STATED:
        return NOT_STATED_WORD
    if isinstance(value, tuple):
        return "+".join(value) if value else "[]"
    return show(value)


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """A field an option's error reads, other than the varied ones: one of the things
    that would have to change too."""

    field: str
    value: Any  # MISSING when not stated
    line: int | None

    def as_dict(self) -> dict[str, Any]:
        stated = self.value is not MISSING
        return {
            "field": self.field,
            "value": self.value if stated else None,
            "stated": stated,
            "line": self.line,
        }


@dataclass(frozen=True)
class AlsoChange:
    rule: str
    title: str
    fields: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title,
                "fields": [f.as_dict() for f in self.fields]}


@dataclass
class Option:
    """One option: the values set, the check under them, and the properties it has."""

    set: dict[str, Any]
    result: Result
    as_proposed: bool
    facts: dict[str, bool | None]
    # property -> the derived facts that decided it (none when not known)
    facts_from: dict[str, tuple[str, ...]]
    also_change: list[AlsoChange] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'community_interest_company'; with several fields, 'legal_form=…, route=…'."""
        if len(self.set) == 1:
            return spelled(next(iter(self.set.values())))
        return ", ".join(f"{k.rsplit('.', 1)[-1]}={spelled(v)}" for k, v in self.set.items())

    def summary(self) -> dict[str, int]:
        return self.result.counts()

    def as_dict(self) -> dict[str, Any]:
        return {
            "set": {k: _json_value(v) for k, v in self.set.items()},
            "as_proposed": self.as_proposed,
            "as_at": self.result.as_at,
            "valid": self.result.valid,
            "summary": self.summary(),
            "findings": [f.as_dict() for f in self.result.findings],
            "facts": dict(self.facts),
            "facts_from": {k: list(v) for k, v in self.facts_from.items()},
            "also_change": [a.as_dict() for a in self.also_change],
        }


@dataclass(frozen=True)
class Distinction:
    """A rule that fires under some options and not others: what tells them apart."""

    rule: str
    severity: str  # the worst severity it has under any option
    topic: str
    title: str
    options: tuple[int, ...]  # indices of the options it fires under
    example: Finding  # its finding under the first of them

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "topic": self.topic,
                "title": self.title, "options": list(self.options)}


@dataclass
class Comparison:
    """An options appraisal of one proposal (`govcheck compare`): each option's findings and
    the derived facts the appraisals weigh, side by side."""

    file: str
    proposal: str | None
    title: str | None
    as_at: str | None
    as_at_origin: str
    vary: list[Variation]
    options: list[Option]
    properties: list[Property]
    rulebook: Rulebook
    tool: dict[str, str] = field(default_factory=dict)
    book: dict[str, Any] = field(default_factory=dict)

    def distinctions(self) -> list[Distinction]:
        """Rules that fire under some options but not all, worst first."""
        where: dict[str, list[int]] = {}
        worst: dict[str, str] = {}
        example: dict[str, Finding] = {}
        for i, option in enumerate(self.options):
            for f in option.result.findings:
                if i not in where.setdefault(f.rule, []):
                    where[f.rule].append(i)
                example.setdefault(f.rule, f)
                if f.rule not in worst or SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst[f.rule]]:
                    worst[f.rule] = f.severity
        out = [
            Distinction(rule, worst[rule], example[rule].topic, example[rule].title,
                        tuple(indices), example[rule])
            for rule, indices in where.items()
            if len(indices) < len(self.options)
        ]
        return sorted(out, key=lambda d: (SEVERITY_RANK[d.severity], d.rule))

    def common(self) -> list[Finding]:
        """One finding for each rule that fires under every option."""
        if not self.options:
            return []
        everywhere = set.intersection(*({f.rule for f in o.result.findings} for o in self.options))
        first: dict[str, Finding] = {}
        for f in self.options[0].result.findings:
            if f.rule in everywhere:
                first.setdefault(f.rule, f)
        return sorted(first.values(), key=Finding.sort_key)

    def fact_definitions(self) -> dict[str, dict[str, Any]]:
        """Every derived fact a property names: what it means and the sources it rests on."""
        out: dict[str, dict[str, Any]] = {}
        for p in self.properties:
            for name in p.true_if + p.false_if:
                d = self.rulebook.facts[name]
                out.setdefault(name, {
                    "means": d.means,
                    "sources": [dict(s) for s in d.sources],
                    "valid_from": d.valid_from,
                    "valid_to": d.valid_to,
                    "defined_at": f"{d.file}:{d.line}",
                })
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "rulebook": self.book,
            "file": self.file,
            "proposal": self.proposal,
            "title": self.title,
            "as_at": self.as_at,
            "as_at_origin": self.as_at_origin,
            "vary": [{"field": v.field, "values": [_json_value(x) for x in v.values]}
                     for v in self.vary],
            "properties": [
                {"name": p.name, "label": p.label, "true_if": list(p.true_if),
                 "false_if": list(p.false_if), "shown_true": p.shown_true,
                 "shown_false": p.shown_false}
                for p in self.properties
            ],
            "derived_facts": self.fact_definitions(),
            "options": [o.as_dict() for o in self.options],
            "distinguishing": [d.as_dict() for d in self.distinctions()],
        }


def _json_value(value: Any) -> Any:
    if value is NOT_STATED:
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


# ---------------------------------------------------------------------------------------


def compare_document(
    checker: Checker, doc: Document, vary: Sequence[Variation] = ()
) -> Comparison:
    """Re-check `doc` once per option (every combination of the variations' values).

    With no variation, vary `provider.legal_form` over every value the schema allows.
    The checker's rulebook, rulesets and engine sessions serve every option.
    """
    catalogue = checker.rulebook.catalogue
    require_valid(doc, checker)
    vary = list(vary) or [every_value(DEFAULT_FIELD, catalogue)]
    fields = [v.field for v in vary]
    if len(set(fields)) != len(fields):
        raise VaryError("the same field is varied twice; give all its values in one --vary")
    if "as_at" in fields and checker.as_at:
        raise VaryError("--as-at and --vary as_at both set the date; give one of them")
    total = 1
    for v in vary:
        total *= len(v.values)
    if total > MAX_OPTIONS:
        raise VaryError(f"{total} options are too many to compare (at most {MAX_OPTIONS}); "
                        "vary fewer values")
    for v in vary:
        info = catalogue.fields[v.field]
        if info.entity != PROPOSAL and catalogue.entities[info.entity].is_list:
            if not doc.data.get(info.entity):
                raise VaryError(f"`{v.field}` is set in every item of `{info.entity}`, "
                                f"but the proposal has no {info.entity}")

    options: list[Option] = []
    stated = {f: _current(doc.data, f) for f in fields}
    for combo in itertools.product(*(v.values for v in vary)):
        chosen = dict(zip(fields, combo, strict=True))
        data = copy.deepcopy(doc.data)
        for name, value in chosen.items():
            _set(data, name, value)
        result = recheck(checker, doc, data)
        facts, facts_from = answers(checker.rulebook, result)
        options.append(Option(
            set=chosen,
            result=result,
            as_proposed=all(_same(stated[f], chosen[f]) for f in fields),
            facts=facts,
            facts_from=facts_from,
            also_change=also_change(result, fields),
        ))
    tool, book = checker.header
    data = doc.data
    dated = "as_at" not in fields  # otherwise each option has its own date
    return Comparison(
        file=doc.path,
        proposal=data.get("id") if isinstance(data.get("id"), str) else None,
        title=data.get("title") if isinstance(data.get("title"), str) else None,
        as_at=options[0].result.as_at if dated else None,
        as_at_origin=options[0].result.as_at_origin if dated else "varied",
        vary=vary,
        options=options,
        properties=list(checker.rulebook.properties.values()),
        rulebook=checker.rulebook,
        tool=tool,
        book=book,
    )


def answers(
    rulebook: Rulebook, result: Result
) -> tuple[dict[str, bool | None], dict[str, tuple[str, ...]]]:
    """Each property's answer under one check, and the derived facts that gave it."""
    held = {name for name, _key in result.derived}
    facts: dict[str, bool | None] = {}
    facts_from: dict[str, tuple[str, ...]] = {}
    for p in rulebook.properties.values():
        yes = tuple(n for n in p.true_if if n in held)
        no = tuple(n for n in p.false_if if n in held)
        # Both at once would be a contradiction in the rulebook's facts (a test over every
        # legal form guards against it); then say nothing rather than pick one.
        facts[p.name] = None if (yes and no) or not (yes or no) else bool(yes)
        facts_from[p.name] = yes + no
    return facts, facts_from


def also_change(result: Result, varied: Iterable[str]) -> list[AlsoChange]:
    """For each error of an option, the other fields it read (the fields of the error and
    of the derived facts behind it), minus the varied ones."""
    varied = set(varied)
    out: list[AlsoChange] = []
    for f in result.findings:
        if f.severity != "error" or f.waived or f.topic == "schema":
            continue
        seen: dict[str, FieldChange] = {}
        reads = list(f.fields) + [x for step in f.chain for x in step.fields]
        for path, value, line in reads:
            if _generic(path) in varied or path == "as_at":
                continue
            seen.setdefault(path, FieldChange(path, value, line))
        key = (f.rule, tuple(seen))
        if any((a.rule, tuple(x.field for x in a.fields)) == key for a in out):
            continue
        out.append(AlsoChange(f.rule, f.title, tuple(seen.values())))
    return out


def _generic(display_path: str) -> str:
    """'services[2].kind' -> 'services[].kind' (the name --vary uses)."""
    import re

    return re.sub(r"\[\d+\]", "[]", display_path)


def _steps(path: str) -> tuple[str | None, list[str]]:
    """'services[].kind' -> ('services', ['kind']); 'provider.membership.open' ->
    (None, ['provider', 'membership', 'open'])."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        return head[:-2], rest.split(".")
    return None, path.split(".")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    listed, parts = _steps(path)
    items = data.get(listed) or [] if listed else [data]
    targets = [item for item in items if isinstance(item, dict)]
    for target in targets:
        for part in parts[:-1]:
            inner = target.get(part)
            if not isinstance(inner, dict):
                inner = target[part] = {}
            target = inner
        if value is NOT_STATED:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = list(value) if isinstance(value, tuple) else value


def _current(data: dict[str, Any], path: str) -> list[Any]:
    """The value the proposal states (one per list item), NOT_STATED where it does not."""
    listed, parts = _steps(path)
    targets = [item for item in data.get(listed) or []] if listed else [data]
    out: list[Any] = []
    for target in targets:
        for part in parts:
            target = target.get(part, NOT_STATED) if isinstance(target, dict) else NOT_STATED
        out.append(tuple(target) if isinstance(target, list) else target)
    return out


def _same(stated: list[Any], value: Any) -> bool:
    return bool(stated) and all(
        s is value if value is NOT_STATED else (s is not NOT_STATED and s == value
                                                and type(s) is type(value))
        for s in stated
    )


def compare(
    source: Source,
    *,
    vary: Iterable[str | Variation] = (),
    as_at: str | None = None,
    rules: str | None = None,
    checker: Checker | None = None,
) -> Comparison:
    """An options appraisal of one proposal (a path, a mapping or a Document).

    >>> c = compare("cases/train-coop-nhs-staff.yaml")                  # doctest: +SKIP
    >>> [(o.label, o.facts["can_be_charity"]) for o in c.options]      # doctest: +SKIP
    >>> compare(p, vary=["contract.route=competitive_tender,direct_award"])  # doctest: +SKIP

    Pass a `checker` to reuse its loaded rulebook across calls (a server does).
    """
    from .rulebook import load_rulebook

    base = checker or Checker(load_rulebook(rules) if rules else None)
    base = at_date(base, as_at) if as_at else base
    catalogue = base.rulebook.catalogue
    variations = [v if isinstance(v, Variation) else parse_vary(v, catalogue) for v in vary]
    return compare_document(base, load_one(source), variations)
