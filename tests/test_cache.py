"""Nothing planted in govcheck's cache runs or changes a verdict (cache.py, datacodec.py).

Each test points GOVCHECK_CACHE_DIR at a fresh directory, plants something there, and
checks the Northtown case: its findings must be those the rule files give, no planted
code may run (each payload would create a marker file), and nothing may crash.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import shutil
import stat
import sys
from pathlib import Path

import pytest
import rulekit

import govcheck
from govcheck import cache, rulebook
from govcheck.fastcheck import COMPILE_AFTER, QuickVerdict, verdict_schema
from govcheck.resources import data_dir
from govcheck.validate import _validation_schema

NORTHTOWN = (Path(__file__).resolve().parents[1] / "cases" / "northtown-cic.yaml").resolve()
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def verdict() -> list[tuple[str, str, str]]:
    """What the Northtown case is told: each finding's rule, severity and message."""
    findings = govcheck.check(str(NORTHTOWN)).results[0].findings
    return [(f.rule, f.severity, f.message) for f in findings]


@pytest.fixture(scope="module")
def uncached() -> list[tuple[str, str, str]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVCHECK_NO_CACHE", "1")
        found = verdict()
    assert any(severity != "info" for _, severity, _ in found)
    return found


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncached) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVCHECK_NO_CACHE", raising=False)
    where = tmp_path / "cache"
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(where))
    return where


def entry() -> tuple[str, str]:
    found = rulebook._cache_entry(data_dir("rules"))
    assert found is not None
    return found


class Plant:
    """A pickle payload: unpickling it creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def forged(cache_dir: Path) -> Path:
    """Let govcheck write the entry, then make every rule an info saying "forged", in
    place (same file, same inode): an edit that changes the verdict if it is trusted."""
    rulebook.load_rulebook()
    name, _ = entry()
    path = cache_dir / name
    header, _, body = path.read_bytes().partition(b"\n")
    book = rulebook._codec().decode(body)
    for rule in book.rules.values():
        rule.severity, rule.message = "info", "forged"
    with open(path, "r+b") as f:
        f.write(header + b"\n" + rulebook._codec().encode(book).encode())
        f.truncate()
    return path


def test_the_cache_gives_back_the_rulebook_the_rule_files_give(cache_dir, uncached) -> None:
    fresh = rulebook.load_rulebook()
    # A field holding something that is neither plain data nor a govcheck dataclass
    # leaves the rulebook uncached: the CodecError names it.
    rulebook._codec().encode(fresh)
    name, _ = entry()
    assert (cache_dir / name).is_file()
    again = rulebook.load_rulebook()
    assert again is not fresh
    codec = rulebook._codec()
    assert codec.encode(again) == codec.encode(fresh)
    assert verdict() == uncached


def test_the_directory_is_made_for_the_user_alone(cache_dir) -> None:
    rulebook.load_rulebook()
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert {p.suffix for p in cache_dir.iterdir()} == {".json"}


def test_a_forged_entry_is_trusted_only_as_the_users_own_file(cache_dir, uncached) -> None:
    """The control for the tests below: the user can change their own cache."""
    forged(cache_dir)
    assert verdict() != uncached


def test_a_planted_pickle_never_runs(cache_dir, tmp_path, uncached) -> None:
    marker = tmp_path / "pickle-ran"
    payload = pickle.dumps(("key", Plant(marker)))
    cache_dir.mkdir(mode=0o700)
    name, _ = entry()
    stem = name.rsplit(".", 1)[0]
    (cache_dir / f"{stem}.pickle").write_bytes(payload)  # where govcheck once looked
    (cache_dir / name).write_bytes(payload)  # and where it looks now
    assert verdict() == uncached
    assert not marker.exists()


def test_a_planted_marshalled_schema_check_never_runs(cache_dir, tmp_path) -> None:
    import fastjsonschema

    marker = tmp_path / "marshal-ran"
    code = compile(
        f"open({str(marker)!r}, 'w').close()\n"
        "def validate(data, custom_formats=None):\n    return data\n",
        "<planted>",
        "exec",
    )
    # The name govcheck once gave the compiled check: the same for every project.
    text = json.dumps(verdict_schema(_validation_schema()), sort_keys=True)
    made_by = f"{fastjsonschema.VERSION}\0{sys.version}\0{marshal.version}"
    key = hashlib.sha256(f"{text}\0{made_by}".encode()).hexdigest()
    cache_dir.mkdir(mode=0o700)
    (cache_dir / f"schema-check-{key[:32]}.marshal").write_bytes(marshal.dumps(code))
    verdict = QuickVerdict(_validation_schema)
    invalid = {**rulekit.proposal(), "as_at": "2009-02-30"}
    answers = [verdict(invalid) for _ in range(COMPILE_AFTER + 2)]
    assert answers == [False] * (COMPILE_AFTER + 2)  # never "valid"
    assert verdict(rulekit.proposal()) is True  # compiled, from the schema
    assert not marker.exists()


def test_a_symlink_at_an_entry_is_not_followed(cache_dir, tmp_path, uncached) -> None:
    forged_copy = forged(cache_dir).read_bytes()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(forged_copy)  # a well-formed forged entry, reached by a link
    name, _ = entry()
    (cache_dir / name).unlink()
    (cache_dir / name).symlink_to(victim)
    # the old writer's predictable temporary name
    (cache_dir / f"{name.rsplit('.', 1)[0]}.{os.getpid()}.tmp").symlink_to(victim)
    assert verdict() == uncached
    assert victim.read_bytes() == forged_copy  # the write replaced the link, not the file
    assert not (cache_dir / name).is_symlink()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\n",
        b"not json at all",
        b"govcheck-cache 2 0 0 0\n{}",
        "truncated",
        "unknown class",
        "bad fields",
        "deep",
        "fifo",
        "directory",
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(cache_dir, damage, uncached) -> None:
    rulebook.load_rulebook()
    name, _ = entry()
    path = cache_dir / name
    header, _, body = path.read_bytes().partition(b"\n")
    if isinstance(damage, bytes):
        damaged: bytes | None = damage
    elif damage == "truncated":
        damaged = header + b"\n" + body[: len(body) // 2]
    elif damage == "unknown class":  # a name the reader must not look up
        damaged = header + b'\n{"$t": "os.system", "command": "touch pwned"}'
    elif damage == "bad fields":
        damaged = header + b'\n{"$t": "govcheck.rulebook.Rulebook", "nonsense": 1}'
    elif damage == "deep":
        damaged = header + b"\n" + b"[" * 100_000 + b"]" * 100_000
    else:
        damaged = None
    if damaged is not None:
        with open(path, "r+b") as f:  # in place: the header still names this file
            f.write(damaged)
            f.truncate()
    else:
        path.unlink()
        if damage == "fifo":
            os.mkfifo(path, 0o600)
        else:
            path.mkdir(mode=0o700)
    assert verdict() == uncached
    assert not Path("pwned").exists()
    if damage not in ("fifo", "directory"):  # those cannot be replaced by a file
        assert rulebook._codec().decode(path.read_bytes().partition(b"\n")[2])


def test_an_entry_copied_from_elsewhere_is_not_trusted(cache_dir, uncached) -> None:
    """A restored or shared CI cache: the right bytes, but not the file govcheck wrote."""
    path = forged(cache_dir)
    copy = path.with_name("copy")
    shutil.copy(path, copy)  # a new file while the old one still holds its inode
    os.replace(copy, path)
    assert verdict() == uncached


def test_an_entry_from_another_boot_is_not_trusted(cache_dir, monkeypatch, uncached) -> None:
    """A cache restored onto a fresh CI runner, even into a file of the same number."""
    forged(cache_dir)
    monkeypatch.setattr(cache, "boot_id", lambda: "another-boot")
    assert verdict() == uncached


def test_an_entry_others_may_write_is_not_trusted(cache_dir, uncached) -> None:
    path = forged(cache_dir)
    os.chmod(path, 0o664)
    assert verdict() == uncached


def test_a_directory_others_may_write_is_not_used(cache_dir, uncached) -> None:
    forged(cache_dir)
    os.chmod(cache_dir, 0o777)
    assert verdict() == uncached
    os.chmod(cache_dir, 0o700)


def test_an_entry_owned_by_someone_else_is_not_trusted(cache_dir, monkeypatch, uncached) -> None:
    path = forged(cache_dir)
    if ROOT_USER:
        os.chown(path, 12345, 12345)
    else:  # the owner check compares with the effective user: be someone else
        real = os.geteuid()
        monkeypatch.setattr(cache.os, "geteuid", lambda: real + 1)
        # the directory is then someone else's too: make the check see only the entry
        monkeypatch.setattr(cache, "directory", lambda: cache_dir)
    assert verdict() == uncached


def test_a_directory_owned_by_someone_else_is_not_used(cache_dir, monkeypatch, uncached) -> None:
    forged(cache_dir)
    if ROOT_USER:
        os.chown(cache_dir, 12345, 12345)
    else:
        real = os.geteuid()
        monkeypatch.setattr(cache.os, "geteuid", lambda: real + 1)
    assert cache.directory() is None
    assert verdict() == uncached


@pytest.mark.parametrize("variable", ["GOVCHECK_CACHE_DIR", "XDG_CACHE_HOME"])
def test_a_relative_cache_path_is_refused(tmp_path, monkeypatch, variable, uncached) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVCHECK_NO_CACHE", raising=False)
    monkeypatch.delenv("GOVCHECK_CACHE_DIR", raising=False)
    monkeypatch.setenv(variable, "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    where = cache.location()
    assert where is None or where.is_absolute()
    assert verdict() == uncached
    assert not (tmp_path / "relative-cache").exists()


def test_no_cache_means_nothing_is_written(cache_dir, monkeypatch, uncached) -> None:
    monkeypatch.setenv("GOVCHECK_NO_CACHE", "1")
    assert verdict() == uncached
    assert not cache_dir.exists()


def test_old_entries_and_code_once_kept_are_cleared(cache_dir, uncached) -> None:
    cache_dir.mkdir(mode=0o700)
    for i in range(cache.KEEP + 5):
        old = cache_dir / f"rulebook-{i:016x}.json"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    (cache_dir / "rulebook-0000000000000000.pickle").write_bytes(b"old")
    (cache_dir / "schema-check-0.marshal").write_bytes(b"old")
    assert verdict() == uncached  # a miss: the entry is written, the rest pruned
    kept = sorted(p.name for p in cache_dir.iterdir())
    assert entry()[0] in kept and len(kept) == cache.KEEP
    assert not any(name.endswith((".pickle", ".marshal")) for name in kept)
    assert "rulebook-0000000000000000.json" not in kept  # the oldest went first
