"""Build small rulebooks in a temporary directory, for tests of the compiler and loader."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SOURCES = """\
documents:
  - id: hsmc-2007
    kind: seed
    title: "Adult care joint-ventures: aspirations, challenges and options"
    authors: [Tim Freeman, Edward Peck]
    year: 2007
    publisher: HSMC
    file: 000_c1c7c90f00c43813.txt
"""

SOURCE = [{"document": "hsmc-2007", "line": 510, "quote": "Cannot be a charity"}]

BASE: dict[str, Any] = {
    "govcheck": 1,
    "id": "t",
    "title": "Test proposal",
    "as_at": "2009-10-01",
    "commissioners": [{"id": "pct", "name": "Test PCT", "type": "primary_care_trust"}],
    "provider": {
        "name": "Test Provider",
        "model": "social_enterprise",
        "legal_form": "company_limited_by_guarantee",
    },
}


def rule(when: Any, rid: str = "LF-901", **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "title": "Test rule for the compiler",
        "severity": "warning",
        "topic": "legal-form",
        "when": when,
        "message": "The test rule fired on {provider.name}.",
        "remedy": "Nothing to do; this is a test.",
        "sources": SOURCE,
        **extra,
    }


class _NoAliases(yaml.SafeDumper):
    """The strict loader refuses anchors, so repeated values are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_rulebook(
    directory: Path, rules: list[dict[str, Any]], facts: list[dict[str, Any]] | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    body: dict[str, Any] = {"rules": rules}
    if facts:
        body["facts"] = facts
    text = yaml.dump(body, Dumper=_NoAliases, sort_keys=False)
    (directory / "test.yaml").write_text(text, encoding="utf-8")
    return directory


def proposal(**sections: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
