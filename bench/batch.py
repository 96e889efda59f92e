"""Batch benchmark: how much slower is a whole `govcheck check` than parsing the files?

    python bench/batch.py                 # N=2000: parse-only vs govcheck, ratio, files/s, RSS
    python bench/batch.py --n 20000 --memory   # peak memory at scale (goal < 150 MB)
    python bench/batch.py --jobs 2        # the same with -j 2
    python bench/batch.py --no-cold       # skip the cold-start figure
    python bench/batch.py --repeat 5      # more rounds (the ratio is their median)

Proposals are generated into a temporary directory from the bundled cases/*.yaml
(x-expect stripped; ids, titles and numbers varied so no two files are equal). When
cases/ holds no case yet, a built-in seed proposal is used. Prints figures only.
Goals (issue "pre-submission validation in a pipeline"): ratio <= 4x at N=2000,
peak RSS < 150 MB at N=20000, cold start <= 1.5x the bare imports.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).with_name("govcheck")
GOVCHECK = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "govcheck.cli"]

SEED = """\
govcheck: 1
id: northtown-community-cic
title: Northtown community services become a staff-led CIC
as_at: 2009-10-01
commissioners:
  - id: northtown-pct
    name: Northtown PCT
    type: primary_care_trust
    also_provides: false
bodies:
  - id: northtown-council
    name: Northtown Borough Council
    type: local_authority
    roles: [partner]
provider:
  name: Northtown Community Health CIC
  model: social_enterprise
  legal_form: community_interest_company
  profit_distribution: none
  asset_lock: statutory
  charitable_status: registered
  registered_with: [companies_house, cic_regulator]
  membership:
    open: true
    voting: one_member_one_vote
    classes: [staff, patients, public]
  board:
    executive_directors: 4
    non_executive_directors: 3
    commissioner_members: 1
  leadership_links_to_commissioner: true
  claims_independence: true
staff_transfer:
  nhs_staff: 240
  local_authority_staff: 0
  mechanism: tupe_transfer
  terms_comparable_with_nhs: true
services:
  - name: District nursing
    kind: community_health
    statutory_function: false
contract:
  route: competitive_tender
  type: nhs_standard_contract
  advertised: true
  counterparty: northtown-pct
  value_gbp: 18000000
  years: 3
assets:
  - description: Health centre freehold
    value_gbp: 2400000
    from: northtown-pct
    transfer: freehold
conflicts_of_interest:
  - person: Dr A. Patel
    commissioner_role: PBC lead and PCT board member
    commissioner: northtown-pct
    interest: director
    declared: true
    declared_on: 2009-06-01
    recused: false
"""


def _strip(data: dict) -> dict:
    return {k: v for k, v in data.items() if not str(k).startswith("x-")}


def seeds() -> list[dict]:
    """The bundled cases (x- keys stripped), or the built-in seed when there are none."""
    out = []
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and "id" in data:
            out.append(_strip(data))
    return out or [yaml.safe_load(SEED)]


def _vary(value, rng: random.Random):
    """Vary numbers (staying >= 0) so no two generated files are the same."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(0, value + rng.randint(0, 9))
    if isinstance(value, dict):
        return {k: v if k == "govcheck" else _vary(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [_vary(v, rng) for v in value]
    return value


def generate(directory: Path, n: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    bases = seeds()
    paths = []
    for i in range(n):
        data = _vary(copy.deepcopy(bases[i % len(bases)]), rng)
        data["id"] = f"{data['id']}-{i:06d}"[:60]
        data["title"] = f"{data.get('title', 'Proposal')} (variant {i})"
        path = directory / f"p{i:06d}.yaml"
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def parse_only(paths: list[Path]) -> tuple[float, float]:
    """Wall time and CPU time (this process) of reading and parsing every file."""
    start, cpu = time.perf_counter(), time.process_time()
    for p in paths:
        yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start, time.process_time() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_child(cmd: list[str], **kw) -> tuple[float, float, int, int]:
    """Wall time, CPU time (user + system), exit status and peak RSS (kB) of one child
    process. On a shared machine CPU time moves far less than wall time with the load
    of others (it still grows somewhat when caches are shared)."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: meaningful when this
    # child is the largest, which it is for the batch runs (measured before anything else).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        print(f"  govcheck exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return wall, cpu, proc.returncode, peak


def rss_of(cmd: list[str]) -> int:
    """Peak RSS (kB) of one command, via /usr/bin/time -v when present."""
    if not Path("/usr/bin/time").exists():
        return -1
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    for line in proc.stderr.decode().splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    return -1


def median_wall(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="proposals to generate (2000)")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="govcheck -j (1)")
    ap.add_argument("--memory", action="store_true", help="also report peak RSS via time -v")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-start figure")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of parse-only + govcheck (3)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="govcheck-bench-") as tmp:
        directory = Path(tmp)
        t0 = time.perf_counter()
        paths = generate(directory, args.n)
        print(
            f"generated {len(paths)} proposals from {len(seeds())} seed(s) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        cmd = [
            *GOVCHECK,
            "check",
            str(directory),
            "--format",
            "json",
            "-j",
            str(args.jobs),
            "--output",
            os.devnull,
        ]
        # Rounds alternate parse-only and govcheck, so a slow spell on a shared machine
        # hits both; the ratio reported is the median of the rounds' ratios.
        rounds = []
        cpu_ratios = []
        for _ in range(args.repeat):
            parse, parse_cpu = parse_only(paths)
            wall, cpu, code, peak_kb = timed_child(cmd, cwd=ROOT)
            rounds.append((wall / parse, parse, wall))
            cpu_ratios.append(cpu / parse_cpu)
        rounds.sort()
        ratio, parse, wall = rounds[len(rounds) // 2]
        print(f"parse-only (CSafeLoader): {parse:8.2f} s  {len(paths) / parse:9.0f} files/s")
        print(
            f"govcheck check -j {args.jobs}:    {wall:8.2f} s  {len(paths) / wall:9.0f} files/s"
            f"  (exit {code})"
        )
        spread = f"; rounds {rounds[0][0]:.2f}-{rounds[-1][0]:.2f}" if len(rounds) > 1 else ""
        print(
            f"ratio govcheck/parse:     {ratio:8.2f} x   (goal <= 4x at N=2000; "
            f"median of {len(rounds)}{spread})"
        )
        cpu_ratio = statistics.median(cpu_ratios)
        cpu_spread = (
            f"; rounds {min(cpu_ratios):.2f}-{max(cpu_ratios):.2f}" if len(cpu_ratios) > 1 else ""
        )
        cpu_note = "all processes' CPU" if args.jobs > 1 else "CPU time"
        print(f"ratio by CPU time:        {cpu_ratio:8.2f} x   ({cpu_note}{cpu_spread})")
        note = " (largest process: with -j>1 a worker)" if args.jobs > 1 else ""
        print(f"peak RSS (getrusage):     {peak_kb / 1024:8.1f} MB{note}")
        if args.memory:
            kb = rss_of(cmd)
            print(f"peak RSS (time -v, main): {kb / 1024:8.1f} MB   (goal < 150 MB at N=20000)")

    if args.no_cold:
        return
    one = sorted((ROOT / "cases").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="govcheck-cold-") as tmp:
        if one:
            target = one[0]
        else:
            target = Path(tmp) / "seed.yaml"
            target.write_text(SEED, "utf-8")
        gc = median_wall([*GOVCHECK, "check", str(target), "--format", "json"])
        imports = median_wall(
            [sys.executable, "-c", "import durable.engine, jsonschema, yaml, click"]
        )
    print(
        f"cold start: govcheck check one file {gc:.3f} s (median of 5); "
        f"bare imports {imports:.3f} s; ratio {gc / imports:.2f} x (goal <= 1.5x)"
    )


if __name__ == "__main__":
    main()
