"""Check files in worker processes (`-j N`).

durable-rules is not thread-safe, so parallel work uses processes, each with its own
engine. Results come back in input order, so the output is identical to `-j 1`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

from .model import Result

_checker = None


def _init(rules: str | None, as_at: str | None, waivers: str | None) -> None:
    global _checker
    from .checker import Checker
    from .rulebook import load_rulebook
    from .waivers import load_shared

    rulebook = load_rulebook(rules)
    shared = load_shared(waivers, rulebook.rules.keys()) if waivers else []
    _checker = Checker(rulebook, as_at=as_at, shared_waivers=shared)


def _check(path: str) -> Result:
    assert _checker is not None
    return _checker.check_path(path)


def check_in_workers(
    files: list[str], jobs: int, rules: str | None, as_at: str | None, waivers: str | None
) -> Iterator[Result]:
    context = multiprocessing.get_context(
        "spawn" if multiprocessing.get_start_method() != "fork" else "fork"
    )
    with context.Pool(jobs, initializer=_init, initargs=(rules, as_at, waivers)) as pool:
        yield from pool.imap(_check, files, chunksize=16)
