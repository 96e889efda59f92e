"""Hostile text in titles, names, keys, ids, waivers and file names, through every format.

Text safety: in every human-readable format no character that came
from a proposal, a file name or a key can change the output's structure or drive a
terminal; SARIF and JSON stay valid JSON whatever a string holds. Each hostile corpus
is checked beside a twin corpus of the same proposals with plain words in the same
places: the structure of each report (its headings, tags, annotations, finding lines)
must be the same for both, so no hostile string added or removed any of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govcheck.cli import main
from govcheck.render import FORMATS

CASES = Path(__file__).resolve().parents[1] / "cases"

HOSTILE = {
    "crlf-add-mask": "Northtown\r\n::add-mask::ERROR",
    "lf-forged-error": "x\n::error file=cases/northtown-cic.yaml,line=1,title=OK::All clear",
    "stop-commands": "y\n::stop-commands::pause-logging",
    "commands-mid-line": "a ::warning::b ##[error]c ##vso[task.complete result=Succeeded]d",
    "esc-conceal": "esc \x1b[8mhidden\x1b[0m \x1b[2J cleared",
    "bel-nul-del": "bell\x07 nul\x00 del\x7f",
    "osc-window-title": "\x1b]0;pwned\x07title \x1b]2;again\x1b\\",
    "osc-hyperlink": "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\",
    "bidi": "invoice \u202efdp.exe\u202c and \u2066isolate\u2069 \u200f\u061c",
    "zero-width": "Pa\u200btel\u200d\ufeff\u2060\u00ad",
    "separators": "one\u2028two\u2029three\x85four\x1cfive\x1e",
    "c1-csi": "c1 \x9b31m red \x9d0;title\x9c",
    "heading": "# Approved by the board",
    "html": "<img src=x onerror=alert(1)><script>alert(2)</script>",
    "markdown-link": "[click](javascript:alert(1)) ![x](https://evil.example/x.png)",
    "table-pipe": "a | b |\n|---|---|\n| forged | row |",
    "csv-formula": '=HYPERLINK("https://evil.example","x")',
}

# What may not appear raw in human-readable output: C0 controls (other than the output's
# own line feeds), DEL, C1, soft hyphen, bidi and zero-width characters, line and
# paragraph separators, byte-order mark.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)
MACHINE = {"json", "sarif", "junit"}
HUMAN = sorted(set(FORMATS) - MACHINE)


def _plain(data: object) -> object:
    return json.loads(json.dumps(data, default=str))


def northtown() -> dict:
    return _plain(yaml.safe_load((CASES / "northtown-cic.yaml").read_text(encoding="utf-8")))


def proposals(text: str, tag: str) -> dict[str, dict]:
    """File name -> proposal, with `text` in every place a person can write."""
    base = northtown()
    base.pop("x-expect", None)
    out = {}

    def variant(name: str, data: dict) -> None:
        safe = text.replace("/", "_").replace("\x00", "_")
        out[f"{tag}-{name}-{safe}"[:200] + ".json"] = data

    valid = json.loads(json.dumps(base))
    valid["title"] = text
    valid["summary"] = text
    valid["provider"]["name"] = text
    valid["conflicts_of_interest"][0]["person"] = text
    valid["conflicts_of_interest"][0]["commissioner_role"] = text
    valid["waivers"][0]["reason"] = text
    valid["waivers"][0]["approved_by"] = text
    variant("valid", valid)

    bad_id = json.loads(json.dumps(base))
    bad_id["id"] = text
    variant("id", bad_id)

    bad_key = json.loads(json.dumps(base))
    bad_key["provider"][text] = "value"
    variant("key", bad_key)

    bad_value = json.loads(json.dumps(base))
    bad_value["provider"]["legal_form"] = text
    variant("value", bad_value)
    return out


def corpus(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir()
    for tag, text in texts.items():
        for name, data in proposals(text, tag).items():
            (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("text-safety")
    hostile = corpus(root / "hostile", HOSTILE)
    twin = corpus(root / "plain", {tag: "Plain words" for tag in HOSTILE})
    # A file that cannot be read, with a hostile name: its trouble line goes to stderr.
    for folder, text in ((hostile, HOSTILE["lf-forged-error"]), (twin, "Plain words")):
        name = text.replace("/", "_")
        (folder / f"zz-gone-{name}.yaml").symlink_to(folder / "nowhere.yaml")
    return hostile, twin


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 2, result.stderr  # the unreadable file
    return result


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def assert_inert(text: str, fmt: str) -> None:
    if fmt == "csv":
        text = text.replace("\r\n", "\n")  # RFC 4180 row ends: the format's own
    bad = sorted({repr(c) for c in UNSAFE.findall(text)})
    assert not bad, f"{fmt}: raw characters {bad}"
    for line in lines_of(text):
        if fmt == "github" and re.match(r"::(error|warning|notice) ", line):
            continue
        assert not line.lstrip().startswith("::"), f"{fmt}: workflow command line {line!r}"
        assert "##[" not in line and "##vso[" not in line, f"{fmt}: {line!r}"


# -- the structure each format must keep ---------------------------------------------------


def text_shape(out: str) -> Counter:
    shape: Counter = Counter()
    for line in lines_of(out):
        if re.match(r"  (ERROR|WARNING|INFO) ", line):
            shape["finding"] += 1
        elif re.match(r"    at .*:\d+:\d+  \(.*\)$", line):
            shape["at"] += 1
        elif line and not line.startswith(" "):
            shape["header"] += 1
    return shape


def github_shape(out: str) -> Counter:
    return Counter(line.split(" ", 1)[0] for line in lines_of(out) if line)


def markdown_shape(out: str) -> Counter:
    from markdown_it import MarkdownIt

    shape: Counter = Counter()
    for token in MarkdownIt("commonmark").enable("table").parse(out):
        shape[token.type] += 1
        for child in token.children or []:
            if child.type in ("html_inline", "image", "link_open"):
                shape[child.type] += 1
    return shape


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.shape: Counter = Counter()

    def handle_starttag(self, tag, attrs) -> None:
        self.shape[tag] += 1
        for name, _ in attrs:
            self.shape[f"{tag}@{name}"] += 1


def html_shape(out: str) -> Counter:
    parser = _Tags()
    parser.feed(out)
    return parser.shape


def rows_shape(out: str) -> Counter:
    rows = list(csv.reader(io.StringIO(out)))
    return Counter(len(row) for row in rows)


SHAPES = {
    "text": text_shape,
    "github": github_shape,
    "markdown": markdown_shape,
    "html": html_shape,
    "csv": rows_shape,
    "compact": lambda out: Counter(len(lines_of(out)) for _ in [0]),
}


@pytest.mark.parametrize("fmt", HUMAN)
def test_hostile_text_neither_acts_nor_changes_the_structure(corpora, fmt) -> None:
    hostile, twin = corpora
    bad = run("check", str(hostile), "--format", fmt)
    plain = run("check", str(twin), "--format", fmt)
    out = bad.stdout_bytes.decode("utf-8")
    assert_inert(out, fmt)
    assert_inert(bad.stderr, "stderr")
    shape = SHAPES.get(fmt)
    if shape is not None:
        assert shape(out) == shape(plain.stdout)
    if fmt == "markdown":
        got = markdown_shape(out)
        assert not (got["html_inline"] or got["html_block"] or got["image"]), got
    if fmt == "html":
        got = html_shape(out)
        assert not (got["img"] or got["script"]) and not any("@on" in k for k in got), got


def test_stderr_names_a_hostile_file_on_one_inert_line(corpora) -> None:
    hostile, _ = corpora
    result = run("check", str(hostile), "--format", "json")
    [line] = result.stderr.splitlines()
    assert_inert(result.stderr, "stderr")
    assert line.startswith("govcheck: cannot read ") and "\\n:\\u003aerror" in line


def test_validate_output_is_inert(corpora) -> None:
    hostile, _ = corpora
    result = run("validate", str(hostile))
    assert_inert(result.stdout, "validate")
    assert_inert(result.stderr, "stderr")
    valid = [line for line in result.stdout.splitlines() if line.endswith(": valid proposal")]
    assert len(valid) == len(HOSTILE)  # one per 'valid' variant: no line was split


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_stay_valid_and_keep_every_string_exactly(corpora, fmt) -> None:
    hostile, _ = corpora
    out = run("check", str(hostile), "--format", fmt).stdout_bytes.decode("utf-8")
    report = json.loads(out)
    text = json.dumps(report, ensure_ascii=False)
    for name in ("separators", "bidi", "osc-hyperlink"):
        value = HOSTILE[name]
        assert json.dumps(value, ensure_ascii=False)[1:-1] in text, name


def test_junit_stays_well_formed_xml(corpora) -> None:
    hostile, _ = corpora
    out = run("check", str(hostile), "--format", "junit").stdout_bytes
    suites = ET.fromstring(out)
    assert len(suites.findall("testsuite")) == 4 * len(HOSTILE) + 1


def test_sarif_with_line_separators_in_a_name_is_one_json_document(tmp_path) -> None:
    # json.dumps keeps U+2028 raw inside strings; re-indenting must not split on it.
    data = northtown()
    data.pop("x-expect")
    data["conflicts_of_interest"][0]["person"] = "Dr\u2028A\x85Patel\x1cX\u2029"
    (tmp_path / "p.json").write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p.json"), "--format", "sarif"])
    report = json.loads(result.stdout_bytes.decode("utf-8"))
    messages = [r["message"]["text"] for r in report["runs"][0]["results"]]
    assert any("Dr\u2028A\x85Patel\x1cX\u2029" in m for m in messages)


def test_the_test_command_shows_a_hostile_case_inertly(tmp_path) -> None:
    data = northtown()
    data["x-expect"] = [{"rule": "COI-001", "at": HOSTILE["lf-forged-error"]}]
    name = tmp_path / f"case {HOSTILE['esc-conceal']} {HOSTILE['stop-commands']}.json"
    name.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(name), "--no-examples"])
    assert result.exit_code == 1  # the `at` expectation cannot match
    assert_inert(result.stdout, "test")
    assert "FAIL" in result.stdout and "\\u001b[8mhidden" in result.stdout  # shown, escaped
