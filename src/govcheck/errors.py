"""One model for everything that stops govcheck before it can check a proposal.

A problem in a file govcheck relies on (a rule file, the source registry, a shared
waivers file, a config file) is a :class:`Problem`: the file, the line and column, and
what to write instead, like yamllint's problems. A loader collects every problem it can
find in one pass and raises them together, so an author fixes a file in one round
rather than one error per run.

Every such failure is a :class:`GovcheckError`; the command line catches that one class,
prints one line per problem and exits 2. A problem in a *proposal* is not an error of
this kind: it is a `schema` finding in the report, and the other proposals are still
checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong at one place in one file."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class GovcheckError(Exception):
    """govcheck cannot run as asked (exit 2). Carries one or more problems.

    `kind` names what was broken, in the words the command line prints before the
    problem ("broken rulebook", "broken waivers file")."""

    kind = "cannot run"

    def __init__(
        self,
        message: str | Iterable[Problem],
        file: str = "",
        line: int = 1,
        column: int = 1,
    ) -> None:
        if isinstance(message, str):
            problems = [Problem(file, line, column, message)] if file else []
            self._text = message
        else:
            problems = sorted(message)
            self._text = problems[0].message if problems else ""
        self.problems: list[Problem] = problems
        super().__init__(self.format_message())

    # The first problem's parts, for callers that show one line.
    @property
    def message(self) -> str:
        return self.problems[0].message if self.problems else self._text

    @property
    def file(self) -> str:
        return self.problems[0].file if self.problems else ""

    @property
    def line(self) -> int:
        return self.problems[0].line if self.problems else 1

    @property
    def column(self) -> int:
        return self.problems[0].column if self.problems else 1

    def format_message(self) -> str:
        """Every problem on its own line, `file:line:column: message`."""
        if not self.problems:
            return self._text
        return "\n".join(str(p) for p in self.problems)

    def lines(self) -> list[str]:
        """What the command line prints: `govcheck: <kind>: <problem>` per problem."""
        if not self.problems:
            return [f"govcheck: {self._text}"]
        return [f"govcheck: {self.kind}: {p}" for p in self.problems]
