"""The proposal's fields as rules see them, read from the proposal schema.

Rules name fields in the proposal's own words (`provider.legal_form`,
`conflicts_of_interest[].recused`, `as_at`). This module walks the proposal schema once
and answers: which entity holds a field, what type it has, which values it allows.
Nothing here knows any domain term; a new optional field in the schema becomes usable
by rules without code changes.

Entities: each top-level object (`provider`, `contract`, …) is one entity; each
top-level list of objects (`commissioners`, `conflicts_of_interest`, …) gives one entity
per item; top-level scalars (`as_at`, `id`, …) belong to the entity `proposal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROPOSAL = "proposal"


@dataclass(frozen=True)
class FieldInfo:
    path: str  # as written in rules: "provider.membership.open", "services[].kind"
    entity: str  # "provider", "services", "proposal"
    relative: tuple[str, ...]  # path inside the entity: ("membership", "open")
    type: str  # string | integer | number | boolean | array | object | date
    values: tuple[str, ...] = ()  # allowed values of an enum (or of an array's items)
    item_type: str | None = None  # for arrays of scalars
    description: str = ""


@dataclass(frozen=True)
class EntityInfo:
    name: str
    is_list: bool
    pointer: str  # "/provider", "/services" ("" for proposal)


class FieldCatalogue:
    def __init__(self, schema: dict[str, Any]) -> None:
        self._schema = schema
        self.fields: dict[str, FieldInfo] = {}
        self.entities: dict[str, EntityInfo] = {PROPOSAL: EntityInfo(PROPOSAL, False, "")}
        top = schema.get("properties", {})
        for name, sub in top.items():
            sub = self._resolve(sub)
            kind = _type_of(sub)
            if kind == "object":
                self.entities[name] = EntityInfo(name, False, "/" + name)
                self._walk(sub, name, name, ())
            elif kind == "array" and _type_of(self._resolve(sub.get("items", {}))) == "object":
                self.entities[name] = EntityInfo(name, True, "/" + name)
                self._walk(self._resolve(sub["items"]), name + "[]", name, ())
            else:
                self._add(name, PROPOSAL, (name,), sub)

    def _resolve(self, sub: dict[str, Any]) -> dict[str, Any]:
        return resolve(self._schema, sub)

    def _walk(self, schema: dict[str, Any], prefix: str, entity: str, rel: tuple[str, ...]) -> None:
        for name, sub in schema.get("properties", {}).items():
            sub = self._resolve(sub)
            path = f"{prefix}.{name}"
            info = self._add(path, entity, rel + (name,), sub)
            if info.type == "object":
                self._walk(sub, path, entity, rel + (name,))

    def _add(self, path: str, entity: str, rel: tuple[str, ...], sub: dict[str, Any]) -> FieldInfo:
        kind = _type_of(sub)
        values: tuple[str, ...] = _enum_values(sub)
        item_type = None
        if kind == "array":
            items = self._resolve(sub.get("items", {}))
            item_type = _type_of(items)
            values = _enum_values(items)
        if kind == "string" and sub.get("format") == "date":
            kind = "date"
        info = FieldInfo(path, entity, rel, kind, values, item_type, sub.get("description", ""))
        self.fields[path] = info
        return info

    def get(self, path: str) -> FieldInfo | None:
        return self.fields.get(path)

    def entity_of_path(self, path: str) -> str | None:
        head = path.split(".", 1)[0]
        if head.endswith("[]"):
            head = head[:-2]
        if head in self.entities and head != PROPOSAL:
            return head
        return PROPOSAL if path in self.fields else None

    def fields_of(self, entity: str) -> list[str]:
        return sorted(p for p, f in self.fields.items() if f.entity == entity)

    def pointer(self, info: FieldInfo, key: str) -> str:
        """JSON pointer of a field for one entity instance (key "services/0", "provider")."""
        base = "" if info.entity == PROPOSAL else "/" + key
        return base + "".join("/" + p for p in info.relative)


def resolve(schema: dict[str, Any], sub: dict[str, Any]) -> dict[str, Any]:
    """`sub` with its `$ref` (a pointer into `schema`, "#/$defs/...") followed; keys written
    beside the `$ref` win over the target's. Chains are followed, at most 20 deep."""
    seen = 0
    while "$ref" in sub and seen < 20:
        ref = sub["$ref"]
        if not ref.startswith("#/"):
            break
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        merged = {k: v for k, v in sub.items() if k != "$ref"}
        sub = {**target, **merged}
        seen += 1
    return sub


def _type_of(sub: dict[str, Any]) -> str:
    kind = sub.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind:
        return str(kind)
    if "oneOf" in sub and all("const" in b for b in sub["oneOf"]):
        return "string"
    if "const" in sub:
        return type(sub["const"]).__name__.replace("int", "integer").replace("str", "string")
    return "string"


def _enum_values(sub: dict[str, Any]) -> tuple[str, ...]:
    if "enum" in sub:
        return tuple(sub["enum"])
    if "oneOf" in sub and all("const" in b for b in sub["oneOf"]):
        return tuple(b["const"] for b in sub["oneOf"])
    return ()


def enum_descriptions(sub: dict[str, Any]) -> dict[str, str]:
    """Each allowed value and what it means.

    The schema gives them as `enum` with `enumDescriptions` beside it (the keyword
    editors read), so that an editor's hover shows the field's own description with
    the values listed under it; a `oneOf` of described constants, the older form, puts
    the value's description in place of the field's, and is read here too."""
    if "enum" in sub:
        described = sub.get("enumDescriptions") or []
        return {v: (described[i] if i < len(described) else "") for i, v in enumerate(sub["enum"])}
    if "oneOf" in sub:
        return {b["const"]: b.get("description", "") for b in sub["oneOf"] if "const" in b}
    return {}
