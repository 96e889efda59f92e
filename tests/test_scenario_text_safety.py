"""Hostile text through `govcheck compare` and `govcheck timeline` in every human format.

The same corpus as the check report's (test_text_safety.HOSTILE), placed in the title,
the provider's name (which rule messages quote) and a commissioner's name: no raw
control, bidi or zero-width character, no line that starts a CI workflow command, and
no markup of its own in Markdown or HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_text_safety import HOSTILE, UNSAFE

from govcheck.appraisal import compare
from govcheck.checker import Checker
from govcheck.cli import main
from govcheck.periods import timeline
from govcheck.render.appraisal import render as render_comparison
from govcheck.render.periods import render as render_timeline

CHARITY = Path(__file__).resolve().parent / "fixtures" / "scenarios" / "charitable-clg-2009.yaml"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile-scenarios")
    base = yaml.safe_load(CHARITY.read_text(encoding="utf-8"))
    for name, text in HOSTILE.items():
        data = dict(base, title=f"Title {text}")
        data["provider"] = dict(base["provider"], name=f"Provider {text}")
        data["commissioners"] = [dict(base["commissioners"][0], name=f"PCT {text}")]
        (directory / f"{name}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


CHECKER = Checker()
FORMS = ["provider.legal_form=community_interest_company,co_operative_society"]


def reports(path: Path):
    """Every human-readable compare and timeline report of one proposal."""
    comparison = compare(path, vary=FORMS, checker=CHECKER)
    history = timeline(path, start="2012-01-01", end="2014-12-31", checker=CHECKER)
    for fmt in ("text", "markdown", "html"):
        yield f"compare {fmt}", fmt, render_comparison(comparison, fmt)
        yield f"timeline {fmt}", fmt, render_timeline(history, fmt)


def test_hostile_text_stays_inert(hostile: Path) -> None:
    for path in sorted(hostile.glob("*.yaml")):
        for what, fmt, out in reports(path):
            where = (path.name, what)
            assert "Title" in out, where
            assert not UNSAFE.search(out.replace("\n", "")), where
            assert not any(line.lstrip().startswith("::") for line in out.splitlines()), where
            if fmt != "text":
                assert "<img" not in out and "<script" not in out, where
            if fmt == "markdown":
                assert not any(line.startswith("# Approved") for line in out.splitlines()), where
                assert not re.search(r"(?<!\\)\]\(javascript:", out), where


def test_the_commands_write_the_same_inert_reports(hostile: Path) -> None:
    path = hostile / "osc-window-title.yaml"
    for command, extra in (("compare", ["--vary", FORMS[0]]),
                           ("timeline", ["--from", "2012-01-01", "--to", "2014-12-31"])):
        result = CliRunner().invoke(main, [command, str(path), *extra])
        assert result.exit_code == 0 and "\x1b" not in result.stdout + result.stderr
