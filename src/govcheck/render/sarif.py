"""`--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub, Azure DevOps, IDEs).

One run. `tool.driver.rules` lists every rule of the loaded rulebook (with its help text,
source quotes and validity dates) plus the reserved ids (`SCHEMA`, `WAIVER-EXPIRED`...),
so each result's `ruleIndex` points at its rule; with the bundled rulebook each rule's
`helpUri` is its entry in the published rule reference (a custom rulebook has none to
point at, and its help text is carried in full anyway). A waived finding stays a result,
with an external suppression carrying the waiver's reason, approver and expiry.

Paths are relative to `%SRCROOT%`, which `originalUriBaseIds` defines as the directory
govcheck ran in (the repository root, in CI). Each result carries a
`partialFingerprints` entry made of its rule, file and JSON pointer, and not its line,
so code scanning keeps tracking a finding while lines above it are added or removed.

The document is written as it goes: the header (with the rules) first, then each
result as its file is checked, then the closing brackets.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from ..model import RESERVED_RULES, Finding, Result, Summary
from .base import Renderer, source_line

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/govcheck/govcheck"
# The rule reference (docs/rules.md, made by `govcheck rules --format markdown`); each
# rule's entry has the anchor of its id in lower case (#coi-001).
RULE_REFERENCE_URI = INFORMATION_URI + "/blob/main/docs/rules.md"
# Bump the version when what goes into the fingerprint changes.
FINGERPRINT = "govcheckFinding/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

# The findings no rule produces are described in model.RESERVED_RULES.
RESERVED = RESERVED_RULES


def artifact_path(file: str) -> str:
    """A report path as a relative, forward-slash path where possible.

    A path under the working directory is made relative to it (CI runs from the
    repository root, where code scanning resolves relative paths); any other path keeps
    its own form, with forward slashes.
    """
    if file.startswith("<"):
        return file
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (3.11)
            # A link that cannot be resolved is still named from here when it is below.
            shown = os.path.relpath(path, os.getcwd())
            if shown.startswith(".."):
                return path.as_posix()
            path = Path(shown)
    text = str(PurePosixPath(*path.parts)) if path.parts else "."
    return text.replace("\\", "/")


def artifact_uri(file: str) -> dict[str, str]:
    """The SARIF artifactLocation of a report path (a valid URI reference)."""
    path = artifact_path(file)
    # A name that is not UTF-8 reaches Python as surrogate escapes: its URI carries the
    # name's own bytes, percent-encoded, as a file URI of that name does.
    uri = quote(path, errors="surrogateescape")
    if path.startswith("/"):
        return {"uri": "file://" + uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


class SarifRenderer(Renderer):
    def start(self, tool: dict[str, str], rulebook: dict[str, Any]) -> None:
        super().start(tool, rulebook)
        rules = self._rules()
        self.index = {r["id"]: i for i, r in enumerate(rules)}
        driver = {
            "name": tool.get("name", "govcheck"),
            "version": tool.get("version", ""),
            "semanticVersion": tool.get("version", ""),
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }
        if rulebook.get("digest"):
            driver["properties"] = {"rulebookDigest": rulebook["digest"]}
        root = {"%SRCROOT%": {"uri": _directory_uri(Path.cwd())}}
        head = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "originalUriBaseIds": root,
                    "columnKind": "unicodeCodePoints",
                }
            ],
        }
        text = json.dumps(head, indent=2, ensure_ascii=False)
        # Cut the run open after its last member and stream the results into it.
        cut = text.rindex("}", 0, text.rindex("]"))
        self.out.write(text[:cut].rstrip() + ',\n      "results": [')
        self.first = True

    def result(self, result: Result) -> None:
        for finding in result.findings:
            item = json.dumps(self._result(result, finding), indent=2, ensure_ascii=False)
            # Split on "\n" only: json.dumps escapes it inside strings, but leaves U+2028,
            # U+0085 and U+001C raw, and str.splitlines() would split there too.
            item = "\n".join("        " + line for line in item.split("\n"))
            self.out.write(("\n" if self.first else ",\n") + item)
            self.first = False

    def finish(self, summary: Summary) -> None:
        tail = json.dumps(
            [{"executionSuccessful": True, "properties": {"summary": summary.as_dict()}}],
            ensure_ascii=False,
        )
        close = "\n      " if not self.first else ""
        self.out.write(f'{close}],\n      "invocations": {tail}\n    }}\n  ]\n}}\n')

    # -- rules --------------------------------------------------------------------------

    def _rules(self) -> list[dict[str, Any]]:
        book = self.rulebook
        out = []
        bundled = book is not None and _is_bundled(book)
        if book is not None:
            for rule in sorted(book.rules.values(), key=lambda r: r.id):
                described = _descriptor(
                    rule.id,
                    rule.title,
                    rule.severity,
                    rule.topic,
                    rule.why,
                    rule.remedy,
                    rule.sources,
                    rule.valid_from,
                    rule.valid_to,
                    f"{rule.file}:{rule.line}",
                )
                if bundled:
                    described["helpUri"] = help_uri(rule.id)
                out.append(described)
        for rid, r in RESERVED.items():
            described = _descriptor(
                rid, r["title"], r["severity"], r["topic"], r["why"], r["remedy"]
            )
            described["helpUri"] = help_uri(rid)  # the same for every rulebook
            out.append(described)
        return out

    # -- results ------------------------------------------------------------------------

    def _result(self, result: Result, f: Finding) -> dict[str, Any]:
        region = {"startLine": max(f.location.line, 1), "startColumn": max(f.location.column, 1)}
        item: dict[str, Any] = {"ruleId": f.rule}
        if f.rule in self.index:
            item["ruleIndex"] = self.index[f.rule]
        item["level"] = LEVELS[f.severity]
        item["message"] = {"text": f.message}
        item["partialFingerprints"] = {FINGERPRINT: fingerprint(result.file, f)}
        item["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_uri(result.file),
                    "region": region,
                },
                "logicalLocations": [{"fullyQualifiedName": f.location.path or "/"}],
            }
        ]
        if f.waived:
            w = f.waived
            item["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": w.reason,
                    "properties": {
                        "approved_by": w.approved_by,
                        "expires": w.expires,
                        "origin": w.origin,
                    },
                }
            ]
        props: dict[str, Any] = {"topic": f.topic, "severity": f.severity}
        if result.proposal:
            props["proposal"] = result.proposal
        if result.as_at:
            props["as_at"] = result.as_at
        if f.because:
            props["because"] = list(f.because)
        if f.sources:
            props["sources"] = [dict(s) for s in f.sources]
        item["properties"] = props
        return item


def help_uri(rule_id: str) -> str:
    """Where the rule reference describes this rule (or reserved id)."""
    return f"{RULE_REFERENCE_URI}#{rule_id.lower()}"


def fingerprint(file: str, f: Finding) -> str:
    """What identifies a finding from one run to the next: its rule, its file and the
    JSON pointer it is at. Not the line (lines move as the file is edited above it), nor
    the message (it quotes values the author may correct)."""
    key = "\0".join((f.rule, artifact_path(file), f.location.path))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _directory_uri(path: Path) -> str:
    uri = path.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _is_bundled(book: Any) -> bool:
    from ..resources import data_dir

    directory = getattr(book, "directory", None)
    try:
        return directory is not None and Path(directory).resolve() == data_dir("rules").resolve()
    except OSError:
        return False


def _descriptor(
    rid: str,
    title: str,
    severity: str,
    topic: str,
    why: str,
    remedy: str,
    sources: list[dict[str, Any]] = (),  # type: ignore[assignment]
    valid_from: str | None = None,
    valid_to: str | None = None,
    defined_at: str | None = None,
) -> dict[str, Any]:
    text_parts = [title + "."]
    md_parts = [f"**{_md(title)}**"]
    if why:
        text_parts.append("Why: " + why)
        md_parts.append("**Why.** " + _md(why))
    if remedy:
        text_parts.append("What to do: " + remedy)
        md_parts.append("**What to do.** " + _md(remedy))
    if valid_from or valid_to:
        period = f"In force from {valid_from or 'the start'} to {valid_to or 'today'} (inclusive)."
        text_parts.append(period)
        md_parts.append(_md(period))
    if sources:
        text_parts.append("Sources:")
        md_parts.append("**Sources.**")
        for s in sources:
            place = source_line(s)
            quote_text = f' "{s["quote"]}"' if s.get("quote") else ""
            text_parts.append(f"- [{s['document']}] {place}.{quote_text}")
            md = f"- `{s['document']}` {_md(place)}"
            if s.get("quote"):
                md += f"\n\n  > {_md(s['quote'])}"
            md_parts.append(md)
    help_text = "\n".join(text_parts)
    help_md = "\n\n".join(md_parts)
    props: dict[str, Any] = {
        "topic": topic,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "sources": [dict(s) for s in sources],
        "tags": [topic],
    }
    if defined_at:
        props["defined_at"] = defined_at
    return {
        "id": rid,
        "name": _name(rid, title),
        "shortDescription": {"text": title},
        "fullDescription": {"text": help_text, "markdown": help_md},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": props,
    }


def _name(rid: str, title: str) -> str:
    """A PascalCase identifier from the title (SARIF's `name` is not for display)."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or rid.replace("-", "")


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup (proposal text is data)."""
    out = []
    for c in str(text):
        if c in "\\`*_{}[]<>#|":
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out).replace(os.linesep, " ")
