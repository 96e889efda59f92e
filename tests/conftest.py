"""Make ``import govcheck`` work from a checkout, and share a stable test rulebook."""

import shutil
import sys
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def run_in_2009() -> Iterator[None]:
    """Runs happen on 1 October 2009 (GOVCHECK_TODAY), the day the bundled Northtown case
    was reviewed: the waivers in the fixtures, approved in 2009-2012, are live then. A
    waiver is live only while the date of the run is on or before its expiry, so without
    a fixed day these tests would change meaning as the calendar moves."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVCHECK_TODAY", "2009-10-01")
        yield
