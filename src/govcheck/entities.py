"""Turn a valid proposal into engine entities: one engine fact per entity.

(The rulebook's *derived* facts, such as "a CIC carries a statutory asset lock", are
defined in `rules/facts.yaml` and asserted by the engine; this module only makes the
entities they are about.)

One fact per entity keeps each fact far below the engine's limit of about 255
properties, and lets a rule about a declaration or an asset fire once per item, at
that item's line. Every fact carries `_entity` (its kind) and `_key` (which one:
"provider", "services/2"), so findings can point back into the proposal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .compiler import ENTITY, KEY, STATED
from .fields import PROPOSAL, FieldCatalogue


@dataclass
class Facts:
    """The facts of one proposal, and the raw entity data they were made from."""

    engine_facts: list[dict[str, Any]]
    instances: dict[str, Any]  # entity key -> the proposal's own data for it
    kinds: dict[str, str]  # entity key -> entity kind


def extract(data: Mapping[str, Any], catalogue: FieldCatalogue, as_at: str) -> Facts:
    engine_facts: list[dict[str, Any]] = []
    instances: dict[str, Any] = {}
    kinds: dict[str, str] = {}

    def add(kind: str, key: str, instance: Mapping[str, Any]) -> None:
        instances[key] = instance
        kinds[key] = kind
        engine_facts.append({ENTITY: kind, KEY: key, **project(instance)})

    top: dict[str, Any] = {"as_at": as_at}
    for name, value in data.items():
        entity = catalogue.entities.get(name)
        if entity is None or name == PROPOSAL:
            if not name.startswith("x-"):
                top[name] = value
        elif entity.is_list:
            for i, item in enumerate(value or []):
                add(name, f"{name}/{i}", item)
        else:
            add(name, name, value)
    # Singletons are always asserted, so "not stated" tests work on an absent section.
    for name, entity in catalogue.entities.items():
        if not entity.is_list and name != PROPOSAL and name not in data:
            add(name, name, {})
    add(PROPOSAL, PROPOSAL, top)
    return Facts(engine_facts, instances, kinds)


def project(value: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's view of an entity: `x-` keys dropped, lists of values as flags.

    The engine cannot test "this list does not include X" on an empty list, so
    `[fsa, companies_house]` becomes `{"fsa": true, "companies_house": true,
    "_stated": true}`.
    """
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key.startswith("x-"):
            continue
        if isinstance(item, Mapping):
            out[key] = project(item)
        elif isinstance(item, list):
            flags: dict[str, Any] = {STATED: True}
            for v in item:
                if isinstance(v, str | int) and not isinstance(v, bool):
                    flags[str(v)] = True
            out[key] = flags
        else:
            out[key] = item
    return out
