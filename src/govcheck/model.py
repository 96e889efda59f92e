"""The small typed values that flow between govcheck's steps.

Each step (load, validate, facts, evaluate, waivers, render) takes and gives these
dataclasses, so a Python user can call any step directly and a renderer never needs to
know how a finding was produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Topic:
    """A topic of findings: its name (as JSON reports spell it), the rule-id prefix of its rules
    (None for findings no rule produces) and its heading in reports."""

    name: str
    prefix: str | None
    title: str


# The one table of topics, in report order; everything else derives from it.
TOPIC_TABLE = (
    Topic("schema", None, "Schema"),
    Topic("legal-form", "LF", "Legal form"),
    Topic("liability", "LIA", "Liability"),
    Topic("asset-lock", "LOCK", "Asset lock"),
    Topic("charitable-status", "CHAR", "Charitable status"),
    Topic("pensions", "PEN", "Pensions"),
    Topic("staff-transfer", "STAFF", "Staff transfer"),
    Topic("regulation", "REG", "Regulation"),
    Topic("procurement", "PROC", "Procurement"),
    Topic("contracting", "CON", "Contracting"),
    Topic("conflict-of-interest", "COI", "Conflicts of interest"),
    Topic("governance", "GOV", "Governance"),
    Topic("competition", "COMP", "Competition"),
    Topic("finance", "FIN", "Finance"),
    Topic("partnership", "PART", "Partnership"),
    Topic("waiver", None, "Waivers"),
)
TOPICS = tuple(t.name for t in TOPIC_TABLE)
TOPIC_TITLES = {t.name: t.title for t in TOPIC_TABLE}
# Rule-id prefix -> topic, for the topics rules may have.
PREFIX_TOPIC = {t.prefix: t.name for t in TOPIC_TABLE if t.prefix}
RULE_TOPICS = tuple(PREFIX_TOPIC.values())

# Reserved ids for findings that no rule of the rulebook produces; they carry no sources.
SCHEMA_RULE = "SCHEMA"
WAIVER_EXPIRED_RULE = "WAIVER-EXPIRED"
WAIVER_UNUSED_RULE = "WAIVER-UNUSED"
WAIVER_ID_CLASH_RULE = "WAIVER-ID-CLASH"
LAW_CURRENCY_RULE = "LAW-CURRENCY"

# What each reserved finding is, for renderers that describe rules (SARIF, JUnit).
RESERVED_RULES: dict[str, dict[str, str]] = {
    SCHEMA_RULE: {
        "title": "Not a valid proposal",
        "severity": "error",
        "topic": "schema",
        "why": "A file that is not a valid proposal (malformed YAML or JSON, a field the "
        "proposal format does not know, a wrong value, a dangling reference) cannot be "
        "checked against the rulebook; its rules do not run until it is corrected.",
        "remedy": "Correct the proposal as the message says; `govcheck schema --docs` lists "
        "every field and its allowed values, and `govcheck validate FILE` re-checks it.",
    },
    WAIVER_EXPIRED_RULE: {
        "title": "Waiver has expired",
        "severity": "warning",
        "topic": "waiver",
        "why": "A waiver records an accepted risk until its expiry date (inclusive). After "
        "that date it covers nothing, and the lapsed approval is reported so that it is "
        "never silently kept.",
        "remedy": "Renew the approval with a new expiry date, or remove the waiver and "
        "answer the finding.",
    },
    WAIVER_UNUSED_RULE: {
        "title": "Waiver covers nothing",
        "severity": "info",
        "topic": "waiver",
        "why": "A waiver that covers no finding is an approval nobody needs: the rule no "
        "longer fires, the waiver names the wrong rule or proposal, another waiver already "
        "covers the finding, or the run does not apply waivers written in proposals. Left in "
        "place, it would silently cover the rule if it fired again.",
        "remedy": "Remove the waiver, or correct the rule or proposals it names.",
    },
    WAIVER_ID_CLASH_RULE: {
        "title": "Another file claims this proposal id, which a shared waiver names",
        "severity": "warning",
        "topic": "waiver",
        "why": "A shared waiver names the proposals it covers by id. When two files claim "
        "the same id, the waiver approved for one covers the other too, whatever it says.",
        "remedy": "Give each proposal an id of its own, and name in the shared waivers file "
        "only the proposals the approval was for.",
    },
    LAW_CURRENCY_RULE: {
        "title": "Later law is not known to this rulebook",
        "severity": "info",
        "topic": "governance",
        "why": "The rulebook's law was reviewed to a stated date (law_reviewed_to). A "
        "proposal judged at a later date may be affected by law made or brought into force "
        "since, which the rulebook cannot know.",
        "remedy": "Have the current law checked for changes since that date, or use a "
        "rulebook reviewed to a later date.",
    },
}



@dataclass(frozen=True)
class Location:
    path: str  # JSON pointer into the proposal
    line: int
    column: int

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    approved_by: str
    expires: str  # ISO date, inclusive
    origin: str = "proposal"  # "proposal" or the shared waivers file's path
    location: Location | None = None

    def live_at(self, as_at: str, today: str | None = None) -> bool:
        """Live while the as-at date and the date of the run (`today`, when given) are
        both on or before `expires`; past either, the waiver is expired."""
        return as_at <= self.expires and (today is None or today <= self.expires)

    def as_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "approved_by": self.approved_by, "expires": self.expires}


@dataclass(frozen=True)
class ChainStep:
    """One derived fact in a finding's explanation: what was concluded, from what."""

    fact: str
    means: str
    about: str
    because: tuple[str, ...]
    definition: str  # "rules/facts.yaml:12"
    sources: tuple[dict[str, Any], ...] = ()
    fields: tuple[tuple[str, Any, int | None], ...] = ()


@dataclass
class Finding:
    rule: str
    severity: str
    topic: str
    title: str
    message: str
    location: Location
    sources: list[dict[str, Any]] = field(default_factory=list)
    because: list[str] = field(default_factory=list)
    waived: Waiver | None = None
    remedy: str = ""
    why: str = ""  # the rule's reason in law or guidance, the same for every finding
    # (field path, actual value, line) for each proposal field the rule read
    fields: list[tuple[str, Any, int | None]] = field(default_factory=list)
    chain: list[ChainStep] = field(default_factory=list)

    @classmethod
    def reserved(cls, rule: str, message: str, location: Location) -> Finding:
        """A finding no rule of the rulebook produces (SCHEMA, WAIVER-…, LAW-CURRENCY): its
        title, severity, topic and remedy as RESERVED_RULES gives them; no sources."""
        about = RESERVED_RULES[rule]
        return cls(
            rule=rule,
            severity=about["severity"],
            topic=about["topic"],
            title=about["title"],
            message=message,
            location=location,
            remedy=about["remedy"],
        )

    def sort_key(self) -> tuple[int, str, int, int, str]:
        return (
            SEVERITY_RANK[self.severity],
            self.rule,
            self.location.line,
            self.location.column,
            self.location.path,
        )

    def as_dict(self) -> dict[str, Any]:
        """The finding as a JSON report shows it: these keys, in this order, none left out."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "topic": self.topic,
            "title": self.title,
            "message": self.message,
            "location": self.location.as_dict(),
            "sources": [dict(s) for s in self.sources],
            "because": list(self.because),
            "why": self.why or RESERVED_RULES.get(self.rule, {}).get("why") or None,
            "remedy": self.remedy or None,
            "waived": self.waived.as_dict() if self.waived else None,
        }


@dataclass
class Result:
    """Everything govcheck says about one proposal file."""

    file: str
    proposal: str | None
    as_at: str | None
    findings: list[Finding] = field(default_factory=list)
    title: str | None = None
    as_at_origin: str = "proposal"  # "proposal", "command line" or "today"
    evaluated_rules: tuple[str, ...] = ()  # ids of the rules in force at as_at (for JUnit)
    # (fact name, entity key) of each derived fact the engine concluded (for appraisals)
    derived: frozenset[tuple[str, str]] = frozenset()
    # The proposal's own `summary` in its words, for the reports people read. Not part
    # of the JSON result, whose keys other tools rely on exactly as they are.
    summary: str | None = None
    # Where the proposal states its `id`, for findings about the id across a batch.
    id_location: Location | None = None

    @property
    def valid(self) -> bool:
        return not any(f.topic == "schema" for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0, "waived": 0}
        for f in self.findings:
            if f.waived:
                counts["waived"] += 1
            else:
                counts[f.severity] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "proposal": self.proposal,
            "as_at": self.as_at,
            "valid": self.valid,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class Summary:
    files: int = 0
    invalid: int = 0
    error: int = 0
    warning: int = 0
    info: int = 0
    waived: int = 0

    def add(self, result: Result) -> None:
        self.files += 1
        if not result.valid:
            self.invalid += 1
        for key, n in result.counts().items():
            setattr(self, key, getattr(self, key) + n)

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files,
            "invalid": self.invalid,
            "error": self.error,
            "warning": self.warning,
            "info": self.info,
            "waived": self.waived,
        }


def fails(result: Result, fail_on: str) -> bool:
    """True when this result should make `govcheck check` exit 1."""
    if not result.valid:
        return True
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(not f.waived and SEVERITY_RANK[f.severity] <= threshold for f in result.findings)
