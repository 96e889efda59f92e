"""govcheck's own cache directory: the checked bundled rulebook, kept as data between runs.

What is kept is data only: the rulebook as JSON (datacodec.py), whose reader can build
govcheck's own data classes and nothing else. Nothing read from here is run, imported or
unpickled, so a planted file can at worst be ignored.

Where: $GOVCHECK_CACHE_DIR, else $XDG_CACHE_HOME/govcheck, else ~/.cache/govcheck.
GOVCHECK_NO_CACHE=1 turns caching off. A relative GOVCHECK_CACHE_DIR turns it off too
(it would name a different directory in every working directory, one that a checked-out
repository could supply); a relative XDG_CACHE_HOME is ignored, as the XDG specification
says.

What is trusted:
- the directory only when it is the user's own and no one else can write it (govcheck
  creates it 0700);
- an entry only when it is a regular file (never a symlink, FIFO or device), the user's
  own, writable by no one else, and the very file govcheck wrote there in this boot of
  the machine: each entry records its own device and inode number and, where the system
  tells it (Linux), the boot's id. A file copied in, planted by a link, or restored from
  a shared CI cache onto a fresh runner does not match, and is rebuilt;
- and only while its key, made from everything the entry was built from, still matches.
Anything else is ignored and rebuilt, never an error. Entries are written to a fresh
file of unpredictable name (mkstemp, O_EXCL) and renamed into place, so a reader never
sees half an entry and no link planted at a predictable name is followed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import tempfile
import time
from pathlib import Path

FORMAT = "govcheck-cache 2"
KEEP = 32  # entries kept; each is a rulebook for one working directory (~1 MB)
OBSOLETE = (".pickle", ".marshal")  # what govcheck once kept: code, never read now
# Far above any real entry (the bundled rulebook is under 1 MB); a larger file is not ours.
MAX_ENTRY = 64 * 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a symlink fails to open (ELOOP)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, then fails the regular-file test
    | getattr(os, "O_CLOEXEC", 0)
)


def location() -> Path | None:
    """Where the cache directory is configured to be, or None when caching is off."""
    if os.environ.get("GOVCHECK_NO_CACHE"):
        return None
    explicit = os.environ.get("GOVCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit) if os.path.isabs(explicit) else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "govcheck"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "govcheck" if os.path.isabs(home) else None


def directory() -> Path | None:
    """The cache directory, created if need be, or None when off or not safe to use."""
    base = location()
    if base is None or not hasattr(os, "geteuid"):  # no owner to check: no cache
        return None
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(base, 0o700)
        info = os.stat(base)
    except OSError:
        return None
    return base if stat.S_ISDIR(info.st_mode) and _owned_and_closed(info) else None


def read(name: str, key: str) -> bytes | None:
    """The payload of entry `name` if it passes every check above and has this key."""
    base = directory()
    if base is None:
        return None
    try:
        fd = os.open(base / name, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not (
            stat.S_ISREG(info.st_mode) and _owned_and_closed(info) and info.st_size <= MAX_ENTRY
        ):
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_ENTRY + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    header, _, payload = data.partition(b"\n")
    return payload if header == _header(info, key) else None


def write(name: str, key: str, payload: bytes) -> None:
    """Store an entry atomically; any failure leaves the cache as it was and the run going."""
    base = directory()
    if base is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=base)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_header(os.fstat(f.fileno()), key) + b"\n")
            f.write(payload)
        os.replace(tmp, base / name)  # rename never follows a link at the destination
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(base)


def _prune(base: Path) -> None:
    """Keep the KEEP newest entries; drop files of formats no longer read, and temporary
    files a killed run left. Entries are per working directory, so they pile up (a test
    suite makes one per temporary directory)."""
    try:
        names = os.listdir(base)
    except OSError:
        return
    entries = []
    for name in names:
        try:
            info = os.lstat(base / name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISLNK(info.st_mode):
            continue
        stale_tmp = name.endswith(".tmp") and info.st_mtime < time.time() - 3600
        if name.endswith(OBSOLETE) or stale_tmp:
            with contextlib.suppress(OSError):
                os.unlink(base / name)
        elif name.endswith(".json"):
            entries.append((info.st_mtime, name))
    for _, name in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(base / name)


def _header(info: os.stat_result, key: str) -> bytes:
    return f"{FORMAT} {boot_id()} {info.st_dev} {info.st_ino} {key}".encode()


@functools.cache
def boot_id() -> str:
    """This boot of the machine (random at each boot), where the system says; else "-"."""
    try:
        with open("/proc/sys/kernel/random/boot_id", "rb") as f:
            text = f.read(64).decode("ascii", "replace").strip()
    except OSError:
        return "-"
    return "".join(c for c in text if c.isalnum() or c == "-") or "-"


def _owned_and_closed(info: os.stat_result) -> bool:
    """The user's own, and neither group nor others may write it."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
