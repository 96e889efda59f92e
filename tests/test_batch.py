"""The command line under trouble: a bad file, a failing disk, an interrupt, a dying worker.

One file's trouble never loses the others' results; the run then ends with exit 2 and a
line per trouble on stderr. A failure of the run itself is exit 2 and one line. A report
file is replaced only when complete. No traceback, ever. Real files, pipes, devices and
signals are used where the machine has them (/dev/full, /proc/self/mem, mkfifo, kill).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import rulekit
import yaml
from click.testing import CliRunner

from govcheck.cli import main
from govcheck.render import FORMATS

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
COOP = rulekit.proposal(
    provider={"legal_form": "co_operative_society", "charitable_status": "applying"},
    staff_transfer={"nhs_staff": 300, "pension": {"nhs_pension_access": "direction_status",
                                                  "direction_status": "applied"}},
)


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def write(path: Path, data: dict) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def govcheck(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    return subprocess.run(
        [sys.executable, "-m", "govcheck.cli", *args],
        timeout=120,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        **kw,
    )


def batch(tmp_path: Path, n: int = 4) -> Path:
    folder = tmp_path / "proposals"
    folder.mkdir()
    for i in range(n):
        write(folder / f"p{i:03}.yaml", {**COOP, "id": f"p{i:03}"})
    return folder


def results_by_name(stdout: str) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in json.loads(stdout)["results"]}


# -- one file's trouble ------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_an_input_output_error_is_that_files_result_and_the_batch_goes_on(tmp_path) -> None:
    folder = batch(tmp_path, 2)
    (folder / "p000z-eio.yaml").symlink_to("/proc/self/mem")  # reading it gives EIO
    result = run("check", str(folder), "--format", "json")
    assert result.exit_code == 2
    got = results_by_name(result.stdout)
    assert set(got) == {"p000.yaml", "p000z-eio.yaml", "p001.yaml"}
    [finding] = got["p000z-eio.yaml"]["findings"]
    assert finding["rule"] == "SCHEMA" and "Input/output error" in finding["message"]
    assert got["p001.yaml"]["valid"] and got["p001.yaml"]["findings"]
    assert "cannot read" in result.stderr and "p000z-eio.yaml: Input/output error" in result.stderr


def test_an_explicit_named_pipe_is_refused_at_once_not_waited_on(tmp_path) -> None:
    fifo = tmp_path / "incoming.yaml"
    os.mkfifo(fifo)
    good = write(tmp_path / "good.yaml", COOP)
    proc = govcheck("check", str(fifo), good, "--format", "json")
    stderr = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in stderr
    got = results_by_name(proc.stdout.decode())
    assert "named pipe" in got["incoming.yaml"]["findings"][0]["message"]
    assert got["good.yaml"]["valid"]
    assert "incoming.yaml" in stderr and "named pipe" in stderr


def quick(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """govcheck, given 30 s: what waits on a pipe with no writer fails by timing out."""
    return subprocess.run([sys.executable, "-m", "govcheck.cli", *args], capture_output=True,
                          timeout=30, stdin=subprocess.DEVNULL, cwd=cwd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", ["explain", "compare", "timeline", "test"])
def test_every_command_refuses_a_named_pipe_at_once(tmp_path, command) -> None:
    fifo = tmp_path / "incoming.yaml"
    os.mkfifo(fifo)
    proc = quick(command, str(fifo))
    said = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == (1 if command == "test" else 2), said
    assert "Traceback" not in said and "internal error" not in said
    assert "incoming.yaml" in said and "named pipe (FIFO), not a file" in said


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("option", ["--waivers", "--config"])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_waivers_or_config_file_that_is_a_pipe_or_device_is_refused(
    tmp_path, option, special
) -> None:
    if special == "fifo":
        path = tmp_path / "shared.yaml"
        os.mkfifo(path)
        kind = "named pipe (FIFO)"
    elif not os.path.exists(special):
        pytest.skip(f"no {special} here")
    else:
        path, kind = Path(special), "character device"
    proposal = write(tmp_path / "p.yaml", COOP)
    proc = quick("check", option, str(path), proposal)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert f"{path}:1:1: cannot read: it is a {kind}, not a file" in stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("command", ["check", "compare", "timeline"])
def test_endless_standard_input_is_cut_at_the_size_limit(command) -> None:
    with open("/dev/zero", "rb") as endless:
        proc = subprocess.run([sys.executable, "-m", "govcheck.cli", command, "-"],
                              capture_output=True, timeout=60, stdin=endless)
    said = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == (1 if command == "check" else 2), said
    assert "more than 2,000,000 bytes" in said
    assert "Traceback" not in said and "MemoryError" not in said


def test_broken_and_looping_links_in_a_folder_are_reported_not_skipped(tmp_path) -> None:
    folder = batch(tmp_path, 1)
    (folder / "gone.yaml").symlink_to(folder / "deleted.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    result = run("check", str(folder), "--format", "json")
    assert result.exit_code == 2
    got = results_by_name(result.stdout)
    assert set(got) == {"gone.yaml", "loop.yaml", "p000.yaml"}
    assert "broken symbolic link" in got["gone.yaml"]["findings"][0]["message"]
    assert "symbolic links" in got["loop.yaml"]["findings"][0]["message"]
    assert len(result.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failure_of_govcheck_on_one_file_loses_only_that_file(
    tmp_path, monkeypatch, jobs
) -> None:
    if jobs == "2" and multiprocessing.get_start_method() != "fork":
        pytest.skip("the fault is planted by patching, which only forked workers inherit")
    from govcheck.checker import Checker

    real = Checker.check_document

    def failing(self, doc):
        if doc.data.get("id") == "p002":
            raise ValueError("planted fault")
        return real(self, doc)

    monkeypatch.setattr(Checker, "check_document", failing)
    folder = batch(tmp_path, 40)  # more than one task per worker
    result = run("check", str(folder), "--format", "json", "-j", jobs)
    assert result.exit_code == 2
    got = results_by_name(result.stdout)
    assert len(got) == 40
    [finding] = got["p002.yaml"]["findings"]
    assert "govcheck failed while checking this file" in finding["message"]
    assert all(r["valid"] for name, r in got.items() if name != "p002.yaml")
    [line] = result.stderr.strip().splitlines()
    assert "internal error while checking" in line and "p002.yaml" in line


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs forked workers")
def test_a_worker_that_dies_loses_only_the_file_it_died_on(tmp_path, monkeypatch) -> None:
    from govcheck.checker import Checker

    real = Checker.check_path
    parent = os.getpid()

    def dying(self, path, display=None):
        if path.endswith("p017.yaml") and os.getpid() != parent:
            os._exit(9)  # as the kernel's out-of-memory killer or a crash in C would
        return real(self, path, display)

    monkeypatch.setattr(Checker, "check_path", dying)
    folder = batch(tmp_path, 40)
    result = run("check", str(folder), "--format", "json", "-j", "2")
    assert result.exit_code == 2
    got = results_by_name(result.stdout)
    assert list(got) == [f"p{i:03}.yaml" for i in range(40)]  # every file, in order
    assert "stopped abruptly" in got["p017.yaml"]["findings"][0]["message"]
    assert all(r["valid"] for name, r in got.items() if name != "p017.yaml")
    assert "p017.yaml stopped abruptly" in result.stderr


# -- the run itself ----------------------------------------------------------------------


def test_an_unexpected_failure_of_the_run_is_exit_2_and_one_line(tmp_path, monkeypatch) -> None:
    from govcheck.render.json_format import JsonRenderer

    def broken(self, summary):
        raise RuntimeError("planted")

    monkeypatch.setattr(JsonRenderer, "finish", broken)
    result = run("check", write(tmp_path / "p.yaml", COOP), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == "govcheck: internal error: RuntimeError: planted (please report it)\n"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_narrow_stdout_encoding_never_crashes_a_format(tmp_path, fmt, encoding) -> None:
    name = "Café – Northtown \u2014 \u201cquoted\u201d \u65e5\u672c"
    data = rulekit.proposal(
        title=name,
        provider={"legal_form": "co_operative_society", "charitable_status": "applying",
                  "name": name},
    )
    proc = govcheck("check", write(tmp_path / "p.yaml", data), "--format", fmt,
                    env={"PYTHONIOENCODING": encoding})
    stderr = proc.stderr.decode(encoding, "replace")
    assert proc.returncode == 1 and "Traceback" not in stderr, stderr
    if fmt in ("json", "sarif"):  # documents are UTF-8 whatever the terminal says
        report = json.loads(proc.stdout.decode("utf-8"))
        assert name in json.dumps(report, ensure_ascii=False)
    if fmt == "text":  # what the terminal cannot show is escaped, not dropped
        proc.stdout.decode(encoding)
        assert b"\\u65e5\\u672c" in proc.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_exit_2_and_one_line(tmp_path) -> None:
    path = write(tmp_path / "p.yaml", COOP)
    with open("/dev/full", "w") as full:
        proc = govcheck("check", path, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2, stderr
    assert stderr == ("govcheck: cannot write the report to standard output: "
                      "No space left on device\n")
    proc = govcheck("check", path, "-o", "/dev/full", "--format", "json")
    assert proc.returncode == 2
    assert proc.stderr.decode() == (
        "govcheck: cannot write the report to /dev/full: No space left on device\n"
    )


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path) -> None:
    folder = batch(tmp_path, 30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "govcheck.cli", "check", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    proc.stdout.read(100)
    proc.stdout.close()  # like `| head -c 100`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.startswith("govcheck: the reader of standard output closed it")


# -- the report file ---------------------------------------------------------------------


def test_a_failed_run_leaves_the_previous_report_untouched(tmp_path, monkeypatch) -> None:
    from govcheck.render.sarif import SarifRenderer

    report = tmp_path / "govcheck.sarif"
    report.write_text("the previous report\n")
    calls = []

    def second_fails(self, result):
        calls.append(result)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, result)

    real = SarifRenderer.result
    monkeypatch.setattr(SarifRenderer, "result", second_fails)
    folder = batch(tmp_path, 3)
    result = run("check", str(folder), "--format", "sarif", "-o", str(report))
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert report.read_text() == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["govcheck.sarif", "proposals"]


def test_a_report_file_is_replaced_whole_and_keeps_its_mode(tmp_path) -> None:
    report = tmp_path / "govcheck.json"
    report.write_text("old")
    report.chmod(0o640)
    result = run("check", write(tmp_path / "p.yaml", COOP), "--format", "json", "-o", str(report))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(report.read_text())["summary"]["files"] == 1
    assert report.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["govcheck.json", "p.yaml"]


def test_a_new_report_file_gets_the_usual_mode(tmp_path) -> None:
    report = tmp_path / "out" / "govcheck.xml"
    report.parent.mkdir()
    umask = os.umask(0o022)
    try:
        run("check", write(tmp_path / "p.yaml", COOP), "--format", "junit", "-o", str(report))
    finally:
        os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o644


# -- signals -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signals")
    text = (CASES / "northtown-cic.yaml").read_text(encoding="utf-8")
    for i in range(400):
        (folder / f"p{i:03}.yaml").write_text(text.replace("id: ", f"id: p{i:03}-", 1))
    return folder


@pytest.mark.parametrize(
    "sig, whom, code",
    [
        (signal.SIGINT, "group", 130),  # Ctrl-C at a terminal reaches every process
        (signal.SIGTERM, "parent", 143),  # `kill PID`
        (signal.SIGTERM, "group", 143),  # a CI runner stopping the job
    ],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_stops_the_run_cleanly(big_batch, tmp_path, sig, whom, code, jobs) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous")
    proc = subprocess.Popen(
        [sys.executable, "-m", "govcheck.cli", "check", str(big_batch), "-j", jobs,
         "--format", "json", "-o", str(report)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Wait until the run is under way: the report's temporary file has grown.
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        if temps and temps[0].stat().st_size > 20000:
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the run never started writing")
    (os.killpg if whom == "group" else os.kill)(proc.pid, sig)
    out, err = proc.communicate(timeout=60)
    stderr = err.decode()
    assert proc.returncode == code, stderr
    assert stderr in ("govcheck: interrupted\n", "govcheck: stopped (SIGTERM)\n"), stderr
    assert report.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    alive = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True)
    assert alive.stdout == "", "worker processes outlived the run"


# -- the same report for any -j -----------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory) -> Path:
    """Twenty bundled cases (valid and invalid, with waivers) plus a broken file."""
    folder = tmp_path_factory.mktemp("mixed")
    for case in sorted(CASES.glob("*.yaml"))[:20]:
        (folder / case.name).write_bytes(case.read_bytes())
    (folder / "zz-broken.yaml").write_text("govcheck: 1\nid: [unclosed\n")
    return folder


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_byte_identical_for_any_number_of_jobs(mixed_batch, fmt) -> None:
    one = run("check", str(mixed_batch), "--format", fmt, "-j", "1")
    two = run("check", str(mixed_batch), "--format", fmt, "-j", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
