"""The one sanitiser every human-readable format shows proposal text through."""

from __future__ import annotations

import pytest

from govcheck.errors import GovcheckError, Problem
from govcheck.textsafe import clean, guard_line, guard_text

HOSTILE = [
    "line one\nline two",
    "carriage\rreturn",
    "esc \x1b[8mhidden\x1b[0m",
    "bell\x07 nul\x00 del\x7f",
    "next line\x85 c1\x9b31m",
    "sep\u2028 para\u2029",
    "bidi \u202eevil\u202c and \u2066isolate\u2069",
    "zero\u200bwidth\u200d joiner\ufeff",
    "window title \x1b]0;pwned\x07",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_unsafe_character_survives(text: str) -> None:
    shown = clean(text)
    assert all(ch.isprintable() or ch == " " for ch in shown), repr(shown)
    assert "\n" not in shown and "\r" not in shown


def test_escapes_are_readable() -> None:
    assert clean("a\nb") == "a\\nb"
    assert clean("x\u202ey") == "x\\u202ey"
    assert clean("tab\there") == "tab\\there"


def test_an_undecodable_file_name_is_shown_as_escapes() -> None:
    name = b"caf\xe9-\xff.yaml".decode("utf-8", "surrogateescape")
    assert clean(name) == "caf\\udce9-\\udcff.yaml"
    clean(name).encode("utf-8")  # writable as UTF-8, not raw bytes


def test_ordinary_text_is_unchanged() -> None:
    text = "Northtown PCT: £18m, 3 years – Dr A. Patel (PBC lead) ‘quoted’ café"
    assert clean(text) == text


def test_workflow_commands_in_values_are_broken_up() -> None:
    shown = clean("x\n::error file=a::forged")
    assert "::" not in shown
    assert not shown.lstrip().startswith("::")
    assert "##[" not in clean("##[error]old style")
    assert "##vso[" not in clean("##vso[task.setvariable]x")


def test_a_line_that_would_be_a_command_is_guarded() -> None:
    assert guard_line("::12:3: ERROR x").startswith("\\u003a")
    assert guard_line("   ::warning::x").lstrip().startswith("\\u003a")
    assert guard_line("file.yaml:1:1: ERROR") == "file.yaml:1:1: ERROR"
    assert all(
        not line.lstrip().startswith("::") for line in guard_text("ok\n::a\n  ::b").split("\n")
    )


def test_problems_are_reported_together_in_file_order() -> None:
    error = GovcheckError(
        [Problem("rules/b.yaml", 3, 1, "second"), Problem("rules/a.yaml", 9, 5, "first")]
    )
    assert error.message == "first"
    assert str(error).splitlines() == ["rules/a.yaml:9:5: first", "rules/b.yaml:3:1: second"]
