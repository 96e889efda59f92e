"""Speed of `govcheck compare` and `govcheck timeline`: many checks of one proposal.

    python bench/scenarios.py              # the figures below, median of 5 rounds
    python bench/scenarios.py --repeat 9   # more rounds

Goal (issue "Options appraisal and law over time"): a compare over the 14 legal forms,
or a timeline over 20 periods, each under one second on the development machine, by
reusing the loaded rulebook and engine sessions (one Checker serves every option and
period).

Figures printed:
- the commands as a user runs them, each a new process (the rulebook cache on disk is
  warm, as after any first run): `govcheck compare CASE` (14 options) and
  `govcheck timeline CASE` (the periods of the law that could apply);
- in one process: the first compare or timeline with a fresh Checker (every engine
  ruleset built on the way) and the same again with that Checker (a server's case);
- a timeline cut at every date the rulebook knows (`every_date=True`): the most periods
  any timeline can have (17 change dates between 2006 and 2026 when this was written);
- the same proposal judged at 20 dates, one a year (`compare --vary as_at=...`): 20
  checks under the law of 20 dates.
Prints figures only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "train-ashdown-options-and-eras.yaml"
_SCRIPT = Path(sys.executable).with_name("govcheck")
GOVCHECK = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "govcheck.cli"]


def command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(GOVCHECK + args, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def in_process(script: str) -> tuple[float, float, int]:
    """(first call with a fresh Checker, second call with the same, checks made),
    measured in a new interpreter so that no engine ruleset exists yet."""
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


COMPARE = f"""
import time
from govcheck.checker import Checker
from govcheck.appraisal import compare
checker = Checker()
t = time.perf_counter(); c = compare({str(CASE)!r}, checker=checker); a = time.perf_counter() - t
t = time.perf_counter(); compare({str(CASE)!r}, checker=checker); b = time.perf_counter() - t
print(a, b, len(c.options))
"""

DATES = ",".join(f"{year}-06-01" for year in range(2006, 2026))
AS_AT = f"""
import time
from govcheck.checker import Checker
from govcheck.appraisal import compare
checker = Checker()
vary = ["as_at={DATES}"]
t = time.perf_counter(); c = compare({str(CASE)!r}, vary=vary, checker=checker)
a = time.perf_counter() - t
t = time.perf_counter(); compare({str(CASE)!r}, vary=vary, checker=checker)
b = time.perf_counter() - t
print(a, b, len(c.options))
"""

TIMELINE = """
import time
from govcheck.checker import Checker
from govcheck.periods import timeline
checker = Checker()
t = time.perf_counter()
tl = timeline({case!r}, end="2026-11-30", checker=checker, every_date={every})
a = time.perf_counter() - t
t = time.perf_counter()
timeline({case!r}, end="2026-11-30", checker=checker, every_date={every})
b = time.perf_counter() - t
print(a, b, len(tl.checked_at))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (median reported)")
    args = parser.parse_args()
    case = str(CASE.relative_to(ROOT))
    command(["rules"])  # warm the rulebook cache on disk, as any first run does

    rows: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        rows.setdefault("govcheck compare (new process)", []).append(
            command(["compare", case, "--format", "json"]))
        rows.setdefault("govcheck timeline (new process)", []).append(
            command(["timeline", case, "--to", "2026-11-30", "--format", "json"]))
        for label, script in (
            ("compare, 14 legal forms", COMPARE),
            ("timeline, relevant dates", TIMELINE.format(case=str(CASE), every=False)),
            ("timeline, every rulebook date", TIMELINE.format(case=str(CASE), every=True)),
            ("compare, as_at on 1 June 2006..2025", AS_AT),
        ):
            first, again, n = in_process(script)
            counts[label] = n
            rows.setdefault(f"{label}: fresh Checker", []).append(first)
            rows.setdefault(f"{label}: same Checker again", []).append(again)

    print(f"case: {case}; median of {args.repeat} rounds (min-max)")
    for label, times in rows.items():
        base = label.split(":")[0]
        checks = f"  [{counts[base]} checks]" if base in counts else ""
        print(f"  {label:<56} {statistics.median(times):6.3f} s "
              f"({min(times):.3f}-{max(times):.3f}){checks}")


if __name__ == "__main__":
    main()
