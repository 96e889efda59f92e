"""The pre-commit hook, run by the real `pre-commit` in a scratch git repository.

The hook is declared in .pre-commit-hooks.yaml; here it runs as a local `system` hook
with the manifest's own entry and file pattern, so pre-commit builds the command line
(entry, then args, then the staged file names) exactly as it does for users, without
building a virtual environment for govcheck. Staged files are named to attack the
command line: `--waivers=w.yaml` would waive findings and `-onorthtown.yaml` would
overwrite a proposal, if a file name were ever read as an option. (The hook as users
install it, in an environment pre-commit builds, runs in tests/test_precommit_hook.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
CASE = ROOT / "cases" / "northtown-cic.yaml"
# Northtown, with its CIC also claiming charitable status: an unwaived error (CHAR-001), so
# the hook fails. (Northtown as it stands has only warnings and a waived error.)
CASE_BYTES = CASE.read_bytes().replace(
    b"  charitable_status: none ", b"  charitable_status: applying ", 1
)

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="the hook is run in a git repository"
)


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    bindir = str(Path(sys.executable).parent)  # where this environment's govcheck is
    env = {
        **os.environ,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "GOVCHECK_NO_CACHE": "1",
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose only hook is govcheck's, as the manifest declares it."""
    pytest.importorskip("pre_commit")
    [hook] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    local = {
        key: hook[key]
        for key in ("id", "name", "entry", "files", "pass_filenames", "require_serial")
    }
    local["language"] = "system"
    # The hostile names work only at the top of the repository, where the manifest's
    # broad `files` pattern reaches; only pre-commit's and govcheck's own settings are
    # left out, so each run checks exactly the proposals staged.
    local["exclude"] = r"^\.(pre-commit-config|govcheck)\.yaml$"
    repo = tmp_path / "proposals-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "reviewer@example.org")
    git(repo, "config", "user.name", "Reviewer")
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return repo


def stage(repo: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (repo / name).write_bytes(data)
    git(repo, "add", "--", *files, ".pre-commit-config.yaml")


def test_a_file_named_like_the_waivers_option_waives_nothing(repo: Path) -> None:
    waivers = (
        "- rule: CHAR-001\n  reason: Slipped in with the commit\n  approved_by: Nobody\n"
        "  expires: 2099-12-31\n"
    )
    stage(repo, {
        "northtown.yaml": CASE_BYTES,
        "--waivers=w.yaml": CASE_BYTES.replace(b"id: ", b"id: copy-", 1),
        "w.yaml.txt": waivers.encode(),  # not matched by the hook's `files`
    })
    (repo / "w.yaml").write_text(waivers, encoding="utf-8")  # unstaged, as an attacker's
    proc = pre_commit(repo, "run", "--all-files")
    out = proc.stdout
    assert proc.returncode == 1, out  # CHAR-001 is an unwaived error
    assert "--waivers=w.yaml — " in out  # checked as a proposal file
    assert "govcheck: 2 files checked, 0 invalid;" in out
    assert "ERROR CHAR-001" in out and "Slipped in" not in out


def test_a_file_named_like_the_output_option_overwrites_nothing(repo: Path) -> None:
    original = CASE_BYTES
    stage(repo, {
        "northtown.yaml": original,
        "-onorthtown.yaml": original.replace(b"id: ", b"id: copy-", 1),
    })
    proc = pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout
    assert (repo / "northtown.yaml").read_bytes() == original
    assert "-onorthtown.yaml — " in proc.stdout and "northtown.yaml — " in proc.stdout


def test_options_come_from_the_config_file_at_the_repository_root(repo: Path) -> None:
    stage(repo, {"northtown.yaml": CASE_BYTES})
    (repo / ".govcheck.yaml").write_text("fail_on: never\n", encoding="utf-8")
    proc = pre_commit(repo, "run", "--all-files", "--verbose")  # shows a passing hook's output
    assert proc.returncode == 0, proc.stdout
    assert "ERROR CHAR-001" in proc.stdout  # reported, but --fail-on never passes


def test_args_given_to_the_hook_stop_it_with_a_reason(repo: Path) -> None:
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    config["repos"][0]["hooks"][0]["args"] = ["--fail-on", "never"]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    stage(repo, {"northtown.yaml": CASE_BYTES})
    proc = pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout  # pre-commit's failure, from govcheck's exit 2
    assert "no such file or directory: --fail-on" in proc.stdout
    assert ".govcheck.yaml" in proc.stdout
