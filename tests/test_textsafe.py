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


# Characters drawn as nothing: invisible text after a name ("tag" characters spell
# ASCII invisibly), or a blank that is not a space, so two names look alike.
INVISIBLE = {
    "tag characters": "north\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065town",
    "variation selector supplement": "north\U000e0100town",
    "hangul filler": "north\u3164town",
    "halfwidth hangul filler": "north\uffa0town",
    "combining grapheme joiner": "north\u034ftown",
    "khmer inherent vowel": "north\u17b4town",
    "interlinear annotation": "north\ufff9hidden\ufffbtown",
    "deprecated format character": "north\u206atown",
}


@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_characters_are_shown_as_escapes(name: str) -> None:
    text = INVISIBLE[name]
    shown = clean(text)
    hidden = [ch for ch in text if ch not in "northtownhidden"]
    assert not any(ch in shown for ch in hidden), repr(shown)
    assert shown.startswith("north") and shown.endswith("town")
    assert shown.isascii()


def test_a_character_beyond_the_first_plane_is_one_unambiguous_escape() -> None:
    assert clean("a\U000e0041b") == "a\\U000e0041b"


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
