"""Check a batch of files, in this process or in worker processes (`-j N`).

One file's failure never loses the batch: whatever goes wrong while checking a file (it
cannot be read, it is a named pipe, a bug in govcheck) becomes that file's error result,
with a one-line account of the trouble for the command line, and the next file is
checked.

durable-rules is not thread-safe, so parallel work uses processes, each with its own
engine. Results come back in input order, so the output is identical to `-j 1`. Workers
ignore SIGINT and take SIGTERM's default action: an interrupt reaches the parent alone,
which stops the workers, so a Ctrl-C gives one message, not one traceback per worker.
The workers are managed here rather than by `multiprocessing.Pool`, which waits for ever
when one of its workers is killed.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from .loader import LoadError, NotARegularFile, not_a_file, read_stream
from .model import Result
from .textsafe import clean

# Files per task sent to a worker: large enough to keep workers busy between the
# parent's reads, small enough that results stream out steadily.
CHUNK = 16


@dataclass(frozen=True)
class Outcome:
    """One file's result, and what went wrong with the file itself (None when nothing
    did): an unreadable file or a failure of govcheck. Such trouble makes the run exit 2
    once every other file has been reported."""

    result: Result
    trouble: str | None = None


def _must_be_a_file(path: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            target = os.readlink(path)
            raise FileNotFoundError(
                errno.ENOENT, f"broken symbolic link (to {target}, which does not exist)"
            ) from None
        raise
    kind = not_a_file(mode)
    if kind is not None:
        raise NotARegularFile(errno.EINVAL, f"it is {kind}, not a file")


def check_one(checker: Any, path: str) -> Outcome:
    """Check one file (or `-`, standard input); never raises for a file's sake."""
    from .checker import unreadable

    shown = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            try:
                raw = read_stream(sys.stdin.buffer)
            except LoadError as e:
                return Outcome(unreadable(shown, e.message, e.line, e.column))
            return Outcome(checker.check_bytes(raw, shown))
        _must_be_a_file(path)
        return Outcome(checker.check_path(path))
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        return Outcome(
            unreadable(shown, f"cannot read this file: {reason}", 1, 1),
            f"cannot read {clean(shown)}: {clean(reason)}",
        )
    except Exception as e:  # a bug, or memory running out: this file only
        what = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        return Outcome(
            unreadable(shown, f"govcheck failed while checking this file ({what})", 1, 1),
            f"internal error while checking {clean(shown)}: {clean(what)} (please report it)",
        )


# -- worker processes -------------------------------------------------------------------

_checker: Any = None
_startup_failure: str | None = None


def _init(settings: dict[str, Any]) -> None:
    global _checker, _startup_failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    try:
        from .checker import Checker

        _checker = Checker.from_settings(**settings)
    except Exception as e:  # reported with each file this worker is given
        _startup_failure = f"{type(e).__name__}: {e}"


def _check(path: str) -> Outcome:
    if _checker is None:
        from .checker import unreadable

        what = _startup_failure or "no checker"
        return Outcome(
            unreadable(path, f"a worker process could not start ({what})", 1, 1),
            f"a worker process could not start: {clean(what)}",
        )
    return check_one(_checker, path)


def _serve(conn: Connection, settings: dict[str, Any]) -> None:
    """A worker: check each list of paths it is sent, send back their outcomes."""
    _init(settings)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        if task is None:
            return
        conn.send([_check(path) for path in task])


_HELD = {signal.SIGINT, signal.SIGTERM}


class _Worker:
    """One worker process and the task it is working on (file indexes), if any."""

    def __init__(self, context: Any, settings: dict[str, Any]) -> None:
        ours, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, settings), daemon=True)
        # Born with SIGINT and SIGTERM held: until the worker has set its own handlers,
        # neither can make it print a traceback; one sent meanwhile waits.
        held = hasattr(signal, "pthread_sigmask")
        if held:
            signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        try:
            self.process.start()
        finally:
            if held:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        theirs.close()
        self.conn: Connection = ours
        self.task: list[int] | None = None

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(5)


def _died(path: str) -> Outcome:
    from .checker import unreadable

    return Outcome(
        unreadable(path, "the worker process checking this file stopped abruptly", 1, 1),
        f"the worker process checking {clean(path)} stopped abruptly (killed, or a crash)",
    )


def _in_workers(files: list[str], jobs: int, settings: dict[str, Any]) -> Iterator[Outcome]:
    """Outcomes of `files`, in order, from `jobs` worker processes.

    A worker that dies (killed, out of memory, a crash in the engine's C code) loses only
    its task: each file of it is tried again alone in a new worker, and a file whose
    worker dies with it alone gets an error result saying so."""
    context = multiprocessing.get_context(
        "spawn" if multiprocessing.get_start_method() != "fork" else "fork"
    )
    queue: deque[list[int]] = deque(
        list(range(i, min(i + CHUNK, len(files)))) for i in range(0, len(files), CHUNK)
    )
    window = jobs * CHUNK * 4  # how far ahead of the next file to report work may run
    done: dict[int, Outcome] = {}
    following = 0  # the next file to report
    deaths_in_a_row = 0
    workers = [_Worker(context, settings) for _ in range(min(jobs, len(queue)))]
    try:
        while following < len(files):
            for w in workers:
                if w.task is None and queue and queue[0][0] < following + window:
                    w.task = queue.popleft()
                    w.conn.send([files[i] for i in w.task])
            while following in done:
                yield done.pop(following)
                following += 1
            busy = [w for w in workers if w.task is not None]
            if following >= len(files) or not busy:
                continue
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for w in busy:
                if w.conn in ready:
                    try:
                        outcomes = w.conn.recv()
                    except (EOFError, OSError):
                        outcomes = None
                elif w.process.sentinel in ready:
                    outcomes = None
                else:
                    continue
                task, w.task = w.task, None
                assert task is not None
                if outcomes is not None:
                    done.update(zip(task, outcomes, strict=True))
                    deaths_in_a_row = 0
                    continue
                deaths_in_a_row += 1
                workers[workers.index(w)] = _replace(w, context, settings)
                if len(task) > 1 and deaths_in_a_row <= 2 * jobs + 2:
                    queue.extendleft([i] for i in reversed(task))
                else:
                    done.update((i, _died(files[i])) for i in task)
    finally:
        for w in workers:
            w.stop()


def _replace(worker: _Worker, context: Any, settings: dict[str, Any]) -> _Worker:
    worker.stop()
    return _Worker(context, settings)


def check_all(
    checker: Any, files: list[str], jobs: int, settings: dict[str, Any]
) -> Iterator[Outcome]:
    """Every file's outcome, in the order given. With `jobs` > 1, files are checked in
    that many worker processes, each building its own checker from `settings` (the
    keyword arguments of :meth:`Checker.from_settings`); standard input is read here."""
    named = [f for f in files if f != "-"]
    if jobs == 1 or len(named) < 2:
        for f in files:
            yield check_one(checker, f)
        return
    yield from _in_workers(named, jobs, settings)
    for f in files:
        if f == "-":
            yield check_one(checker, f)
