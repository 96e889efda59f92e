"""Read and check the rule files of a rulebook, reporting every problem at once.

A broken rulebook must stop the run (exit 2) with the place of each problem, never be
silently skipped: the most common complaint about policy-as-code tools is rules that
quietly match nothing. So every field a rule names is checked against the proposal
schema, every value against the field's type and allowed values, every fact, dated
value and source document against its definition, every message placeholder, every
date a rule names, and the authority policy (severity follows basis). Problems are
collected, not raised one by one, so an author fixes a file in one round.

The rulebook directory holds `sources.yaml` (the registry of documents, and the date
the law was last reviewed to) and rule files (`*.yaml`): each may define `facts`
(derived facts), `rules` (checks), `dates` (named dates) and `values` (dated values);
by convention the last two live in `values.yaml`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import conditions as cond
from .compiler import MATCH_LIMIT, PATTERN_STEP_LIMIT, engine_size
from .dates import is_iso_date
from .errors import Problem
from .fields import PROPOSAL, FieldCatalogue
from .loader import Document, LoadError, load_path
from .model import PREFIX_TOPIC
from .resources import proposal_schema, rule_schema
from .rulebook import (
    PLACEHOLDER,
    SOURCE_KINDS,
    VALUE_PLACEHOLDER,
    FactDefinition,
    Property,
    Rule,
    Rulebook,
    RulebookError,
    authority_problems,
)
from .values import DatedValue, DateRef, NamedDate, Period, ValueTable, day_before

REGISTRY = "sources.yaml"


@dataclass
class _File:
    """One rule file as read: its document and how findings name it."""

    doc: Document
    display: str

    def at(self, pointer: str) -> tuple[int, int]:
        pos = self.doc.locate(pointer)
        return pos.line, pos.column


@dataclass
class _Problems:
    found: list[Problem] = field(default_factory=list)

    def add(self, file: _File | str, pointer: str | int, message: str) -> None:
        if isinstance(file, str):
            line = pointer if isinstance(pointer, int) else 1
            self.found.append(Problem(file, line, 1, message))
            return
        line, column = file.at(pointer if isinstance(pointer, str) else "")
        self.found.append(Problem(file.display, line, column, message))


def read_rulebook(root: Path) -> Rulebook:
    """Read every file of the rulebook in `root`; raise RulebookError with every problem."""
    problems = _Problems()
    catalogue = FieldCatalogue(proposal_schema())
    registry_path = root / REGISTRY
    if not registry_path.is_file():
        raise RulebookError("missing sources.yaml, the registry of source documents", str(root))
    paths = sorted(p for p in root.glob("*.yaml") if p.name != REGISTRY)
    if not paths:
        raise RulebookError("no rule files (*.yaml) found", str(root))
    digest = hashlib.sha256()
    for path in [registry_path, *paths]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())

    registry = _read(registry_path, problems)
    documents, reviewed = _registry(registry, problems) if registry else ({}, None)
    files = [f for f in (_read(p, problems) for p in paths) if f is not None]
    for f in files:
        _check_shape(f, problems)
    if problems.found:  # the shape is wrong: what follows would only add noise
        raise RulebookError(problems.found)

    values = _values(files, documents, problems)
    if registry:
        _date_documents(registry, documents, values, problems)
    facts = _facts(files, catalogue, documents, values, problems)
    rules = _rules(files, catalogue, documents, values, problems)
    for item in (*facts.values(), *rules.values()):
        _check_item(item, files, catalogue, facts, values, problems)
    properties = _properties(files, facts, problems)
    if problems.found:
        raise RulebookError(problems.found)
    book = Rulebook(
        rules=dict(sorted(rules.items())),
        facts=facts,
        documents=documents,
        catalogue=catalogue,
        digest="sha256:" + digest.hexdigest(),
        directory=root,
        values=values,
        law_reviewed_to=reviewed,
        properties=properties,
    )
    for item in (*facts.values(), *rules.values()):
        _check_engine_room(book, item, files, problems)
    if problems.found:
        raise RulebookError(problems.found)
    return book


# ---- reading


def _read(path: Path, problems: _Problems) -> _File | None:
    display = _display(path)
    try:
        return _File(load_path(path, display=display), display)
    except LoadError as e:
        problems.found.append(Problem(display, e.line, e.column, e.message))
    except OSError as e:
        problems.add(display, 1, f"cannot read: {e.strerror}")
    return None


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _check_shape(f: _File, problems: _Problems) -> None:
    """Every place where the file does not fit rule.schema.json, each once."""
    import jsonschema  # only when rule files are read: a cached rulebook needs none

    validator = jsonschema.Draft202012Validator(
        rule_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    seen: set[str] = set()
    for error in sorted(validator.iter_errors(f.doc.data), key=lambda e: list(map(str, e.path))):
        for leaf in _deepest(error):
            pointer, message = _shape_message(leaf)
            if pointer in seen:
                continue
            seen.add(pointer)
            problems.add(f, pointer, message)


def _deepest(error: Any) -> Iterator[Any]:
    """A oneOf/anyOf error stands for its alternatives: report the closest miss."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        best = max(error.context, key=lambda e: len(e.absolute_path))
        yield best
    else:
        yield error


def _shape_message(error: Any) -> tuple[str, str]:
    pointer = "".join(f"/{p}" for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            pointer += f"/{extra[0]}"
        allowed = ", ".join(error.schema.get("properties", {}))
        return pointer, f"unknown key `{extra[0] if extra else '?'}`; allowed here: {allowed}"
    if error.validator == "required":
        return pointer, error.message.replace("is a required property", "is required here")
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return pointer, f"{error.instance!r} is not allowed; allowed: {allowed}"
    if error.validator == "format":
        return pointer, f"{error.instance!r} is not a real calendar date (write YYYY-MM-DD)"
    if error.validator == "pattern" and pointer.endswith(("/valid_from", "/valid_to")):
        return pointer, (
            f"{error.instance!r} is neither a date (YYYY-MM-DD) nor the name of a date "
            "in values.yaml"
        )
    return pointer, error.message


# ---- the registry


def _registry(f: _File, problems: _Problems) -> tuple[dict[str, dict[str, Any]], str | None]:
    data = f.doc.data if isinstance(f.doc.data, dict) else {}
    items = data.get("documents")
    if not isinstance(items, list):
        problems.add(f, "", "sources.yaml needs a `documents:` list")
        return {}, None
    reviewed = data.get("law_reviewed_to")
    if reviewed is not None and not (isinstance(reviewed, str) and is_iso_date(reviewed)):
        problems.add(f, "/law_reviewed_to", "law_reviewed_to is a date: write YYYY-MM-DD")
        reviewed = None
    unknown = sorted(set(data) - {"documents", "law_reviewed_to"})
    for key in unknown:
        problems.add(f, f"/{key}", f"unknown key `{key}`; allowed: documents, law_reviewed_to")
    out: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        here = f"/documents/{i}"
        if not isinstance(item, dict):
            problems.add(f, here, "a document entry is a mapping (id, kind, title, ...)")
            continue
        missing = [k for k in ("id", "title", "year", "publisher") if k not in item]
        if missing or ("file" not in item and "url" not in item):
            need = missing or ["file (a seed) or url (an instrument)"]
            problems.add(f, here, f"document entry needs {', '.join(need)}")
            continue
        if "authors" not in item and "issuer" not in item:
            problems.add(f, here, "document entry needs `authors` or `issuer`")
        kind = item.get("kind")
        if kind not in SOURCE_KINDS:
            problems.add(
                f, here, f"document `{item['id']}` needs `kind`: one of {', '.join(SOURCE_KINDS)}"
            )
        elif (kind == "seed") != ("file" in item):
            problems.add(
                f, here, "a seed document has a `file` under the seeds and every other kind a `url`"
            )
        if item["id"] in out:
            problems.add(f, here + "/id", f"document id `{item['id']}` is used twice")
            continue
        entry = dict(item)
        entry["citation"] = _citation(item)
        out[item["id"]] = entry
    return out, reviewed


def _date_documents(
    f: _File, documents: dict[str, dict[str, Any]], values: ValueTable, problems: _Problems
) -> None:
    """Resolve each document's `applies_from` (a date or a named date) to YYYY-MM-DD.

    It is the first date the document can speak to a proposal: an instrument's
    commencement, the date from which guidance could apply. A finding judged at an
    earlier date still cites it, but as later law (a 2009 finding does not read as if it
    rested on an Act of 2023)."""
    data = f.doc.data if isinstance(f.doc.data, dict) else {}
    items = data.get("documents")
    for i, item in enumerate(items if isinstance(items, list) else []):
        entry = documents.get(item.get("id")) if isinstance(item, dict) else None
        if entry is not None and "applies_from" in entry:
            start, _ = _resolve_date(
                entry["applies_from"], values, f, f"/documents/{i}/applies_from", problems
            )
            entry["applies_from"] = start
            if start is None:
                del entry["applies_from"]


def _citation(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if authors:
        surnames = [a.split()[-1] for a in authors]
        who = " & ".join(surnames) if len(surnames) <= 2 else f"{surnames[0]} et al"
        return f"{who} ({item['year']}) {item['title']}"
    return f"{item['title']} ({item['year']})"


# ---- named dates and dated values


def _values(
    files: list[_File], documents: dict[str, dict[str, Any]], problems: _Problems
) -> ValueTable:
    table = ValueTable()
    for f, i, item in _items(files, "dates"):
        here = f"/dates/{i}"
        name = item["name"]
        if name in table.dates or name in table.values:
            problems.add(f, here + "/name", f"`{name}` is defined twice; names are unique")
            continue
        _known_document(item["document"], documents, f, here + "/document", problems)
        table.dates[name] = NamedDate(
            name, item["date"], item["means"], item["document"], item["reference"],
            f.display, f.at(here)[0],
        )  # fmt: skip
    for f, i, item in _items(files, "values"):
        here = f"/values/{i}"
        name = item["name"]
        if name in table.dates or name in table.values:
            problems.add(f, here + "/name", f"`{name}` is defined twice; names are unique")
            continue
        periods = []
        for j, p in enumerate(item["periods"]):
            at = f"{here}/periods/{j}"
            _known_document(p["document"], documents, f, at + "/document", problems)
            if periods and p["from"] <= periods[-1].start:
                problems.add(f, at + "/from", "periods must be in date order, without overlap")
            if periods and periods[-1].end and p["from"] <= periods[-1].end:
                problems.add(f, at + "/from", "this period starts before the previous one ends")
            if p.get("to") and p["to"] < p["from"]:
                problems.add(f, at + "/to", "a period cannot end before it starts")
            periods.append(
                Period(p["from"], p.get("to"), p["value"], p["document"], p["reference"])
            )
        table.values[name] = DatedValue(name, item["means"], periods, f.display, f.at(here)[0])
    return table


def _items(files: list[_File], section: str) -> Iterator[tuple[_File, int, dict[str, Any]]]:
    for f in files:
        for i, item in enumerate(f.doc.data.get(section, []) or []):
            yield f, i, item


def _known_document(
    doc_id: str, documents: dict[str, Any], f: _File, pointer: str, problems: _Problems
) -> None:
    if doc_id not in documents:
        problems.add(
            f, pointer, f"source document `{doc_id}` is not in sources.yaml; known: "
            + ", ".join(sorted(documents)),
        )  # fmt: skip


def _resolve_date(
    written: Any,
    values: ValueTable,
    f: _File,
    pointer: str,
    problems: _Problems,
) -> tuple[str | None, str | None]:
    """(the ISO date, the words it was written in when it names a date)."""
    if written is None:
        return None, None
    if isinstance(written, dict):
        name = written["day_before"]
        found = values.dates.get(name)
        if found is None:
            problems.add(f, pointer + "/day_before", _unknown_date(name, values))
            return None, None
        return day_before(found.date), f"the day before {name}"
    if is_iso_date(written):
        return written, None
    found = values.dates.get(written)
    if found is None:
        problems.add(f, pointer, _unknown_date(written, values))
        return None, None
    return found.date, written


def _unknown_date(name: str, values: ValueTable) -> str:
    hint = cond._suggest(name, values.dates)
    return f"unknown date `{name}`{hint}; named dates live in values.yaml (`dates:`)"


def _period(
    item: dict[str, Any], values: ValueTable, f: _File, ptr: str, problems: _Problems
) -> tuple[str | None, str | None, dict[str, str]]:
    names: dict[str, str] = {}
    start, start_name = _resolve_date(
        item.get("valid_from"), values, f, ptr + "/valid_from", problems
    )
    end, end_name = _resolve_date(item.get("valid_to"), values, f, ptr + "/valid_to", problems)
    if start_name:
        names["valid_from"] = start_name
    if end_name:
        names["valid_to"] = end_name
    if start and end and start > end:
        problems.add(f, ptr + "/valid_to", f"valid_from {start} is after valid_to {end}")
    return start, end, names


# ---- derived facts and rules


def _facts(
    files: list[_File],
    catalogue: FieldCatalogue,
    documents: dict[str, dict[str, Any]],
    values: ValueTable,
    problems: _Problems,
) -> dict[str, FactDefinition]:
    facts: dict[str, FactDefinition] = {}
    for f, i, item in _items(files, "facts"):
        ptr = f"/facts/{i}"
        line = f.at(ptr)[0]
        if item["name"] in facts:
            other = facts[item["name"]]
            problems.add(
                f, ptr + "/name",
                f"derived fact `{item['name']}` is defined twice (first at {other.file}:"
                f"{other.line}); give the second a name of its own or merge their conditions",
            )  # fmt: skip
            continue
        if item["about"] not in catalogue.entities:
            problems.add(
                f, ptr + "/about",
                f"`about: {item['about']}` is not an entity; entities: "
                + ", ".join(sorted(catalogue.entities)),
            )  # fmt: skip
            continue
        start, end, _names = _period(item, values, f, ptr, problems)
        condition = _condition(item["when"], ptr + "/when", f, values, problems)
        if condition is None:
            continue
        facts[item["name"]] = FactDefinition(
            name=item["name"],
            about=item["about"],
            means=item["means"],
            condition=condition,
            sources=_sources(item["sources"], ptr, f, documents, problems),
            file=f.display,
            line=line,
            valid_from=start,
            valid_to=end,
            raw_when=item["when"],
            dated_by=item.get("dated_by"),
        )
    return facts


def _rules(
    files: list[_File],
    catalogue: FieldCatalogue,
    documents: dict[str, dict[str, Any]],
    values: ValueTable,
    problems: _Problems,
) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for f, i, item in _items(files, "rules"):
        ptr = f"/rules/{i}"
        rid = item["id"]
        if rid in rules:
            problems.add(
                f, ptr + "/id",
                f"rule id {rid} is used twice (first at {rules[rid].file}:{rules[rid].line}); "
                "ids never change meaning, so give the new rule the next free number",
            )  # fmt: skip
            continue
        prefix = rid.split("-")[0]
        topic = PREFIX_TOPIC.get(prefix)
        if topic is None:
            problems.add(
                f, ptr + "/id",
                f"rule id {rid}: the prefix {prefix} names no topic; prefixes: "
                + ", ".join(f"{p} ({t})" for p, t in PREFIX_TOPIC.items()),
            )  # fmt: skip
        elif topic != item["topic"]:
            problems.add(
                f, ptr + "/topic",
                f"rule {rid} has topic `{item['topic']}` but its prefix {prefix} means `{topic}`",
            )  # fmt: skip
        start, end, names = _period(item, values, f, ptr, problems)
        condition = _condition(item["when"], ptr + "/when", f, values, problems)
        if condition is None:
            continue
        rule = Rule(
            id=rid,
            title=item["title"],
            severity=item["severity"],
            topic=item["topic"],
            condition=condition,
            message=item["message"],
            remedy=item["remedy"],
            sources=_sources(item["sources"], ptr, f, documents, problems),
            file=f.display,
            line=f.at(ptr)[0],
            points_at=item.get("points_at"),
            why=item.get("why", ""),
            valid_from=start,
            valid_to=end,
            examples=item.get("examples", {}),
            raw_when=item["when"],
            basis=item.get("basis"),
            verified=item.get("verified", True),
            doubt=item.get("doubt", ""),
            known_problems=item.get("known_problems", ""),
            dated_by=item.get("dated_by"),
            period_names=names,
        )
        for message in authority_problems(rule):
            problems.add(f, ptr + ("/severity" if "error" in message else "/basis"), message)
        _check_rule_fields(rule, item, ptr, f, catalogue, values, problems)
        rules[rid] = rule
    return rules


def _properties(
    files: list[_File], facts: dict[str, FactDefinition], problems: _Problems
) -> dict[str, Property]:
    """The options appraisal's questions, each naming only derived facts that exist."""
    out: dict[str, Property] = {}
    for f, i, item in _items(files, "properties"):
        ptr = f"/properties/{i}"
        if item["name"] in out:
            first = out[item["name"]]
            problems.add(
                f, ptr + "/name",
                f"property `{item['name']}` is defined twice (first at {first.file}:{first.line})",
            )  # fmt: skip
            continue
        for key in ("true_if", "false_if"):
            for j, name in enumerate(item.get(key, [])):
                if name not in facts:
                    problems.add(
                        f, f"{ptr}/{key}/{j}",
                        f"unknown derived fact `{name}`{cond._suggest(name, facts)}; a property "
                        "is answered by facts defined under `facts:`",
                    )  # fmt: skip
        out[item["name"]] = Property(
            name=item["name"],
            label=item["label"],
            true_if=tuple(item.get("true_if", [])),
            false_if=tuple(item.get("false_if", [])),
            file=f.display,
            line=f.at(ptr)[0],
            shown_true=item.get("shown_true", "yes"),
            shown_false=item.get("shown_false", "no"),
        )
    return out


def _condition(
    data: Any, ptr: str, f: _File, values: ValueTable, problems: _Problems
) -> cond.Condition | None:
    try:
        parsed = cond.normalise(cond.parse(data, ptr))
    except cond.ConditionError as e:
        problems.add(f, e.pointer, e.message)
        return None
    return _write_in_dates(parsed, values, f, problems)


def _write_in_dates(
    c: cond.Condition, values: ValueTable, f: _File, problems: _Problems
) -> cond.Condition:
    """Replace each named date in a condition (`{date: name}`) by the date it names, with
    what it means as the leaf's note, so explanations say which change of law it is."""
    if isinstance(c, cond.All | cond.AnyOf):
        return type(c)(tuple(_write_in_dates(x, values, f, problems) for x in c.items))
    if not (isinstance(c, cond.Leaf) and isinstance(c.value, DateRef)):
        return c
    found = values.dates.get(c.value.name)
    if found is None:
        problems.add(f, c.pointer, _unknown_date(c.value.name, values))
        return c
    date = day_before(found.date) if c.value.day_before else found.date
    said = f"the day before {found.date}: " if c.value.day_before else ""
    return cond.Leaf(c.path, c.op, date, c.pointer, said + found.means)


def _check_item(
    item: Rule | FactDefinition,
    files: list[_File],
    catalogue: FieldCatalogue,
    facts: dict[str, FactDefinition],
    values: ValueTable,
    problems: _Problems,
) -> None:
    """Checks that need every fact and value known: the condition, the event date."""
    f = next(x for x in files if x.display == item.file)
    cond.check(
        item.condition,
        catalogue,
        facts,
        lambda e: problems.add(f, e.pointer, e.message),
        known_values=values.values,
    )
    ptr = _pointer_of(item, f)
    if item.dated_by:
        info = catalogue.get(item.dated_by)
        entity = catalogue.entities.get(info.entity) if info else None
        if info is None or info.type != "date" or entity is None or entity.is_list:
            problems.add(
                f, ptr + "/dated_by",
                f"dated_by `{item.dated_by}` must be a date field of the proposal's top level or "
                "of a single section (not a list)"
                + cond._suggest(item.dated_by, [p for p, x in catalogue.fields.items()
                                                if x.type == "date"]),
            )  # fmt: skip
    _check_values_cover(item, f, ptr, values, problems)


def _pointer_of(item: Rule | FactDefinition, f: _File) -> str:
    data = f.doc.data
    if isinstance(item, Rule):
        for i, raw in enumerate(data.get("rules", []) or []):
            if raw.get("id") == item.id:
                return f"/rules/{i}"
    else:
        for i, raw in enumerate(data.get("facts", []) or []):
            if raw.get("name") == item.name:
                return f"/facts/{i}"
    return ""


def _check_values_cover(
    item: Rule | FactDefinition, f: _File, ptr: str, values: ValueTable, problems: _Problems
) -> None:
    """A rule that uses a dated value must find it set on every day it is in force."""
    from .values import ValueRef

    names = {
        leaf.value.name
        for leaf in cond.walk(item.condition)
        if isinstance(leaf, cond.Leaf) and isinstance(leaf.value, ValueRef)
    }
    if isinstance(item, Rule):
        names |= set(VALUE_PLACEHOLDER.findall(item.message))
    for name in sorted(names):
        value = values.values.get(name)
        if value is None:
            if isinstance(item, Rule) and name in VALUE_PLACEHOLDER.findall(item.message):
                problems.add(f, ptr + "/message", f"unknown dated value `{name}` in the message")
            continue
        if item.valid_from is None:
            problems.add(
                f, ptr, f"{_label(item)} uses the dated value `{name}`, so it needs a valid_from "
                f"on or after {value.periods[0].start}, when the value is first set",
            )  # fmt: skip
            continue
        gap = _first_gap(value, item.valid_from, item.valid_to)
        if gap:
            problems.add(
                f, ptr, f"{_label(item)} is in force on {gap}, but the dated value `{name}` is "
                "not set on that day: extend the value's periods or narrow the rule's dates",
            )  # fmt: skip


def _first_gap(value: DatedValue, start: str, end: str | None) -> str | None:
    """The first day in [start, end] on which the value is not set, else None."""
    day: str | None = start
    while day is not None and (end is None or day <= end):
        period = value.at(day)
        if period is None:
            return day
        nxt = [p.start for p in value.periods if p.start > day]
        if period.end:
            from .values import day_after

            day = day_after(period.end)
        elif nxt:
            day = nxt[0]
        else:
            return None
    return None


def _check_engine_room(
    book: Rulebook, item: Rule | FactDefinition, files: list[_File], problems: _Problems
) -> None:
    """A condition must fit the rules engine's fixed sizes in every dated form, or every
    proposal it meets (or every proposal) would fail when checked, far from its cause."""
    f = next(x for x in files if x.display == item.file)
    ptr = _pointer_of(item, f) + "/when"
    sizes = [engine_size(form) for form in book.engine_forms(item)]
    widest = max(sizes, key=lambda s: s.patterns)
    if widest.patterns > MATCH_LIMIT:
        problems.add(
            f, ptr,
            f"{_label(item)}: its condition multiplies out to {widest.alternatives} "
            f"alternatives that between them read a section or derived fact "
            f"{widest.patterns} times; the rules engine holds at most {MATCH_LIMIT} in one "
            "match (the alternatives that hold are joined), so checking a proposal that "
            "meets it would fail. "
            "Split it into rules with fewer `any` alternatives, or move a part the "
            "alternatives share into a derived fact (`facts:`) and test that fact",
        )  # fmt: skip
    deepest = max(sizes, key=lambda s: s.steps)
    if deepest.steps > PATTERN_STEP_LIMIT:
        problems.add(
            f, ptr,
            f"{_label(item)}: its test of `{deepest.heaviest}` takes {deepest.steps} steps in "
            "the rules engine (two for each `any` or `all` block and each `in`/`not_in` "
            f"list, one for each comparison with another fact); the engine allows at most "
            f"{PATTERN_STEP_LIMIT}, so no proposal could be checked. Split it into several "
            "rules, or move part of the test into a derived fact (`facts:`) and test that fact",
        )  # fmt: skip


def _label(item: Rule | FactDefinition) -> str:
    return f"rule {item.id}" if isinstance(item, Rule) else f"derived fact `{item.name}`"


def _check_rule_fields(
    rule: Rule,
    item: dict[str, Any],
    ptr: str,
    f: _File,
    catalogue: FieldCatalogue,
    values: ValueTable,
    problems: _Problems,
) -> None:
    if rule.points_at and catalogue.get(rule.points_at) is None:
        entity = catalogue.entity_of_path(rule.points_at)
        if entity is None or entity == PROPOSAL:
            problems.add(
                f, ptr + "/points_at", f"points_at `{rule.points_at}` is not a proposal field"
            )
    for match in PLACEHOLDER.finditer(rule.message):
        if catalogue.get(match.group(1)) is None:
            problems.add(
                f, ptr + "/message",
                f"message placeholder {{{match.group(1)}}} is not a proposal field",
            )  # fmt: skip


def _sources(
    items: list[dict[str, Any]],
    ptr: str,
    f: _File,
    documents: dict[str, dict[str, Any]],
    problems: _Problems,
) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(items):
        here = f"{ptr}/sources/{i}"
        reg = documents.get(s["document"])
        if reg is None:
            _known_document(s["document"], documents, f, here + "/document", problems)
            continue
        if "file" in reg:
            if "line" not in s or "quote" not in s:
                problems.add(
                    f, here, f"a passage of `{s['document']}` needs `line` and a verbatim `quote`"
                )
                continue
            entry = {
                "document": s["document"],
                "kind": reg["kind"],
                "title": reg["citation"],
                "section": s.get("section", ""),
                "file": reg["file"],
                "line": s["line"],
                "quote": s["quote"],
            }
        else:
            if "reference" not in s:
                problems.add(
                    f, here,
                    f"a source outside the seeds (`{s['document']}`) needs `reference`, "
                    "e.g. 'Financial Services Act 2012, s.6'",
                )  # fmt: skip
                continue
            entry = {
                "document": s["document"],
                "kind": reg["kind"],
                "title": reg["citation"],
                "reference": s["reference"],
                "url": s.get("url", reg.get("url", "")),
            }
            if "section" in s:
                entry["section"] = s["section"]
            if "quote" in s:
                entry["quote"] = s["quote"]
            if reg.get("applies_from"):
                entry["applies_from"] = reg["applies_from"]
        out.append(entry)
    return out
