"""Hostile input is refused cleanly: exit 1, a located SCHEMA finding, no traceback.

The small files are in tests/hostile/; the big ones (100,000-deep nesting, a 10 MB
string) are written at test time by tests/hostile/make_corpus.py. Each file is checked
through the real command line in a subprocess with a 1 GB address-space limit and a
generous timeout, so a parser that expands aliases or recurses without bound fails
here as a crash or a timeout rather than passing quietly. The expected lines were
counted by hand from the files.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile"
ROOT = HERE.parent
sys.path.insert(0, str(HOSTILE))
import make_corpus  # noqa: E402

ONE_GB = 1024**3

# file -> (line of the fault, words the message must contain)
SMALL = {
    "billion_laughs.yaml": (4, ["anchors", "not allowed"]),
    "merge_key.yaml": (13, ["anchors", "not allowed"]),
    "python_tag.yaml": (9, ["tags", "!!python/object", "not allowed"]),
    "duplicate_key.yaml": (13, ["duplicate key", "title", "line 3"]),
    "empty.yaml": (1, ["empty"]),
    "top_level_list.yaml": (1, ["list", "mapping"]),
    "nan.json": (7, ["NaN", "finite number"]),
    "utf16_bom.yaml": (1, ["UTF-16", "UTF-8"]),
    "latin1.yaml": (10, ["not UTF-8", "0xe9"]),
    "png_header.yaml": (3, ["NUL", "binary"]),
    "nul_bytes.yaml": (3, ["NUL", "binary"]),
    "yes_for_true.yaml": (14, ["provider.membership.open", '"yes"', "true or false"]),
    "no_for_false.yaml": (17, ["conflicts_of_interest[0].recused", '"no"', "true or false"]),
    "underscore_number.yaml": (14, ["staff_transfer.nhs_staff", '"1_000"', "number"]),
    "sexagesimal.yaml": (15, ["contract.value_gbp", '"1:30"', "number"]),
}

BIG = {
    "deep_list.yaml": (make_corpus.HOSTILE_LINE, ["nested", "50 levels"]),
    "deep_map.yaml": (make_corpus.HOSTILE_LINE, ["nested", "50 levels"]),
    "deep_list.json": (make_corpus.HOSTILE_LINE, ["nested", "50 levels"]),
    # Refused on size before any parsing: a whole-file fault, reported at line 1.
    "big_string.yaml": (1, ["10,485,", "limit", "2,000,000 bytes"]),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GB, ONE_GB))


def run_check(path: Path) -> tuple[int, dict | None, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "govcheck.cli", "check", str(path), "--format", "json"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        preexec_fn=_limit_memory,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "GOVCHECK_NO_CACHE": "1"},
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = None
    return proc.returncode, report, stderr


def assert_refused(path: Path, line: int, words: list[str]) -> None:
    code, report, stderr = run_check(path)
    assert "Traceback" not in stderr, stderr
    assert code == 1, f"exit {code}; stderr: {stderr[-2000:]}"
    assert report is not None, "the JSON report is not valid JSON"
    (result,) = report["results"]
    assert result["valid"] is False
    schema = [f for f in result["findings"] if f["rule"] == "SCHEMA"]
    assert schema, result["findings"]
    at_line = [f for f in schema if f["location"]["line"] == line]
    assert at_line, [(f["location"]["line"], f["message"]) for f in schema]
    assert any(all(w in f["message"] for w in words) for f in at_line), [
        f["message"] for f in at_line
    ]


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_hostile_file_is_refused(name: str) -> None:
    line, words = SMALL[name]
    assert_refused(HOSTILE / name, line, words)


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_corpus.write_big(tmp_path_factory.mktemp("hostile-big"))


@pytest.mark.parametrize("name", sorted(BIG))
def test_big_hostile_file_is_refused(name: str, big_files: dict[str, Path]) -> None:
    line, words = BIG[name]
    assert_refused(big_files[name], line, words)


def test_corpus_names_every_committed_file() -> None:
    # A hostile file added to the folder without an expectation would never be checked.
    committed = {p.name for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json")}
    assert committed == set(SMALL)


def test_a_valid_proposal_passes_under_the_same_limits(tmp_path: Path) -> None:
    # The harness itself (1 GB limit, bare environment) does not make everything fail.
    good = (HOSTILE / "yes_for_true.yaml").read_text(encoding="utf-8")
    path = tmp_path / "good.yaml"
    path.write_text(good.replace("open: yes", "open: true"), encoding="utf-8")
    code, report, stderr = run_check(path)
    assert "Traceback" not in stderr
    assert report is not None and report["results"][0]["valid"] is True, report
    assert code in (0, 1)
