"""`--format markdown`: a review memo a governance lead can paste into a board paper.

Per file: title, as-at date, summary counts, then findings grouped by topic, each with
its explanation chain, what to do and the source quotes; waived findings in their own
section with the waiver's reason and expiry. Results are written to a spooled
temporary file as they arrive, so the summary of a batch can still come first.
"""

from __future__ import annotations

import re
import tempfile
from typing import Any

from ..conditions import show
from ..model import TOPICS, Finding, Result, Summary
from .base import Renderer, source_line

ENTITY = re.compile(r"&(?=#?\w+;)")


def md(text: Any) -> str:
    """Proposal text made inert: no raw HTML, no accidental Markdown structure."""
    s = ENTITY.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*[]|":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


def topic_groups(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    order = {t: i for i, t in enumerate(TOPICS)}
    topics = sorted({f.topic for f in findings}, key=lambda t: (order.get(t, 99), t))
    return [(t, [f for f in findings if f.topic == t]) for t in topics]


def topic_title(topic: str) -> str:
    return topic.replace("-", " ").capitalize()


class MarkdownRenderer(Renderer):
    def __init__(self, out: Any, **options: Any) -> None:
        super().__init__(out, **options)
        self.body = tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")
        self.titles: list[str] = []

    def result(self, result: Result) -> None:
        w = self.body.write
        title = result.title or result.proposal or result.file
        self.titles.append(title)
        c = result.counts()
        w(f"## {md(title)}\n\n")
        w(f"- File: {md(result.file)}\n")
        if result.proposal:
            w(f"- Proposal id: {md(result.proposal)}\n")
        if result.as_at:
            w(f"- Judged as at: {result.as_at} ({result.as_at_origin})\n")
        w(
            f"- Findings: **{c['error']} error**, {c['warning']} warning, {c['info']} info; "
            f"{c['waived']} waived\n\n"
        )
        if not result.valid:
            w("**This file is not a valid proposal; no rule was run on it.**\n\n")
        live = [f for f in result.findings if not f.waived]
        waived = [f for f in result.findings if f.waived]
        if not result.findings:
            w("No findings: no rule in force on this date fired on this proposal.\n\n")
        for topic, group in topic_groups(live):
            w(f"### {topic_title(topic)}\n\n")
            for f in group:
                self._finding(f, result)
        if waived:
            w("### Waived findings (accepted risks)\n\n")
            for f in waived:
                self._finding(f, result)

    def _finding(self, f: Finding, result: Result) -> None:
        w = self.body.write
        w(f"#### {f.severity.upper()} {f.rule}: {md(f.title)}\n\n")
        w(f"*At line {f.location.line} (`{f.location.path or '/'}`).*\n\n")
        w(md(f.message) + "\n\n")
        if f.waived:
            wv = f.waived
            w(
                f"**Waived** until {md(wv.expires)} by {md(wv.approved_by)}. "
                f"Reason: {md(wv.reason)}\n\n"
            )
        if f.fields or f.chain or f.because:
            w("**Why it fired**\n\n")
            for path, value, line in f.fields:
                where = f" (line {line})" if line else ""
                w(f"- The proposal states {md(path)}: {md(show(value))}{where}\n")
            for step in f.chain:
                because = "; ".join(md(b) for b in step.because)
                w(
                    f"- Derived: {md(step.means)}, because {because} "
                    f"(fact `{step.fact}`, {step.definition})\n"
                )
            if f.because:
                w("- The check: " + "; ".join(md(b) for b in f.because) + "\n")
            w("\n")
        if f.remedy:
            w(f"**What to do:** {md(f.remedy)}\n\n")
        for s in f.sources:
            w(f"> {md(s['quote'])}\n>\n" if s.get("quote") else "")
            w(f"> — {md(source_line(s))}\n\n")

    def finish(self, summary: Summary) -> None:
        w = self.out.write
        version = getattr(self, "tool", {}).get("version", "")
        w("# Governance review memo\n\n")
        if len(self.titles) == 1:
            w(f"**Proposal:** {md(self.titles[0])}\n\n")
        w(f"Prepared with govcheck {version}. ")
        w("Each finding cites the source passage it rests on.\n\n")
        w("| Proposals | Invalid | Errors | Warnings | Info | Waived |\n")
        w("|---:|---:|---:|---:|---:|---:|\n")
        s = summary
        w(f"| {s.files} | {s.invalid} | {s.error} | {s.warning} | {s.info} | {s.waived} |\n\n")
        self.body.seek(0)
        while chunk := self.body.read(1 << 16):
            w(chunk)
        self.body.close()
