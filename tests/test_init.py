"""`govcheck init` and the pre-commit hook definition."""

from __future__ import annotations

import datetime
import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from govcheck.cli import main
from govcheck.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_starter_that_passes_validate(tmp_path) -> None:
    target = tmp_path / "northtown-cic.yaml"
    code, _, err = run("init", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    first, *_ = text.splitlines()
    assert first.startswith("# yaml-language-server: $schema=")
    data = yaml.safe_load(text)
    assert data["govcheck"] == 1
    assert data["id"] == "northtown-cic"
    assert {"id", "title", "commissioners", "provider"} <= set(data)
    assert {"name", "model", "legal_form"} <= set(data["provider"])
    assert str(data["as_at"]) == datetime.date.today().isoformat()
    code, out, _ = run("validate", str(target))
    assert (code, out.strip()) == (0, f"{target}: valid proposal")


def test_modeline_points_at_the_proposal_schema(tmp_path) -> None:
    target = tmp_path / "sub" / "p.yaml"
    target.parent.mkdir()
    assert run("init", str(target))[0] == 0
    ref = target.read_text(encoding="utf-8").splitlines()[0].split("$schema=", 1)[1]
    assert (target.parent / ref).resolve() == (
        data_dir("schemas") / "proposal.schema.json"
    ).resolve()
    other = tmp_path / "q.yaml"
    url = "https://example.org/schemas/proposal.schema.json"
    assert run("init", str(other), "--schema", url)[0] == 0
    assert other.read_text().splitlines()[0] == f"# yaml-language-server: $schema={url}"


def test_uncommenting_the_optional_sections_still_gives_a_valid_proposal(tmp_path) -> None:
    target = tmp_path / "p.yaml"
    assert run("init", str(target))[0] == 0
    lines = target.read_text(encoding="utf-8").splitlines()[1:]
    opened = "\n".join(line[2:] if line.startswith("# ") else line for line in lines)
    full = tmp_path / "full.yaml"
    full.write_text(opened + "\n", encoding="utf-8")
    data = yaml.safe_load(opened)
    for section in ("staff_transfer", "services", "contract", "conflicts_of_interest", "waivers"):
        assert section in data
    assert data["commissioners"][0]["also_provides"] is False
    code, out, _ = run("validate", str(full))
    assert code == 0, out


def test_init_refuses_to_overwrite(tmp_path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, out, err = run("init", str(target))
    assert code == 2
    assert "already exists" in err and "Traceback" not in err
    assert target.read_text() == "mine\n"


def test_init_into_a_missing_directory_exits_2(tmp_path) -> None:
    code, _, err = run("init", str(tmp_path / "no" / "such" / "p.yaml"))
    assert code == 2 and "cannot write" in err


def test_pre_commit_hook_definition(tmp_path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "govcheck"
    assert hook["entry"] == "govcheck check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for name in ("proposals/a.yaml", "b.yml", "c.json"):
        assert files.search(name), name
    for name in ("README.md", "x.yaml.bak", "notes.txt"):
        assert not files.search(name), name
    # pre-commit runs the entry with the staged file names appended
    good = tmp_path / "good.yaml"
    assert run("init", str(good))[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("govcheck: 1\nid: Not A Slug\n", encoding="utf-8")
    argv = shlex.split(hook["entry"])[1:]
    assert run(*argv, str(good))[0] == 0
    assert run(*argv, str(good), str(bad))[0] == 1
