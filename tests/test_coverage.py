"""rules/COVERAGE.md accounts for every candidate rule in both seed catalogues."""

from __future__ import annotations

import re
from pathlib import Path

from beside import REFERENCE, needs_shared

ROOT = Path(__file__).resolve().parents[1]
COVERAGE = [ROOT / "rules" / "COVERAGE.md", *sorted((ROOT / "rules" / "coverage").glob("*.md"))]


def _candidates() -> list[str]:
    a = (REFERENCE / "seed-catalogue-A.md").read_text(encoding="utf-8")
    b = (REFERENCE / "seed-catalogue-B.md").read_text(encoding="utf-8")
    ids = re.findall(r"^\*\*([A-Z]+-[0-9]+)\b", a, flags=re.M)
    ids += re.findall(r"^\| (R-[A-Z]+-[0-9]+) \|", b, flags=re.M)
    return sorted(set(ids))


@needs_shared
def test_every_catalogue_candidate_is_accounted_for() -> None:
    candidates = _candidates()
    assert len(candidates) == 75 + 139
    text = "\n".join(p.read_text(encoding="utf-8") for p in COVERAGE if p.is_file())
    missing = [c for c in candidates if not re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    assert missing == [], f"{len(missing)} candidates not in rules/COVERAGE.md: {missing}"


def test_every_rule_named_in_coverage_exists() -> None:
    from govcheck.rulebook import load_rulebook

    ids = set(load_rulebook().rules)
    text = "\n".join(p.read_text(encoding="utf-8") for p in COVERAGE if p.is_file())
    named = set(re.findall(r"\b(?:LF|LIA|LOCK|CHAR|PEN|STAFF|REG|PROC|CON|COI|GOV|COMP|FIN|PART)"
                           r"-[0-9]{3}\b", text))
    assert named - ids == set(), f"COVERAGE names rules that do not exist: {sorted(named - ids)}"
