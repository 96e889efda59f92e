"""Settings from .govcheck.yaml or [tool.govcheck] in pyproject.toml.

What a user would notice: the file is found from a subdirectory, stops at the top of the
repository, its paths are relative to itself, the command line wins, and a broken file
stops the run with every problem and its line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_formats import mini_rulebook, proposal

from govcheck.cli import main
from govcheck.config import ConfigError, find_config, load_config

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the mini rulebook in ci/rules and a warning proposal under
    proposals/; the working directory is proposals/ (below the config file)."""
    tmp_path = tmp_path / "repo"
    tmp_path.mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "ci").mkdir()
    rules = mini_rulebook(tmp_path / "ci")
    assert rules == tmp_path / "ci" / "rules"
    d = tmp_path / "proposals"
    d.mkdir()
    proposal(d / "b-warning.yaml", interest="shareholder", recused=True)
    monkeypatch.chdir(d)
    return tmp_path


def test_settings_are_found_in_a_parent_and_their_paths_are_relative_to_the_file(repo) -> None:
    (repo / ".govcheck.yaml").write_text(
        "rules: ci/rules\n"
        "fail_on: warning\n"
        "format: [compact, 'json:reports/govcheck.json']\n",
        encoding="utf-8",
    )
    (repo / "reports").mkdir()
    code, out, _ = run("check", "b-warning.yaml")
    assert code == 1  # fail_on: warning, and the mini rulebook's COI-901 is a warning
    assert out == "b-warning.yaml:17:5: warning COI-901 Dr A holds shares.\n"
    report = json.loads((repo / "reports" / "govcheck.json").read_text(encoding="utf-8"))
    assert report["summary"]["warning"] == 1


def test_the_command_line_wins(repo) -> None:
    (repo / ".govcheck.yaml").write_text(
        "rules: ci/rules\nfail_on: warning\nformat: compact\n", encoding="utf-8"
    )
    code, out, _ = run("check", "b-warning.yaml", "--fail-on", "error", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["warning"] == 1


def test_no_config_ignores_the_file_and_config_names_one(repo, tmp_path_factory) -> None:
    (repo / ".govcheck.yaml").write_text("rules: ci/rules\nfail_on: warning\n")
    assert run("check", "b-warning.yaml", "--no-config", "--rules", "../ci/rules")[0] == 0
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "strict.yaml"
    elsewhere.write_text(f"rules: {repo / 'ci' / 'rules'}\nfail_on: info\n")
    code, _, err = run("check", "b-warning.yaml", "--config", str(elsewhere))
    assert code == 1
    code, _, err = run("check", "b-warning.yaml", "--config", "missing.yaml")
    assert code == 2 and "missing.yaml" in err
    code, _, err = run("check", "b-warning.yaml", "--config", str(elsewhere), "--no-config")
    assert code == 2 and "cannot be given together" in err


def test_pyproject_table_is_read_and_yaml_file_comes_first(repo) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.govcheck]\nrules = "ci/rules"\nfail_on = "warning"\n'
        "as_at = 2012-01-01\njobs = 1\nignore_proposal_waivers = false\n",
        encoding="utf-8",
    )
    assert find_config() == repo / "pyproject.toml"
    assert run("check", "b-warning.yaml")[0] == 1
    (repo / ".govcheck.yaml").write_text("rules: ci/rules\nfail_on: error\n")
    assert find_config() == repo / ".govcheck.yaml"
    assert run("check", "b-warning.yaml")[0] == 0


def test_a_pyproject_without_the_table_is_passed_over(repo) -> None:
    (repo / "proposals" / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n")
    (repo / ".govcheck.yaml").write_text("rules: ci/rules\n")
    assert find_config() == repo / ".govcheck.yaml"


def test_the_search_stops_at_the_top_of_the_repository(repo) -> None:
    (repo.parent / ".govcheck.yaml").write_text("fail_on: [not, a, setting]\n")
    assert find_config() is None  # the file above .git belongs to another project
    nested = repo / "proposals" / "sub"
    nested.mkdir()
    (nested / ".git").write_text("gitdir: elsewhere\n")  # a worktree or submodule
    assert find_config(nested) is None


def test_a_broken_config_reports_every_problem_with_its_line(repo) -> None:
    (repo / ".govcheck.yaml").write_text(
        "# settings for this repository\n"
        "fail_on: errors\n"
        "as_at: 2012-02-30\n"
        "format: [text, pdf, 'sarif:g.sarif', json]\n"
        "jobs: 0\n"
        "fail-on: warning\n"
        "ignore_proposal_waivers: yes\n",
        encoding="utf-8",
    )
    code, out, err = run("check", "b-warning.yaml")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert [line.split(": ")[2].split(":")[:2] for line in lines] == [
        ["../.govcheck.yaml", "2"],
        ["../.govcheck.yaml", "3"],
        ["../.govcheck.yaml", "4"],
        ["../.govcheck.yaml", "4"],
        ["../.govcheck.yaml", "5"],
        ["../.govcheck.yaml", "6"],
        ["../.govcheck.yaml", "7"],
    ]
    assert all(line.startswith("govcheck: broken config file: ") for line in lines)
    text = "\n".join(lines)
    for words in ("'errors'", "not a date", "'pdf'", "already goes to standard output",
                  "from 1 to 64", "`fail_on`", "true or false"):  # fmt: skip
        assert words in text, words
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("fail_on: warning\nfail_on: error\n", 2, "duplicate key"),
        ("fail_on: [\n", 2, "YAML syntax error"),
        ("- fail_on: warning\n", 1, "the top level is a list"),
    ],
)
def test_a_config_that_is_not_a_mapping_of_settings(repo, text, line, words) -> None:
    (repo / ".govcheck.yaml").write_text(text)
    code, _, err = run("check", "b-warning.yaml")
    assert code == 2 and f"../.govcheck.yaml:{line}:" in err and words in err


def test_a_broken_pyproject_table_is_reported_with_its_line(repo) -> None:
    (repo / "pyproject.toml").write_text('[tool.govcheck]\nfail_on = "warning"\njobs = [\n')
    code, _, err = run("check", "b-warning.yaml")
    assert code == 2 and "../pyproject.toml:4:1: TOML syntax error" in err and "TOML" in err
    (repo / "pyproject.toml").write_text('[tool.govcheck]\nfail_on = "warning"\njobs = "2"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(repo / "pyproject.toml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 1) and "whole number" in problem.message


def test_an_empty_config_file_sets_nothing(repo) -> None:
    (repo / ".govcheck.yaml").write_text("# nothing yet\n")
    assert run("check", "b-warning.yaml", "--rules", "../ci/rules")[0] == 0


def test_shared_waivers_from_the_config_file(repo) -> None:
    proposal(repo / "proposals" / "a-error.yaml")
    (repo / "ci" / "waivers.yaml").write_text(
        "- rule: COI-001\n  reason: Exemption letter of 2011-12-01\n"
        "  approved_by: PCT board, minute 2011/42\n  expires: 2012-06-30\n"
    )
    (repo / ".govcheck.yaml").write_text("rules: ci/rules\nwaivers: ci/waivers.yaml\n")
    code, out, _ = run("check", "a-error.yaml", "--format", "compact")
    assert code == 0 and out.endswith("[waived until 2012-06-30]\n")


@pytest.mark.parametrize("target", ["/tmp/x.json", "../out.json", "reports/../../x.json",
                                    "~/x.json", "C:/x.json", "..\\x.json"])
def test_a_settings_file_cannot_write_reports_outside_its_directory(repo, target) -> None:
    # A repository under review brings its own .govcheck.yaml: it must not be able to
    # make the reviewer's run write over files outside the repository.
    (repo / ".govcheck.yaml").write_text(f"format: [text, 'json:{target}']\n", "utf-8")
    code, out, err = run("check", "b-warning.yaml")
    assert code == 2 and out == ""
    assert "writes outside this file's directory" in err and "../.govcheck.yaml:1" in err


def test_a_report_path_below_the_settings_file_is_fine(repo) -> None:
    (repo / ".govcheck.yaml").write_text("format: [text, 'json:out/./r.json']\n", "utf-8")
    (repo / "out").mkdir()
    code, _, _ = run("check", "b-warning.yaml")
    assert code == 0 and (repo / "out" / "r.json").is_file()
