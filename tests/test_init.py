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


def test_init_writes_a_starter_that_passes_validate(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    code, _, err = run("schema", "--write", "schemas")
    assert code == 0 and "govcheck init` in this folder or below" in err
    (tmp_path / "proposals").mkdir()
    target = tmp_path / "proposals" / "northtown-cic.yaml"
    code, _, err = run("init", "proposals/northtown-cic.yaml")
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    first, *_ = text.splitlines()
    assert first == "# yaml-language-server: $schema=../schemas/proposal.schema.json"
    data = yaml.safe_load(text)
    assert data["govcheck"] == 1
    assert data["id"] == "northtown-cic"
    assert {"id", "title", "commissioners", "provider"} <= set(data)
    assert {"name", "model", "legal_form"} <= set(data["provider"])
    assert str(data["as_at"]) == datetime.date.today().isoformat()
    code, out, _ = run("validate", str(target))
    assert (code, out.strip()) == (0, f"{target}: valid proposal")


def test_schema_write_copies_the_bundled_schema(tmp_path) -> None:
    code, _, err = run("schema", "--write", str(tmp_path / "editor" / "schemas"))
    assert code == 0
    copy = tmp_path / "editor" / "schemas" / "proposal.schema.json"
    assert copy.read_bytes() == (data_dir("schemas") / "proposal.schema.json").read_bytes()
    assert f"--schema {copy}" in err  # init in the working directory would not find it
    code, _, err = run("schema", "--write", str(tmp_path / "editor" / "schemas"))
    assert code == 0 and "already this version's" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run("schema", "--write", str(tmp_path / "file" / "below"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1


def modeline(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.split("$schema=", 1)[1] if "$schema=" in first else None


def test_modeline_links_to_the_repository_copy_relative_to_the_new_file(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    deep = tmp_path / "proposals" / "2024"
    deep.mkdir(parents=True)
    # No copy in the repository: no link, and a line saying how to make one. Never a
    # link into govcheck's own installation, which exists on this machine only.
    code, _, err = run("init", "proposals/2024/a.yaml")
    assert code == 0 and modeline(deep / "a.yaml") is None
    assert "govcheck schema --write schemas" in err
    assert run("schema", "--write", "schemas")[0] == 0
    assert run("init", "proposals/2024/b.yaml")[0] == 0
    assert modeline(deep / "b.yaml") == "../../schemas/proposal.schema.json"
    assert (deep / "../../schemas/proposal.schema.json").resolve().is_file()
    # A path on the command line is taken from here and written from the new file.
    (tmp_path / "editor").mkdir()
    assert run("schema", "--write", "editor")[0] == 0
    assert run("init", "proposals/2024/c.yaml", "--schema", "editor")[0] == 0
    assert modeline(deep / "c.yaml") == "../../editor/proposal.schema.json"
    code, _, err = run("init", "proposals/2024/d.yaml", "--schema", "nowhere/x.json")
    assert code == 2 and "no schema file at nowhere/x.json" in err
    url = "https://example.org/schemas/proposal.schema.json"
    assert run("init", "proposals/2024/e.yaml", "--schema", url)[0] == 0
    assert modeline(deep / "e.yaml") == url


def test_init_says_when_the_linked_copy_is_out_of_date(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "proposal.schema.json").write_text('{"title": "an old copy"}\n')
    code, _, err = run("init", "p.yaml")
    assert code == 0 and modeline(tmp_path / "p.yaml") == "proposal.schema.json"
    assert "differs from this govcheck's proposal schema" in err


def test_uncommenting_the_optional_sections_still_gives_a_valid_proposal(tmp_path) -> None:
    target = tmp_path / "p.yaml"
    assert run("init", str(target))[0] == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    opened = "\n".join(line[2:] if line.startswith("# ") else line for line in lines)
    full = tmp_path / "full.yaml"
    full.write_text(opened + "\n", encoding="utf-8")
    data = yaml.safe_load(opened)
    for section in ("staff_transfer", "services", "contract", "conflicts_of_interest", "waivers"):
        assert section in data
    assert data["commissioners"][0]["also_provides"] is False
    code, out, _ = run("validate", str(full))
    assert code == 0, out


def test_a_file_name_with_a_line_break_or_escape_still_gives_a_valid_starter(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = "new\ngovcheck: 9\n#\x1b]0;title\x07.yaml"
    code, _, err = run("init", name)
    assert code == 0, err
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert yaml.safe_load(text)["govcheck"] == 1  # one `govcheck:` key, the starter's own
    code, out, err = run("validate", "--", name)
    assert code == 0, out + err


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
    # `--` ends the options: a staged file's name is never read as one (tests/test_hook.py)
    assert hook["entry"] == "govcheck check --"
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
