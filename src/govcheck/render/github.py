"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

    ::error file=proposals/a.yaml,line=19,col=5,title=COI-001 Declared conflict…::Dr A …

Errors become `::error`, warnings `::warning`, info `::notice`; a waived finding is a
`::notice` whose title says "waived", so the accepted risk stays visible without
failing the job. Every piece of text goes through `govcheck.textsafe.clean` first (no
raw control, bidi or zero-width character reaches the log; a line break in a value is
shown as `\n`), then values are escaped as GitHub's toolkit does: `%`, CR and LF
everywhere, and `,` and `:` too inside the properties. The line breaks left are the
annotation's own, between its parts.
"""

from __future__ import annotations

from ..model import Finding, Result
from ..textsafe import clean
from .base import Renderer, source_line, waiver_line, with_article
from .sarif import artifact_path

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubRenderer(Renderer):
    terminal = True

    def result(self, result: Result) -> None:
        for f in result.findings:
            self.out.write(annotation(result, f) + "\n")


def annotation(result: Result, f: Finding) -> str:
    command = "notice" if f.waived else COMMANDS[f.severity]
    props = []
    if not result.file.startswith("<"):
        props.append(("file", artifact_path(result.file)))
        props.append(("line", str(max(f.location.line, 1))))
        props.append(("col", str(max(f.location.column, 1))))
    waived = " (waived)" if f.waived else ""
    props.append(("title", f"{f.rule}{waived} {f.title}"))
    head = ",".join(f"{k}={escape_property(clean(v))}" for k, v in props)
    return f"::{command} {head}::{escape_data(_message(f))}"


def _message(f: Finding) -> str:
    lines = []
    if f.waived:
        lines.append(
            f"{waiver_line(f.waived)} ({with_article(f.severity)} that does not fail the "
            "check while the waiver is live)"
        )
    lines.append(f.message)
    if f.remedy:
        lines.append("What to do: " + f.remedy)
    for s in f.sources:
        line = "Source: " + source_line(s)
        if s.get("quote"):
            line += f' \u2014 "{s["quote"]}"'
        lines.append(line)
    return "\n".join(clean(line) for line in lines)
