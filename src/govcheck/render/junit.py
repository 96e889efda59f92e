"""`--format junit`: JUnit XML, for CI systems that show test results.

One `<testsuite>` per proposal file and one `<testcase>` per rule evaluated on it (the
rules in force at its as-at date), or, with `fired_only`, per rule that fired (a clean
file then has one passing case, so it still shows as passed).

A test case fails the way the run does, so a dashboard agrees with the exit status:

- a rule with an unwaived finding at or above `--fail-on` is a `<failure>` (its type
  the severity);
- a rule whose findings are all waived, or all below `--fail-on`, is `<skipped>` with
  the reason: Jenkins and GitLab both list skipped cases, with their message, apart
  from passes and failures, so a warning stays in sight without failing the build;
- an invalid proposal has no rules run, so it gets a `SCHEMA` case with an `<error>`
  listing every problem (it fails the run whatever `--fail-on` says).

The findings' full text (place, reasons, remedy, sources) is in `<system-out>`, which
both show for failures. Each case has a `file` attribute (the proposal's path, as
GitLab links it), and a `classname` of the file's directories and name without its
suffix, joined with dots (`proposals.northtown-cic`): Jenkins reads the part before
the last dot as a package, so a name ending `.yaml` would show as class `yaml`.

The root element carries the totals (tests, failures, errors, skipped), which are only
known at the end: the suites are spooled to a temporary file as each file is checked,
so memory stays flat, and copied out after the root element in `finish`.
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import PurePath
from typing import IO, Any

from ..model import (
    RESERVED_RULES,
    SCHEMA_RULE,
    SEVERITY_RANK,
    WAIVER_EXPIRED_RULE,
    Finding,
    Result,
    Summary,
)
from .base import Renderer, source_line
from .sarif import artifact_path

COUNTS = ("tests", "failures", "errors", "skipped")


class JunitRenderer(Renderer):
    options = ("fired_only", "fail_on")

    def __init__(
        self,
        out: IO[str],
        *,
        rulebook: Any = None,
        color: bool = False,
        fired_only: bool = False,
        fail_on: str = "error",
        today: datetime.date | None = None,
    ) -> None:
        super().__init__(out, rulebook=rulebook, color=color, today=today)
        self.fired_only = fired_only
        self.fail_on = fail_on

    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        super().start(tool, rulebook)
        self.totals = dict.fromkeys(COUNTS, 0)
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")

    def result(self, result: Result) -> None:
        suite = ET.Element("testsuite", name=result.file)
        props = ET.SubElement(suite, "properties")
        reviewed = self.rulebook_info.get("law_reviewed_to")
        for name, value in (
            ("proposal", result.proposal),
            ("as_at", result.as_at),
            ("law_reviewed_to", reviewed),
        ):
            if value:
                ET.SubElement(props, "property", name=name, value=value)
        by_rule: dict[str, list[Finding]] = {}
        for f in result.findings:
            by_rule.setdefault(f.rule, []).append(f)
        names = [] if self.fired_only else list(result.evaluated_rules)
        if SCHEMA_RULE in by_rule and SCHEMA_RULE not in names:
            names.insert(0, SCHEMA_RULE)
        # Rules that fired, in the order of their findings; expired waivers last.
        names += [r for r in by_rule if r not in names and r != WAIVER_EXPIRED_RULE]
        if WAIVER_EXPIRED_RULE in by_rule and WAIVER_EXPIRED_RULE not in names:
            names.append(WAIVER_EXPIRED_RULE)
        counts = dict.fromkeys(COUNTS, 0)
        for rule in names:
            counts["tests"] += 1
            kind = self._case(suite, result, rule, by_rule.get(rule, []))
            if kind:
                counts[kind] += 1
        if not names:
            in_force = len(result.evaluated_rules)
            self._case(suite, result, f"no findings ({in_force} rules in force)", [])
            counts["tests"] += 1
        for key, n in counts.items():
            suite.set(key, str(n))
            self.totals[key] += n
        for element in suite.iter():
            element.text = _clean(element.text)
            for key, value in element.attrib.items():
                element.set(key, _clean(value) or "")
        ET.indent(suite, space="  ", level=1)
        self.spool.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def finish(self, summary: Summary) -> None:
        totals = " ".join(f'{key}="{n}"' for key, n in self.totals.items())
        self.out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="govcheck" {totals}>\n'
        )
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.out)
        self.spool.close()
        self.out.write("</testsuites>\n")

    def _case(self, suite: ET.Element, result: Result, rule: str, found: list[Finding]) -> str:
        title = self._title(rule, found)
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"{rule} {title}".strip(),
            classname=classname(result.file),
            file=artifact_path(result.file),
        )
        open_ = [f for f in found if not f.waived]
        counted = [f for f in open_ if self._counts(f)]
        kind = ""
        if rule == SCHEMA_RULE and open_:
            first = open_[0]
            where = f"line {first.location.line}: " if first.location.line else ""
            error = ET.SubElement(case, "error", message=where + first.message + _more(open_))
            error.set("type", "schema")
            error.text = "\n".join(_describe(result, f) for f in open_)
            kind = "errors"
        elif counted:
            failure = ET.SubElement(case, "failure", message=counted[0].message + _more(counted))
            failure.set("type", _worst(counted))
            failure.text = "\n\n".join(_describe(result, f) for f in found)
            kind = "failures"
        elif open_:
            worst = _worst(open_)
            message = f"{worst} below --fail-on {self.fail_on}: {open_[0].message}{_more(open_)}"
            if self.fail_on == "never":
                message = f"{worst}, not counted (--fail-on never): {open_[0].message}"
                message += _more(open_)
            ET.SubElement(case, "skipped", message=message)
            kind = "skipped"
        elif found:
            w = found[0].waived
            assert w is not None
            ET.SubElement(
                case,
                "skipped",
                message=f"waived until {w.expires} by {w.approved_by}: {w.reason}",
            )
            kind = "skipped"
        if found and kind != "failures" and kind != "errors":
            out = ET.SubElement(case, "system-out")
            out.text = "\n\n".join(_describe(result, f) for f in found)
        return kind

    def _counts(self, f: Finding) -> bool:
        """Does this unwaived finding fail the run at the chosen --fail-on?"""
        if self.fail_on == "never":
            return False
        return SEVERITY_RANK[f.severity] <= SEVERITY_RANK[self.fail_on]

    def _title(self, rule: str, found: list[Finding]) -> str:
        if found:
            return found[0].title
        book = self.rulebook
        if book is not None and rule in book.rules:
            return str(book.rules[rule].title)
        return RESERVED_RULES.get(rule, {}).get("title", "")


def classname(file: str) -> str:
    """`proposals/northtown-cic.yaml` -> `proposals.northtown-cic`: the directories and
    the name without its suffix, joined by dots; dots inside a part become `_`, so that
    Jenkins' split at the last dot falls between the directory and the file."""
    if file.startswith("<"):
        return file
    path = PurePath(artifact_path(file))
    parts = [p for p in path.parent.parts if p not in ("/", ".", "..")] + [path.stem]
    return ".".join(p.replace(".", "_") for p in parts if p)


def _more(findings: list[Finding]) -> str:
    return f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""


# Characters XML 1.0 cannot carry at all, even escaped (a YAML "\x01" can make them).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str | None) -> str | None:
    return None if text is None else _INVALID_XML.sub("\ufffd", text)


def _worst(findings: list[Finding]) -> str:
    for severity in ("error", "warning", "info"):
        if any(f.severity == severity for f in findings):
            return severity
    return "error"


def _describe(result: Result, f: Finding) -> str:
    lines = [
        f"{f.severity.upper()} {f.rule} at {result.file}:{f.location.line}:{f.location.column}"
        f" ({f.location.path or '/'})",
        f.message,
    ]
    if f.waived:
        w = f.waived
        lines.append(f"waived until {w.expires} by {w.approved_by}: {w.reason}")
    for b in f.because:
        lines.append(f"  because: {b}")
    if f.remedy:
        lines.append(f"what to do: {f.remedy}")
    for s in f.sources:
        lines.append("source: " + source_line(s))
        if s.get("quote"):
            lines.append(f"  \u201c{s['quote']}\u201d")
    return "\n".join(lines)
