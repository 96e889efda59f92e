"""Where a report goes: standard output, or a file that is replaced only when complete.

A report file (`--output FILE`) is written to a temporary file beside it and renamed
over it once the whole report is written and flushed to disk, so a run that fails (a
full disk, an interrupt, a broken rule file found half way) leaves the previous report
as it was, never a truncated one. A path that names something other than a regular file
(`/dev/stdout`, a named pipe a pipeline reads from) is written directly, since it cannot
be replaced.

Nothing a proposal holds can make writing fail on its encoding: reports meant as files
(JSON, SARIF, JUnit, Markdown, HTML...) are always UTF-8, whatever the terminal's
encoding; reports meant for a terminal or a CI log follow its encoding and show any
character it cannot hold as an escape (`\\u2014`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from typing import IO


class Destination:
    """An open report destination: write to `stream`, then `commit` or `discard`."""

    def __init__(self, target: str | None, *, terminal: bool) -> None:
        self.target = target
        self._temp: str | None = None
        self._final: str | None = None
        if target is None:
            self.stream = _stdout(terminal)
            return
        final = os.path.realpath(target)  # a symbolic link keeps pointing at the report
        try:
            mode = os.stat(final).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            self.stream = open(final, "w", encoding="utf-8", errors="backslashreplace")
            return
        directory, name = os.path.split(final)
        fd, self._temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
        self._final = final
        try:
            if hasattr(os, "fchmod"):  # mkstemp makes it 0600; a report keeps the usual mode
                os.fchmod(fd, stat.S_IMODE(mode) if mode is not None else _default_mode())
            self.stream = open(fd, "w", encoding="utf-8", errors="backslashreplace")
        except BaseException:
            os.close(fd)
            self._drop_temp()
            raise

    @property
    def shown(self) -> str:
        return self.target if self.target is not None else "standard output"

    def commit(self) -> None:
        """Finish the report: flush it and, for a file, put it in place."""
        self.stream.flush()
        if self._temp is None:
            if self.target is not None:
                self.stream.close()
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.replace(self._temp, self._final)  # type: ignore[arg-type]
        self._temp = None

    def discard(self) -> None:
        """Give up: the temporary file goes and the previous report stays. On standard
        output, what was written stays written; whatever is still buffered is dropped
        so that closing it at exit raises nothing more."""
        if self.target is None:
            _silence_stdout()
            return
        with contextlib.suppress(OSError, ValueError):
            self.stream.close()
        self._drop_temp()

    def _drop_temp(self) -> None:
        if self._temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._temp)
            self._temp = None


def _stdout(terminal: bool) -> IO[str]:
    out = sys.stdout
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None:
        if terminal:
            reconfigure(errors="backslashreplace")
        else:
            reconfigure(encoding="utf-8", errors="backslashreplace")
    return out


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the interpreter's last flush of a
    closed pipe or a full disk fails silently rather than printing a traceback."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
