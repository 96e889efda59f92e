"""The README's first example is what govcheck prints today, not what it once printed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from govcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_excerpt_of_the_northtown_report_is_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = re.search(r"Among its warnings:\n\n```\n(.*?)```", readme, re.S)
    assert excerpt, "the README's Northtown excerpt has moved: update this test"
    run = CliRunner().invoke(
        main, ["check", str(ROOT / "cases" / "northtown-cic.yaml"), "--fail-on", "never"],
        env={"GOVCHECK_TODAY": "2026-12-03"},
    )  # fmt: skip
    assert run.exit_code == 0
    shown = excerpt.group(1).replace("cases/northtown-cic.yaml", "northtown-cic.yaml")
    printed = run.stdout.replace(str(ROOT / "cases") + "/", "")
    assert shown.strip("\n") in printed



def test_the_readme_states_the_rulebook_as_it_is() -> None:
    from govcheck.rulebook import load_rulebook

    book = load_rulebook()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"The rulebook has (\d+) rules and (\d+) derived facts", readme)
    assert stated and (int(stated[1]), int(stated[2])) == (len(book.rules), len(book.facts))
    cases = len(list((ROOT / "cases").glob("*.yaml")))
    assert f"holds {cases} worked proposals" in readme.replace("\n", " ")
