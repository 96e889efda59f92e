"""What the tests read from outside the repository, and the one reason each skips without it.

The source texts (the seed documents the rules quote, the candidate-rule catalogues) and
the OASIS SARIF schema live in a shared folder beside the checkout: $GOVCHECK_SHARED, else
../shared. A bare clone has no such folder; the tests that need it skip, all with the
reason NO_SHARED, and the rest of the suite runs.

The SARIF checks need less: the SARIF Multitool that `npm ci` installs (package.json)
ships the SARIF 2.1.0 schema and validates a log offline, so they run in a bare clone too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVCHECK_SHARED") or ROOT.parent / "shared").resolve()
SEEDS = SHARED / "seeds"
REFERENCE = SHARED / "reference"

NO_SHARED = (
    f"needs the source texts in {SHARED}: set GOVCHECK_SHARED to the shared folder "
    "(default ../shared beside the checkout)"
)
needs_shared = pytest.mark.skipif(
    not (SEEDS.is_dir() and REFERENCE.is_dir()), reason=NO_SHARED
)

_PLATFORM = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform, "")
MULTITOOL_DIR = ROOT / "node_modules" / "@microsoft" / f"sarif-multitool-{_PLATFORM}"
NO_SARIF_SCHEMA = (
    "needs the SARIF 2.1.0 schema: run `npm ci` (the SARIF Multitool ships it), "
    "or set GOVCHECK_SHARED to the shared folder"
)
NO_MULTITOOL = "needs the SARIF Multitool: run `npm ci` (package.json)"


def sarif_schemas() -> dict[str, dict[str, Any]]:
    """Every SARIF 2.1.0 schema at hand, by where it came from: OASIS's, the Multitool's."""
    found = {}
    for name, path in (
        ("OASIS", SHARED / "schemas" / "sarif-schema-2.1.0.json"),
        ("SARIF Multitool", MULTITOOL_DIR / "sarif-2.1.0.json"),
    ):
        if path.is_file():
            found[name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def multitool() -> Path | None:
    """The SARIF Multitool's executable, when `npm ci` installed it."""
    exe = MULTITOOL_DIR / ("Sarif.Multitool.exe" if sys.platform == "win32" else "Sarif.Multitool")
    return exe if exe.is_file() and os.access(exe, os.X_OK) else None
