"""PyYAML's and libyaml's errors, reworded as advice for the person who wrote the file.

The parsers name grammar productions ("while parsing a block mapping", "could not find
expected ':'"); a proposal author needs to know what to write instead. Each known
problem gets a plain sentence of advice, the location is kept, and an error inside a
structure that started on another line says which structure and where.
"""

from __future__ import annotations

import yaml

from .document import LoadError

SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        (
            "a `:` appears where a value cannot start; if the value contains `: `, "
            "put the whole value in quotes, otherwise check the indentation"
        ),
    ),
    (
        "could not find expected ':'",
        (
            "expected `key: value` here; check that the key ends with `: ` and that "
            "the line is indented like its neighbours"
        ),
    ),
    (
        "did not find expected key",
        (
            "this line does not line up with the keys above it; indent it exactly like "
            "the other keys of the same mapping, using spaces"
        ),
    ),
    (
        "did not find expected '-' indicator",
        "expected a list item starting with `- ` at this indentation",
    ),
    (
        "',' or ']'",
        "a `[...]` list is not closed properly; separate items with `,` and end it with `]`",
    ),
    (
        "',' or '}'",
        ("a `{...}` mapping is not closed properly; separate entries with `,` and end it with `}`"),
    ),
    (
        "did not find expected node content",
        (
            "a value was expected here; write a value, or put the text in quotes if it "
            "starts with a special character"
        ),
    ),
    (
        "expected the node content",
        (
            "a value was expected here; write a value, or put the text in quotes if it "
            "starts with a special character"
        ),
    ),
    (
        "found invalid Unicode character escape code",
        (
            "this `\\u` escape is not a character: `\\ud800` to `\\udfff` are halves of "
            "UTF-16 surrogate pairs, which YAML does not combine; write the character "
            "itself, or its code point as `\\U0001F600`"
        ),
    ),
    (
        "found unknown escape character",
        (
            "this backslash escape is not valid inside double quotes; use single quotes, "
            "or write `\\\\` for a backslash"
        ),
    ),
    (
        "found unexpected end of stream",
        "the file ends inside a quoted string or an open bracket; close it",
    ),
    (
        "found unexpected end of input",
        "the file ends inside a quoted string or an open bracket; close it",
    ),
    (
        "found character that cannot start any token",
        "this character cannot start a value; put the value in quotes",
    ),
    (
        "cannot start any token",
        "this character cannot start a value; put the value in quotes",
    ),
)


# PyYAML's "while parsing a block mapping" names grammar productions; say it plainly.
CONTEXT_NAMES: tuple[tuple[str, str], ...] = (
    ("block mapping", "the mapping"),
    ("flow mapping", "the `{...}` mapping"),
    ("block collection", "the list"),
    ("flow sequence", "the `[...]` list"),
    ("quoted scalar", "the quoted text"),
    ("block scalar", "the `|` or `>` text block"),
    ("simple key", "the key"),
)


def reworded(exc: yaml.YAMLError, text: str) -> LoadError:
    """Reword a PyYAML/libyaml error as advice, keeping its location."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context = getattr(exc, "context", None)
    if mark is not None and "cannot start any token" in problem:
        lines = text.splitlines()
        if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
            return LoadError(
                "a tab character is used for indentation; YAML indentation must use spaces",
                line,
                column,
            )
    advice = next((hint for needle, hint in SYNTAX_HINTS if needle in problem), None)
    if advice is None:
        advice = "check the quoting and indentation near this point"
    message = f"YAML syntax error: {problem}"
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and mark is not None:
        where = next((name for needle, name in CONTEXT_NAMES if needle in context), None)
        if where is not None and context_mark.line != mark.line:
            message += f" (in {where} that starts at line {context_mark.line + 1})"
    return LoadError(f"{message}; {advice}", line, column)
