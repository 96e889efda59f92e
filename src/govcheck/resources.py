"""Where the bundled rulebook, schemas and cases are.

An installed wheel carries them inside the package (`govcheck/data/…`); a source
checkout or an editable install reads them from the repository root, so a rule author
edits one copy only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled `rules`, `schemas` or `cases` directory."""
    packaged = _PACKAGE / "data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name


@cache
def proposal_schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "proposal.schema.json").read_text(encoding="utf-8"))


@cache
def rule_schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "rule.schema.json").read_text(encoding="utf-8"))
