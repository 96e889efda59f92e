"""The proposal schema in an editor: yaml-language-server (what VS Code's YAML extension
runs) driven over its editor protocol, as VS Code drives it.

What a user would notice: hovering a field shows what the field is (its own title and
description) with its allowed values listed under it, not the meaning of the value it
happens to hold; the link `govcheck init` writes resolves from the proposal's folder;
and VS Code's `yaml.schemas` setting, as docs/pipelines.md shows it, applies the schema
to files with no link at all.

Needs Node and the yaml-language-server package: GOVCHECK_YAML_LANGUAGE_SERVER names its
bin script, or node_modules/.bin/yaml-language-server is found in this repository (CI's
pipeline-tools step installs it from npm). Skipped otherwise.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govcheck.cli import main
from govcheck.resources import proposal_schema

ROOT = Path(__file__).resolve().parents[1]


def _server() -> list[str] | None:
    named = os.environ.get("GOVCHECK_YAML_LANGUAGE_SERVER")
    local = ROOT / "node_modules" / ".bin" / "yaml-language-server"
    found = named or (str(local) if local.exists() else shutil.which("yaml-language-server"))
    if not found or not shutil.which("node"):
        return None
    return ["node", found, "--stdio"] if found.endswith(".js") else [found, "--stdio"]


SERVER = _server()
pytestmark = pytest.mark.skipif(SERVER is None, reason="yaml-language-server is not installed")


class Editor:
    """A minimal editor: speaks the language server protocol over standard streams."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        assert SERVER is not None
        self.settings = settings
        self.proc = subprocess.Popen(
            SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        uri = root.as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri,
                "capabilities": {"workspace": {"configuration": True}},
                "workspaceFolders": [{"uri": uri, "name": root.name}],
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 60) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        end = time.monotonic() + timeout
        while True:
            message = self.inbox.get(timeout=max(end - time.monotonic(), 0.01))
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # the server asks the editor
                self._send({"id": message["id"], "result": self._answer(message)})

    def _answer(self, message: dict[str, Any]) -> Any:
        if message["method"] != "workspace/configuration":
            return None
        answers = []
        for item in message["params"]["items"]:
            value: Any = self.settings
            for part in filter(None, str(item.get("section", "")).split(".")):
                value = value.get(part) if isinstance(value, dict) else None
            answers.append(value)
        return answers

    def hover(self, path: Path, key: str, tries: int = 20) -> str | None:
        """The hover text over `key:` in the file (opened first), as Markdown."""
        text = path.read_text(encoding="utf-8")
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": path.as_uri(), "languageId": "yaml", "version": 1,
                              "text": text}},
        )  # fmt: skip
        line = next(i for i, t in enumerate(text.splitlines()) if t.strip().startswith(key))
        column = text.splitlines()[line].index(key) + 1
        for _ in range(tries):  # settings and schemas are applied asynchronously
            found = self.request(
                "textDocument/hover",
                {"textDocument": {"uri": path.as_uri()},
                 "position": {"line": line, "character": column}},
            )  # fmt: skip
            if found:
                return str(found["contents"]["value"])
            time.sleep(0.5)
        return None

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


def described(field: str) -> tuple[str, dict[str, str]]:
    """The field's own description and its values' descriptions, from the schema."""
    node = proposal_schema()["properties"]
    *parents, name = field.split(".")
    for part in parents:
        node = node[part]["properties"]
    sub = node[name]
    return sub["description"], dict(zip(sub["enum"], sub["enumDescriptions"], strict=True))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "proposals").mkdir()
    run("schema", "--write", "schemas")
    return tmp_path


def test_hover_shows_the_fields_meaning_then_its_values(repo) -> None:
    run("init", "proposals/northtown.yaml")  # links ../schemas/proposal.schema.json
    editor = Editor(repo, {"yaml": {"validate": True, "hover": True}})
    try:
        shown = editor.hover(repo / "proposals" / "northtown.yaml", "legal_form:")
    finally:
        editor.close()
    assert shown is not None, "no hover: the $schema link did not resolve"
    meaning, values = described("provider.legal_form")
    heading, _, body = shown.partition("\n\n")
    assert heading == "#### provider.legal\\_form"
    assert body.startswith(meaning)
    # The value the starter holds, described under the field, first in the list.
    held = f"* `community_interest_company`: {values['community_interest_company']}"
    listed = body.split("Allowed Values:", 1)[1]
    assert listed.strip().startswith(held)
    assert "govcheck proposal" not in shown


def test_vs_code_yaml_schemas_setting_applies_the_schema_without_a_link(repo) -> None:
    plain = repo / "proposals" / "plain.yaml"
    run("init", "proposals/linked.yaml")
    text = (repo / "proposals" / "linked.yaml").read_text(encoding="utf-8")
    plain.write_text(text.split("\n", 1)[1], encoding="utf-8")  # without the modeline
    assert "yaml-language-server" not in plain.read_text(encoding="utf-8")
    # .vscode/settings.json as docs/pipelines.md shows it (paths from the workspace root).
    vscode = json.loads((ROOT / "docs" / "examples" / "vscode-settings.json").read_text())
    settings = {"yaml": {"validate": True, "hover": True, "schemas": vscode["yaml.schemas"]}}
    editor = Editor(repo, settings)
    try:
        shown = editor.hover(plain, "model:")
    finally:
        editor.close()
    assert shown is not None
    meaning, _ = described("provider.model")
    assert shown.startswith("#### provider.model\n\n" + meaning)
