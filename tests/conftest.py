"""Make ``import govcheck`` work from a checkout, and share a stable test rulebook."""

import shutil
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


# Rule files whose rules tests may rely on by id; the rest of the rulebook grows freely.
# values.yaml holds the named dates and dated values those rules use.
STABLE_RULE_FILES = (
    "facts", "sources", "values", "pensions", "charitable-status", "conflict-of-interest",
)


@pytest.fixture(scope="session")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the stable part of the bundled rulebook, for tests of the renderers."""
    from govcheck.resources import data_dir

    target = tmp_path_factory.mktemp("rules")
    for name in STABLE_RULE_FILES:
        shutil.copy(data_dir("rules") / f"{name}.yaml", target / f"{name}.yaml")
    return target
