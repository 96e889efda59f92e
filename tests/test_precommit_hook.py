"""The shipped pre-commit hook, run by the real `pre-commit` in a scratch repository,
the way a team that checks proposals on commit uses it.

pre-commit clones this repository at its current commit, installs govcheck into an
environment of its own (building durable-rules from source), and runs the hook on the
staged files. That takes a minute or two and the package index, so the test runs only
when GOVCHECK_REAL_TOOLS=1 (CI's pipeline-tools step sets it); everywhere else it is
skipped and tests/test_init.py checks the hook's definition.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    os.environ.get("GOVCHECK_REAL_TOOLS") != "1",
    reason="runs the real pre-commit (a minute or two); set GOVCHECK_REAL_TOOLS=1",
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GOVCHECK_"))}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new git repository whose pre-commit config uses this repository's hook at its
    current commit, with settings in .govcheck.yaml as docs/pipelines.md advises."""
    revision = git(ROOT, "rev-parse", "HEAD")
    repo = tmp_path_factory.mktemp("scratch")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {ROOT}\n"
        f"    rev: {revision}\n"
        "    hooks:\n"
        "      - id: govcheck\n"
        "        files: ^proposals/.*\\.(ya?ml|json)$\n",
        encoding="utf-8",
    )
    (repo / ".govcheck.yaml").write_text("fail_on: error\n", encoding="utf-8")
    (repo / "proposals").mkdir()
    # Other YAML in the repository is not a proposal and must not be read as one.
    (repo / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    shutil.copy(ROOT / "cases" / "northtown-cic.yaml", repo / "proposals" / "northtown.yaml")
    return repo


def test_the_hook_passes_a_sound_proposal_and_stops_a_broken_one(scratch) -> None:
    sound = scratch / "proposals" / "sound.yaml"
    # A proposal made by govcheck's own starter is valid as written.
    subprocess.run(
        [sys.executable, "-m", "govcheck.cli", "init", str(sound)], check=True, capture_output=True
    )
    git(scratch, "add", ".pre-commit-config.yaml", ".govcheck.yaml", "ci.yml",
        "proposals/sound.yaml")  # fmt: skip
    ok = pre_commit(scratch, "run")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "govcheck (governance proposals)" in ok.stdout and "Passed" in ok.stdout

    broken = scratch / "proposals" / "broken.yaml"
    broken.write_text("govcheck: 1\nid: Not A Slug\n", encoding="utf-8")
    git(scratch, "add", "proposals/broken.yaml")
    stopped = pre_commit(scratch, "run")
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "Failed" in stopped.stdout
    assert "proposals/broken.yaml" in stopped.stdout
    assert "ci.yml" not in stopped.stdout


def test_the_hook_reports_an_unwaived_error_in_a_case(scratch) -> None:
    git(scratch, "add", "proposals/northtown.yaml")
    result = pre_commit(scratch, "run", "--files", "proposals/northtown.yaml")
    # The Northtown case is deliberately not clean: it claims independence from the
    # commissioner while a board member sits on the commissioner's board (COI-002, a
    # self-contradiction, so an error), and the waiver it carries for that expired in 2010.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR COI-002" in result.stdout
    assert "WAIVER-EXPIRED" in result.stdout


@pytest.mark.parametrize("name", ["pre-commit-config.yaml", "pre-commit-local.yaml"])
def test_the_documented_configurations_are_valid_for_pre_commit(name) -> None:
    result = pre_commit(ROOT, "validate-config", str(ROOT / "docs" / "examples" / name))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_shipped_hook_definition_is_valid_for_pre_commit() -> None:
    result = pre_commit(ROOT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
