"""Load the rulebook: rule files, derived facts and the source registry.

A broken rulebook must stop the run (exit 2) with the rule file and line, never be
silently skipped: the most common complaint about policy-as-code tools is rules that
quietly match nothing. So every field a rule names is checked against the proposal
schema, every value against the field's type and allowed values, every fact and every
source document against their definitions, and every message placeholder too.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import cache
from . import conditions as cond
from .compiler import CompiledRule, Compiler
from .errors import GovcheckError
from .fields import PROPOSAL, FieldCatalogue
from .loader import Document, LoadError, load_path
from .resources import data_dir, proposal_schema, rule_schema

PREFIX_TOPIC = {
    "LF": "legal-form",
    "LIA": "liability",
    "LOCK": "asset-lock",
    "CHAR": "charitable-status",
    "PEN": "pensions",
    "STAFF": "staff-transfer",
    "REG": "regulation",
    "PROC": "procurement",
    "CON": "contracting",
    "COI": "conflict-of-interest",
    "GOV": "governance",
    "COMP": "competition",
    "FIN": "finance",
    "PART": "partnership",
}
# What authority a cited document has (report-format v2, "Authority of a rule").
SOURCE_KINDS = ("seed", "legislation", "case-law", "guidance")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.\[\]]*)\}")


class RulebookError(GovcheckError):
    """A rule file that cannot be used; names the file and line."""

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
    valid_from: str | None = None
    valid_to: str | None = None
    raw_when: Any = None


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
    valid_from: str | None = None
    valid_to: str | None = None
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    raw_when: Any = None
    # Authority (report-format v2): what the rule rests on, and whether its legal point
    # was checked. `doubt` and `known_problems` go to the rule reference only.
    basis: str | None = None
    verified: bool = True
    doubt: str = ""
    known_problems: str = ""

    def in_force(self, as_at: str) -> bool:
        return _in_force(self.valid_from, self.valid_to, as_at)

    def listing(self) -> dict[str, Any]:
        """The rule as `govcheck rules --format json` lists it (report-format.md)."""
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "topic": self.topic,
            "basis": self.basis,
            "verified": self.verified,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "sources": self.sources,
            "file": self.file,
            "line": self.line,
        }


def _in_force(valid_from: str | None, valid_to: str | None, as_at: str) -> bool:
    return (valid_from is None or valid_from <= as_at) and (valid_to is None or as_at <= valid_to)


@dataclass
class Rulebook:
    rules: dict[str, Rule]
    facts: dict[str, FactDefinition]
    documents: dict[str, dict[str, Any]]
    catalogue: FieldCatalogue
    digest: str
    directory: Path
    _rulesets: dict[frozenset[str], Any] = field(default_factory=dict, repr=False)
    _rules_at: dict[str, list[Rule]] = field(default_factory=dict, repr=False)
    _ruleset_at: dict[str, Any] = field(default_factory=dict, repr=False)
    _rule_ids_at: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def rules_in_force(self, as_at: str) -> list[Rule]:
        if as_at not in self._rules_at:
            self._rules_at[as_at] = [r for r in self.rules.values() if r.in_force(as_at)]
        return self._rules_at[as_at]

    def rule_ids_in_force(self, as_at: str) -> tuple[str, ...]:
        if as_at not in self._rule_ids_at:
            self._rule_ids_at[as_at] = tuple(r.id for r in self.rules_in_force(as_at))
        return self._rule_ids_at[as_at]

    def facts_in_force(self, as_at: str) -> list[FactDefinition]:
        return [f for f in self.facts.values() if _in_force(f.valid_from, f.valid_to, as_at)]

    @cached_property
    def compiled(self) -> dict[str, CompiledRule]:
        compiler = Compiler(self.catalogue, {f.name: f.about for f in self.facts.values()})
        out: dict[str, CompiledRule] = {}
        for f in self.facts.values():
            name = "fact:" + f.name
            out[name] = compiler.compile(name, f.condition, derives=(f.name, f.about))
        for r in self.rules.values():
            out[r.id] = compiler.compile(r.id, r.condition)
        return out

    def ruleset(self, as_at: str) -> Any:
        """The engine ruleset of the rules in force at `as_at` (built once per period)."""
        from .engine import Ruleset

        if as_at in self._ruleset_at:
            return self._ruleset_at[as_at]
        names = frozenset(
            ["fact:" + f.name for f in self.facts_in_force(as_at)]
            + [r.id for r in self.rules_in_force(as_at)]
        )
        if names not in self._rulesets:
            self._rulesets[names] = Ruleset(self.compiled[n] for n in sorted(names))
        self._ruleset_at[as_at] = self._rulesets[names]
        return self._rulesets[names]

    def citation(self, document: str) -> str:
        return self.documents[document]["citation"]


def load_rulebook(directory: str | Path | None = None) -> Rulebook:
    """Load and check every rule file under `directory` (default: the bundled rulebook).

    The bundled rulebook, once loaded cleanly, is kept in govcheck's cache (cache.py;
    one pickle per working directory), used only while the bytes of every rule file
    and schema, the govcheck sources and the working directory (file names in findings
    are relative to it) are unchanged. Checking the rule files was most of a one-file
    run's start-up; GOVCHECK_NO_CACHE=1 turns the cache off.
    """
    root = Path(directory) if directory else data_dir("rules")
    if not root.is_dir():
        raise RulebookError("not a directory of rule files", str(root))
    where = _cache_file(root) if not directory else None
    if where is not None:
        raw = cache.read(where[0])
        try:
            key, book = pickle.loads(raw) if raw else (None, None)
            if key == where[1] and isinstance(book, Rulebook):
                return book
        except Exception:  # partly written or from another version: rebuild
            pass
    book = _load_rulebook(root)
    if where is not None:
        cache.write(where[0], pickle.dumps((where[1], book), protocol=pickle.HIGHEST_PROTOCOL))
    return book


def _cache_file(root: Path) -> tuple[Path, str] | None:
    """Where the cached rulebook for this working directory is, and its content key."""
    base = cache.directory()
    if base is None:
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
    return base / f"rulebook-{name}.pickle", key.hexdigest()


def _load_rulebook(root: Path) -> Rulebook:
    catalogue = FieldCatalogue(proposal_schema())
    registry_path = root / "sources.yaml"
    if not registry_path.is_file():
        raise RulebookError("missing sources.yaml, the registry of source documents", str(root))
    documents = _load_registry(registry_path)
    files = sorted(p for p in root.glob("*.yaml") if p.name != "sources.yaml")
    if not files:
        raise RulebookError("no rule files (*.yaml) found", str(root))
    digest = hashlib.sha256()
    raw_rules: list[tuple[dict[str, Any], str, Document, str]] = []
    raw_facts: list[tuple[dict[str, Any], str, Document, str]] = []
    for path in [registry_path, *files]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in files:
        doc = _read(path)
        display = _display(path)
        _validate_shape(doc, rule_schema(), display)
        for i, item in enumerate(doc.data.get("facts", [])):
            raw_facts.append((item, f"/facts/{i}", doc, display))
        for i, item in enumerate(doc.data.get("rules", [])):
            raw_rules.append((item, f"/rules/{i}", doc, display))

    facts: dict[str, FactDefinition] = {}
    for item, ptr, doc, display in raw_facts:
        line = doc.locate(ptr).line
        if item["name"] in facts:
            other = facts[item["name"]]
            raise RulebookError(
                f"derived fact `{item['name']}` is defined twice (first at {other.file}:"
                f"{other.line}); give the second a name of its own or merge their conditions",
                display,
                line,
            )
        if item["about"] not in catalogue.entities:
            raise RulebookError(
                f"`about: {item['about']}` is not an entity; entities: "
                + ", ".join(sorted(catalogue.entities)),
                display,
                doc.locate(ptr + "/about").line,
            )
        facts[item["name"]] = FactDefinition(
            name=item["name"],
            about=item["about"],
            means=item["means"],
            condition=_parse_condition(item["when"], ptr + "/when", doc, display),
            sources=_sources(item["sources"], ptr, doc, display, documents),
            file=display,
            line=line,
            valid_from=item.get("valid_from"),
            valid_to=item.get("valid_to"),
            raw_when=item["when"],
        )

    rules: dict[str, Rule] = {}
    for item, ptr, doc, display in raw_rules:
        line = doc.locate(ptr).line
        rid = item["id"]
        if rid in rules:
            raise RulebookError(
                f"rule id {rid} is used twice (first at {rules[rid].file}:{rules[rid].line}); "
                "ids never change meaning, so give the new rule the next free number",
                display,
                line,
            )
        prefix = rid.split("-")[0]
        if PREFIX_TOPIC[prefix] != item["topic"]:
            raise RulebookError(
                f"rule {rid} has topic `{item['topic']}` but its prefix {prefix} means "
                f"`{PREFIX_TOPIC[prefix]}`",
                display,
                doc.locate(ptr + "/topic").line,
            )
        if (
            item.get("valid_from")
            and item.get("valid_to")
            and item["valid_from"] > item["valid_to"]
        ):
            raise RulebookError(
                f"rule {rid}: valid_from {item['valid_from']} is after valid_to {item['valid_to']}",
                display,
                doc.locate(ptr + "/valid_to").line,
            )
        rules[rid] = Rule(
            id=rid,
            title=item["title"],
            severity=item["severity"],
            topic=item["topic"],
            condition=_parse_condition(item["when"], ptr + "/when", doc, display),
            message=item["message"],
            remedy=item["remedy"],
            sources=_sources(item["sources"], ptr, doc, display, documents),
            file=display,
            line=line,
            points_at=item.get("points_at"),
            why=item.get("why", ""),
            valid_from=item.get("valid_from"),
            valid_to=item.get("valid_to"),
            examples=item.get("examples", {}),
            raw_when=item["when"],
            basis=item.get("basis"),
            verified=item.get("verified", True),
            doubt=item.get("doubt", ""),
            known_problems=item.get("known_problems", ""),
        )
        _check_rule_fields(rules[rid], item, ptr, doc, display, catalogue)

    # Conditions are checked once every fact name is known.
    for f in facts.values():
        _check_condition(f.condition, f.raw_when, catalogue, facts, f.file, _doc_of(raw_facts, f))
    for r in rules.values():
        _check_condition(r.condition, r.raw_when, catalogue, facts, r.file, _doc_of(raw_rules, r))

    return Rulebook(
        rules=dict(sorted(rules.items())),
        facts=facts,
        documents=documents,
        catalogue=catalogue,
        digest="sha256:" + digest.hexdigest(),
        directory=root,
    )


def _doc_of(raws: Iterable[tuple[dict[str, Any], str, Document, str]], item: Any) -> Document:
    for _raw, _ptr, doc, display in raws:
        if display == item.file:
            return doc
    raise KeyError(item.file)


def _read(path: Path) -> Document:
    try:
        return load_path(path, display=_display(path))
    except LoadError as e:
        raise RulebookError(e.message, _display(path), e.line) from None
    except OSError as e:
        raise RulebookError(f"cannot read: {e.strerror}", _display(path)) from None


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _validate_shape(doc: Document, schema: dict[str, Any], display: str) -> None:
    import jsonschema  # only when rule files are read: a cached rulebook needs none

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    if not errors:
        return
    error = min(errors, key=lambda e: -len(e.absolute_path))
    pointer = "".join(f"/{p}" for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            pointer += f"/{extra[0]}"
        allowed = ", ".join(error.schema.get("properties", {}))
        message = f"unknown key `{extra[0] if extra else '?'}`; allowed here: {allowed}"
    elif error.validator == "required":
        message = error.message.replace("is a required property", "is required here")
    elif error.validator == "enum":
        message = f"{error.instance!r} is not allowed; allowed: " + ", ".join(
            map(str, error.validator_value)
        )
    elif error.validator == "format":
        message = f"{error.instance!r} is not a real calendar date (write YYYY-MM-DD)"
    else:
        message = error.message
    raise RulebookError(message, display, doc.locate(pointer).line)


def _parse_condition(data: Any, ptr: str, doc: Document, display: str) -> cond.Condition:
    try:
        return cond.normalise(cond.parse(data, ptr))
    except cond.ConditionError as e:
        raise RulebookError(e.message, display, doc.locate(e.pointer).line) from None


def _check_condition(
    condition: cond.Condition,
    raw: Any,
    catalogue: FieldCatalogue,
    facts: dict[str, FactDefinition],
    display: str,
    doc: Document,
) -> None:
    problems: list[cond.ConditionError] = []
    cond.check(condition, catalogue, facts, problems.append)
    if problems:
        first = problems[0]
        raise RulebookError(first.message, display, doc.locate(first.pointer).line)


def _check_rule_fields(
    rule: Rule,
    item: dict[str, Any],
    ptr: str,
    doc: Document,
    display: str,
    catalogue: FieldCatalogue,
) -> None:
    if rule.points_at and catalogue.get(rule.points_at) is None:
        entity = catalogue.entity_of_path(rule.points_at)
        if entity is None or entity == PROPOSAL:
            raise RulebookError(
                f"points_at `{rule.points_at}` is not a proposal field",
                display,
                doc.locate(ptr + "/points_at").line,
            )
    for match in PLACEHOLDER.finditer(rule.message):
        if catalogue.get(match.group(1)) is None:
            raise RulebookError(
                f"message placeholder {{{match.group(1)}}} is not a proposal field",
                display,
                doc.locate(ptr + "/message").line,
            )


def _sources(
    items: list[dict[str, Any]],
    ptr: str,
    doc: Document,
    display: str,
    documents: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(items):
        here = f"{ptr}/sources/{i}"
        reg = documents.get(s["document"])
        if reg is None:
            raise RulebookError(
                f"source document `{s['document']}` is not in sources.yaml; known: "
                + ", ".join(sorted(documents)),
                display,
                doc.locate(here + "/document").line,
            )
        if "file" in reg:
            if "line" not in s or "quote" not in s:
                raise RulebookError(
                    f"a passage of `{s['document']}` needs `line` and a verbatim `quote`",
                    display,
                    doc.locate(here).line,
                )
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
                raise RulebookError(
                    f"a source outside the seeds (`{s['document']}`) needs `reference`, "
                    "e.g. 'Financial Services Act 2012, s.6'",
                    display,
                    doc.locate(here).line,
                )
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
        out.append(entry)
    return out


def _load_registry(path: Path) -> dict[str, dict[str, Any]]:
    doc = _read(path)
    display = _display(path)
    items = doc.data.get("documents") if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        raise RulebookError("sources.yaml needs a `documents:` list", display)
    out: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        line = doc.locate(f"/documents/{i}").line
        missing = [k for k in ("id", "title", "year", "publisher") if k not in item]
        if missing or ("file" not in item and "url" not in item):
            need = missing or ["file (a seed) or url (an instrument)"]
            raise RulebookError(f"document entry needs {', '.join(need)}", display, line)
        if "authors" not in item and "issuer" not in item:
            raise RulebookError("document entry needs `authors` or `issuer`", display, line)
        kind = item.get("kind")
        if kind not in SOURCE_KINDS:
            raise RulebookError(
                f"document `{item['id']}` needs `kind`: one of {', '.join(SOURCE_KINDS)}",
                display,
                line,
            )
        if (kind == "seed") != ("file" in item):
            raise RulebookError(
                "a seed document has a `file` under the seeds and every other kind a `url`",
                display,
                line,
            )
        if item["id"] in out:
            raise RulebookError(f"document id `{item['id']}` is used twice", display, line)
        entry = dict(item)
        entry["citation"] = _citation(item)
        out[item["id"]] = entry
    return out


def _citation(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if authors:
        surnames = [a.split()[-1] for a in authors]
        who = " & ".join(surnames) if len(surnames) <= 2 else f"{surnames[0]} et al"
        return f"{who} ({item['year']}) {item['title']}"
    return f"{item['title']} ({item['year']})"
