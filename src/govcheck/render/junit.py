"""`--format junit`: JUnit XML, for CI systems that show test results.

One `<testsuite>` per proposal file and one `<testcase>` per rule evaluated on it (the
rules in force at its as-at date). A rule with unwaived findings fails (`<failure>`,
its type the severity); a rule whose findings are all waived is `<skipped>` with the
waiver; an invalid proposal has no rules run, so it gets a `SCHEMA` test case with an
`<error>` listing every problem; expired waivers get a `WAIVER-EXPIRED` test case.
Every string goes through ElementTree, so proposal text is always escaped. Each suite
is written as soon as its file is checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..model import SCHEMA_RULE, WAIVER_EXPIRED_RULE, Finding, Result, Summary
from .base import Renderer, source_line


class JunitRenderer(Renderer):
    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        super().start(tool, rulebook)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="govcheck">\n')

    def result(self, result: Result) -> None:
        suite = ET.Element("testsuite", name=result.file)
        props = ET.SubElement(suite, "properties")
        for name, value in (("proposal", result.proposal), ("as_at", result.as_at)):
            if value:
                ET.SubElement(props, "property", name=name, value=value)
        by_rule: dict[str, list[Finding]] = {}
        for f in result.findings:
            by_rule.setdefault(f.rule, []).append(f)
        names = list(result.evaluated_rules)
        if SCHEMA_RULE in by_rule and SCHEMA_RULE not in names:
            names.insert(0, SCHEMA_RULE)
        if WAIVER_EXPIRED_RULE in by_rule and WAIVER_EXPIRED_RULE not in names:
            names.append(WAIVER_EXPIRED_RULE)
        # Findings of a rule the suite does not list (should not happen) still show.
        names += [r for r in by_rule if r not in names]
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for rule in names:
            counts["tests"] += 1
            kind = self._case(suite, result, rule, by_rule.get(rule, []))
            if kind:
                counts[kind] += 1
        for key, n in counts.items():
            suite.set(key, str(n))
        for element in suite.iter():
            element.text = _clean(element.text)
            for key, value in element.attrib.items():
                element.set(key, _clean(value) or "")
        ET.indent(suite, space="  ", level=1)
        self.out.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def finish(self, summary: Summary) -> None:
        self.out.write("</testsuites>\n")

    def _case(self, suite: ET.Element, result: Result, rule: str, found: list[Finding]) -> str:
        title = self._title(rule, found)
        case = ET.SubElement(
            suite, "testcase", name=f"{rule} {title}".strip(), classname=result.file
        )
        open_ = [f for f in found if not f.waived]
        if rule == SCHEMA_RULE and open_:
            first = open_[0]
            where = f"line {first.location.line}: " if first.location.line else ""
            more = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
            error = ET.SubElement(case, "error", message=where + first.message + more)
            error.set("type", "schema")
            error.text = "\n".join(_describe(result, f) for f in open_)
            return "errors"
        if open_:
            first = open_[0]
            more = f" (and {len(open_) - 1} more)" if len(open_) > 1 else ""
            failure = ET.SubElement(case, "failure", message=first.message + more)
            failure.set("type", _worst(open_))
            failure.text = "\n\n".join(_describe(result, f) for f in found)
            return "failures"
        if found:
            w = found[0].waived
            assert w is not None
            ET.SubElement(
                case,
                "skipped",
                message=f"waived until {w.expires} by {w.approved_by}: {w.reason}",
            )
            return "skipped"
        return ""

    def _title(self, rule: str, found: list[Finding]) -> str:
        if found:
            return found[0].title
        book = self.rulebook
        if book is not None and rule in book.rules:
            return book.rules[rule].title
        return ""


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
