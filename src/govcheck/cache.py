"""govcheck's own cache directory: work that is the same from run to run, kept.

Two things are kept: the checked and compiled bundled rulebook (rulebook.py) and the
compiled fast schema check (fastcheck.py). Each entry is stored with a key made of
everything it was built from, and used only while that key still matches.

The directory is $GOVCHECK_CACHE_DIR, else $XDG_CACHE_HOME/govcheck, else
~/.cache/govcheck; GOVCHECK_NO_CACHE=1 turns caching off. Entries are Python objects
(pickle, marshal) and are trusted like the user's own files: anyone who can write the
directory can run code as the user, as with any per-user cache of compiled code.
"""

from __future__ import annotations

import os
from pathlib import Path


def directory() -> Path | None:
    """The cache directory, or None when caching is turned off."""
    if os.environ.get("GOVCHECK_NO_CACHE"):
        return None
    base = os.environ.get("GOVCHECK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "govcheck"
    )
    return Path(base)


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half a file); never fail the run."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a read-only home is no reason to fail a check
        pass
