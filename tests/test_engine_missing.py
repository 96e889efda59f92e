"""An engine that does not load (durable-rules built for Python 3.13 without its flag):
one line saying what to do, exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import govcheck
from govcheck.errors import GovcheckError

ROOT = Path(__file__).resolve().parents[1]
NORTHTOWN = ROOT / "cases" / "northtown-cic.yaml"
FLAG = "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject"

# What Python 3.13 says when durable-rules was built without the flag.
BROKEN_CORE = (
    "raise ImportError('/venv/lib/python3.13/site-packages/durable_rules_engine"
    ".cpython-313-x86_64-linux-gnu.so: undefined symbol: PyEval_CallObject')\n"
)


def govcheck_with_broken_engine(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "durable_rules_engine.py").write_text(BROKEN_CORE, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(fake), str(ROOT / "src")]),
        "GOVCHECK_NO_CACHE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "govcheck.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize("extra", [[], ["-j", "2"], ["--format", "sarif"]])
def test_check_says_in_one_line_how_to_rebuild_the_engine(tmp_path, extra) -> None:
    proc = govcheck_with_broken_engine(tmp_path, "check", str(NORTHTOWN), *extra)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "undefined symbol: PyEval_CallObject" in lines[0]
    assert FLAG in lines[0] and "pip install" in lines[0]
    assert proc.stdout == ""


def test_validate_needs_no_engine(tmp_path) -> None:
    proc = govcheck_with_broken_engine(tmp_path, "validate", str(NORTHTOWN))
    assert (proc.returncode, proc.stderr) == (0, "")


def test_the_library_raises_govchecks_own_error(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import now fails
    with pytest.raises(GovcheckError) as caught:
        govcheck.check(str(NORTHTOWN))
    assert FLAG in str(caught.value)
