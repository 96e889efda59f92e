"""The proposal files the workbench may read and write: those under its folder, no others.

A path from the browser is a relative path with `/` between its parts. It is refused
(`Refused`, which the server answers with 403 or 404) when it is absolute, names a
drive, holds `..`, a backslash, a NUL, a colon or a hidden part (`.git`), names a device
the way Windows does (`con.yaml`, `sub/aux.json`: on Windows these open the console or a
port, whatever the suffix) or ends a part in a dot or a space (which Windows drops), does
not end in a proposal suffix, or resolves (symbolic links followed) to somewhere outside
the folder. Only regular files are read or replaced: a named pipe or device that has a
proposal's name is refused, never opened.
A write replaces the file in one step (a temporary file renamed over it), and only when
the file on disk is still the version the page opened (its `etag`): the workbench never
overwrites a change made elsewhere without saying so.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..checker import PROPOSAL_SUFFIXES
from ..loader import LoadError, read_file

MAX_LISTED = 2000
MAX_FILE_BYTES = 2_000_000


class Refused(Exception):
    """A path the workbench will not touch. `status` is the HTTP answer: 403 for a path
    that tries to leave the folder, 404 for one that is simply not a proposal here."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Conflict(Exception):
    """The file changed on disk since the page opened it (or exists, for a new file)."""

    def __init__(self, message: str, etag: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.etag = etag


# Names Windows gives to devices in every folder, whatever follows a dot ("con.yaml").
_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{port}{n}" for port in ("com", "lpt") for n in "0123456789\u00b9\u00b2\u00b3"]
)


def _windows_device(part: str) -> bool:
    return part.split(".", 1)[0].rstrip(" ").lower() in _DEVICES


def _addressable(directory: str, name: str) -> bool:
    """Can the page name this file? Not when its path holds bytes that are not UTF-8
    (they reach Python as lone surrogates, which no URL or JSON can carry)."""
    try:
        os.path.join(directory, name).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def etag(raw: bytes) -> str:
    """The version of a file's bytes, as an HTTP entity tag (quoted)."""
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Listed:
    path: str  # relative, with "/"
    size: int
    modified: float


class Folder:
    """The folder the workbench serves (DIR), resolved once at start."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise NotADirectoryError(str(root))
        self._write_lock = threading.Lock()

    # ---- paths

    def resolve(self, relative: str, *, must_exist: bool = True) -> Path:
        """The real path of `relative` inside the folder, or Refused."""
        if not relative or "\x00" in relative or "\\" in relative:
            raise Refused("not a path inside the workbench's folder", 404)
        if relative.startswith("/") or (len(relative) > 1 and relative[1] == ":"):
            raise Refused("absolute paths are refused: give a path inside the folder")
        parts = relative.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise Refused("`..`, `.` and empty parts are refused in a path")
        if any(p.startswith(".") for p in parts):
            raise Refused("hidden files and folders are not served", 404)
        if ":" in relative:  # on Windows, `name:stream` writes a hidden stream of `name`
            raise Refused("a colon is refused in a path")
        if any(_windows_device(p) or p.endswith((".", " ")) for p in parts):
            raise Refused("names Windows keeps for devices (con, nul, com1...) and names "
                          "ending in a dot or a space are refused")
        if not relative.lower().endswith(PROPOSAL_SUFFIXES):
            raise Refused("only proposal files (.yaml, .yml, .json) are served", 404)
        target = (self.root / Path(*parts)).resolve(strict=False)
        if not target.is_relative_to(self.root):
            raise Refused("that path leads outside the workbench's folder")
        if must_exist and not target.is_file():
            raise Refused("no such proposal file", 404)
        return target

    def _current(self, target: Path) -> bytes | None:
        """The bytes on disk at `target` (None when there is no file), read only when it
        is a regular file: a named pipe would block the server for good."""
        if not os.path.lexists(target):
            return None
        try:
            return read_file(target, max_bytes=MAX_FILE_BYTES)
        except OSError as e:
            raise Refused(f"cannot read the file on disk: {e.strerror or e}", 403) from None
        except LoadError:
            raise Refused("the file on disk is larger than 2 MB, more than the workbench "
                          "edits", 413) from None

    def list(self) -> list[Listed]:
        """Proposal files under the folder, sorted; symbolic links that lead outside it,
        hidden folders, folders reached by links and names that are not UTF-8 (no
        address can name them, and they would break the listing) are left out."""
        out: list[Listed] = []
        for directory, dirs, files in os.walk(self.root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            base = Path(directory)
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(PROPOSAL_SUFFIXES):
                    continue
                if not _addressable(directory, name):
                    continue
                path = base / name
                rel = path.relative_to(self.root).as_posix()
                try:  # listed only if it can be opened: the same refusals as a read
                    stat = self.resolve(rel).stat()
                except (Refused, OSError):
                    continue
                out.append(Listed(rel, stat.st_size, stat.st_mtime))
                if len(out) >= MAX_LISTED:
                    return sorted(out, key=lambda x: x.path)
        return sorted(out, key=lambda x: x.path)

    # ---- reading and writing

    def read(self, relative: str) -> bytes:
        current = self._current(self.resolve(relative))
        if current is None:
            raise Refused("no such proposal file", 404)
        return current

    def write(
        self, relative: str, raw: bytes, *, if_match: str | None, if_none_match: str | None
    ) -> tuple[str, bool]:
        """Write `raw` to `relative`; returns (new etag, created).

        `if_match`: the etag of the version the page opened; the write happens only if
        the file is still that version. `if_none_match="*"`: create a new file, only if
        there is none. One of the two is required, so nothing is overwritten blind.
        """
        if if_match is None and if_none_match != "*":
            raise Conflict(
                "say which version you are replacing (If-Match), or that the file is new "
                "(If-None-Match: *)",
                None,
            )
        target = self.resolve(relative, must_exist=False)
        with self._write_lock:
            current = self._current(target)
            if if_none_match == "*" and current is not None:
                raise Conflict("a file with that name already exists", etag(current))
            if if_match is not None:
                if current is None:
                    raise Conflict("the file has been deleted or moved since it was opened", None)
                if if_match != "*" and etag(current) != if_match:
                    raise Conflict("the file changed on disk since it was opened", etag(current))
            if not target.parent.is_dir():
                raise Refused("that folder does not exist", 404)
            _replace(target, raw)
        return etag(raw), current is None


def _replace(target: Path, raw: bytes) -> None:
    """Write all of `raw` to a temporary file beside `target`, then rename it over it:
    a reader never sees half a file. The file keeps its permissions."""
    mode = target.stat().st_mode & 0o777 if target.exists() else None
    fd, temp = tempfile.mkstemp(prefix=".govcheck-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
