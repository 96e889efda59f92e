"""docs/pipelines.md shows the set-ups in docs/examples/ word for word, so what CI lints
(actionlint over the workflow, pre-commit over the hook config, the YAML language
server with the VS Code setting) is what users copy; and each example says what the
page promises of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govcheck.config import load_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
PAGE = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir()))
def test_the_page_shows_each_example_as_it_is(name) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert f"\n{text}```\n" in PAGE, f"docs/pipelines.md does not show docs/examples/{name}"


def test_the_settings_example_is_a_valid_settings_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(EXAMPLES / "govcheck.yaml")
    assert config.fail_on == "warning"
    assert Path(config.waivers).name == "waivers.yaml"


def test_the_workflow_checks_once_and_uploads_only_what_was_written() -> None:
    flow = yaml.safe_load((EXAMPLES / "govcheck-workflow.yml").read_text(encoding="utf-8"))
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {
        "contents": "read", "security-events": "write", "actions": "read",
    }  # fmt: skip
    runs = [s["run"] for s in job["steps"] if "govcheck check" in s.get("run", "")]
    assert len(runs) == 1 and "--format github" in runs[0] and "sarif:govcheck.sarif" in runs[0]
    (upload,) = [s for s in job["steps"] if "upload-sarif" in s.get("uses", "")]
    assert "hashFiles('govcheck.sarif')" in upload["if"]
    assert "!github.event.pull_request.head.repo.fork" in upload["if"]
    assert "v1.0.0" not in PAGE  # no tag exists yet: the page must not pin one


def test_the_hook_examples_use_the_shipped_hook_narrowed_to_proposals() -> None:
    (shipped,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    remote = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = remote["repos"][0]["hooks"]
    assert hook["id"] == shipped["id"] and "args" not in hook
    assert len(remote["repos"][0]["rev"]) == 40  # a full commit id until tags exist
    local = yaml.safe_load((EXAMPLES / "pre-commit-local.yaml").read_text(encoding="utf-8"))
    (own,) = local["repos"][0]["hooks"]
    assert own["entry"].startswith("govcheck check") and own["language"] == "system"
    assert own["files"] == hook["files"]
    settings = json.loads((EXAMPLES / "vscode-settings.json").read_text(encoding="utf-8"))
    assert "./schemas/proposal.schema.json" in settings["yaml.schemas"]
