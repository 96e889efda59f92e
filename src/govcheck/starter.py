"""`govcheck init`: write a commented starter proposal that is valid as written.

The file names every required field with a placeholder, dates itself today, and
carries the main optional sections as comments. Lines starting `# ` are YAML one can
uncomment; lines starting `## ` are notes. The allowed values listed in the notes
come from the proposal schema, so they never drift from it.
"""

from __future__ import annotations

import datetime
import os
import re
import textwrap
from pathlib import Path
from typing import Any

from .errors import GovcheckError
from .fields import resolve
from .resources import data_dir, proposal_schema
from .textsafe import clean


class InitError(GovcheckError):
    """The starter file cannot be written (it exists, or its directory is missing)."""


def choices(*path: str) -> list[str]:
    """The allowed values of a proposal field, e.g. choices("provider", "legal_form")."""
    schema = proposal_schema()
    node: dict[str, Any] = schema
    for part in path:
        node = resolve(schema, node)
        if node.get("type") == "array":
            node = resolve(schema, node["items"])
        node = node["properties"][part]
    node = resolve(schema, node)
    if node.get("type") == "array":
        node = resolve(schema, node["items"])
    if "enum" in node:
        return [str(v) for v in node["enum"]]
    return [str(b["const"]) for b in node.get("oneOf", []) if "const" in b]


def _note(label: str, values: list[str], indent: str = "") -> str:
    body = " | ".join(values)
    lines = textwrap.wrap(
        f"{label}: {body}",
        width=88,
        initial_indent=f"{indent}## ",
        subsequent_indent=f"{indent}##   ",
        break_on_hyphens=False,
    )
    return "\n".join(lines) + "\n"


SCHEMA_NAME = "proposal.schema.json"


def find_schema_copy(start: Path) -> Path | None:
    """The repository's copy of the proposal schema (made by `govcheck schema --write`):
    `proposal.schema.json` in `start` or a parent, or in a `schemas/` folder of one,
    looking no higher than the top of the repository (a directory holding `.git`)."""
    here = start.resolve()
    for directory in (here, *here.parents):
        for candidate in (directory / SCHEMA_NAME, directory / "schemas" / SCHEMA_NAME):
            if candidate.is_file():
                return candidate
        if (directory / ".git").exists():
            return None
    return None


def schema_reference(target: Path, schema: str | None = None) -> str | None:
    """What the `$schema=` modeline of a new file at `target` names, or None for none.

    A URL is written as given. A path (given, or the repository's copy found by
    find_schema_copy) is written relative to the new file's folder, which is where
    editors resolve it from, so the link works on every machine the repository is
    checked out on. govcheck's own installed copy is never linked: its path exists on
    one machine only.
    """
    if schema and "://" in schema:
        return schema
    if schema:
        copy = Path(schema)
        if copy.is_dir():
            copy = copy / SCHEMA_NAME
        if not copy.is_file():
            raise InitError(
                f"no schema file at {copy}; `govcheck schema --write DIR` writes one into DIR"
            )
    else:
        found = find_schema_copy(target.parent)
        if found is None:
            return None
        copy = found
    try:
        return Path(os.path.relpath(copy.resolve(), target.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        return copy.resolve().as_uri()


def stale_copy(reference: str, target: Path) -> bool:
    """Does the schema file the modeline names differ from this govcheck's schema?"""
    if "://" in reference:
        return False
    linked = target.resolve().parent / reference
    bundled = data_dir("schemas") / SCHEMA_NAME
    try:
        return linked.read_bytes() != bundled.read_bytes()
    except OSError:
        return False


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower())[:100].strip("-")
    return out or "new-proposal"


def starter(target: Path, *, schema: str | None = None, today: str | None = None) -> str:
    """The text of the starter proposal for `target`."""
    today = today or datetime.date.today().isoformat()
    ref = schema_reference(target, schema)
    pid = slug(target.stem)
    modeline = f"# yaml-language-server: $schema={ref}\n" if ref else ""
    return (
        # The name as inert text: a line break in it would start a line of YAML.
        modeline + "## A governance proposal for govcheck. Check it with:  govcheck check "
        f"{clean(target.name)}\n"
        "## Lines starting `# ` are optional sections: uncomment and fill in what applies.\n"
        '## Absent means "not stated" (never false or zero). `govcheck schema --docs`\n'
        "## lists every field.\n"
        "govcheck: 1                      # format version\n"
        f"id: {pid}    # short id: lower-case letters, digits, hyphens\n"
        "title: Replace with a one-line title of the proposal\n"
        f"as_at: {today}                # the date whose law and policy apply\n"
        "# summary: >\n"
        "#   What changes, for whom, and why.\n"
        "\n"
        "commissioners:                   # at least one\n"
        "  - id: the-commissioner\n"
        "    name: Replace with the commissioner's name\n"
        "    type: integrated_care_board\n"
        + _note("type", choices("commissioners", "type"), "    ")
        + "#     also_provides: false        # true: it still provides services itself\n"
        "\n"
        "# bodies:                         # other organisations named (owners, partners…)\n"
        "#   - id: the-council\n"
        "#     name: Replace with the body's name\n"
        "#     type: local_authority\n"
        "#     roles: [partner]\n" + _note("roles", choices("bodies", "roles"), "    ") + "\n"
        "provider:\n"
        "  name: Replace with the provider's name\n"
        "  model: social_enterprise\n"
        + _note("model", choices("provider", "model"), "  ")
        + "  legal_form: community_interest_company\n"
        + _note("legal_form", choices("provider", "legal_form"), "  ")
        + "#   profit_distribution: none\n"
        "#   asset_lock: statutory\n"
        "#   charitable_status: none\n"
        "#   claims_independence: true\n"
        "#   board:\n"
        "#     executive_directors: 4\n"
        "#     non_executive_directors: 3\n"
        "#     commissioner_members: 0\n"
        "\n"
        "# staff_transfer:                  # omit when no staff move\n"
        "#   nhs_staff: 120\n"
        "#   mechanism: tupe_transfer\n"
        "#   pension:\n"
        "#     nhs_pension_access: employer_access\n"
        "\n"
        "# services:\n"
        "#   - name: District nursing\n"
        "#     kind: community_health\n" + _note("kind", choices("services", "kind"), "    ") + "\n"
        "# contract:\n"
        "#   route: competitive_tender\n"
        + _note("route", choices("contract", "route"), "  ")
        + "#   type: nhs_standard_contract\n"
        "#   counterparty: the-commissioner  # a commissioner id\n"
        "#   value_gbp: 1000000\n"
        "#   years: 3\n"
        "\n"
        "# assets:\n"
        "#   - description: Health centre lease\n"
        "#     value_gbp: 250000\n"
        "#     from: the-commissioner        # a commissioner or body id\n"
        "#     transfer: lease\n"
        "\n"
        "# conflicts_of_interest:\n"
        "#   - person: Replace with the person's name\n"
        "#     commissioner_role: Board member\n"
        "#     commissioner: the-commissioner\n"
        "#     interest: director\n"
        "#     declared: true\n"
        "#     recused: true\n"
        "\n"
        "# waivers:                         # accepted risks (see docs/pipelines.md)\n"
        "#   - rule: COI-001                 # a rule id from `govcheck rules`\n"
        "#     reason: Why the risk is accepted\n"
        "#     approved_by: Who approved it, and where it is minuted\n"
        f"#     expires: {today}            # inclusive\n"
    )


def write_starter(target: Path, *, schema: str | None = None) -> str | None:
    """Write the starter proposal; never overwrite. Returns the schema reference used
    (None when there is no schema copy to link to)."""
    text = starter(target, schema=schema)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise InitError(f"{target} already exists; not overwriting it") from None
    except OSError as e:
        raise InitError(f"cannot write {target}: {e.strerror}") from None
    return schema_reference(target, schema)
