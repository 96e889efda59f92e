"""Tests for govcheck.loader: what a proposal author sees when a file loads or is refused.

Positions asserted here were counted by hand from the fixture files under
tests/fixtures/loader/, so a change in how positions are computed shows up as a
wrong line or column that a user would notice.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcheck.loader import (
    MAX_BYTES,
    MAX_DEPTH,
    Document,
    LoadError,
    NotARegularFile,
    Position,
    load_bytes,
    load_path,
    read_stream,
    yaml_events,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loader"


def refusal(raw: bytes | str, path: str = "proposal.yaml", **kwargs: object) -> LoadError:
    """Load something that must be refused and hand back the error for inspection."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    with pytest.raises(LoadError) as caught:
        load_bytes(raw, path, **kwargs)  # type: ignore[arg-type]
    return caught.value


def refusal_of(name: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_path(FIXTURES / name)
    return caught.value


@pytest.fixture(scope="module")
def sample() -> Document:
    return load_path(FIXTURES / "proposal.yaml")


# --------------------------------------------------------------------------- positions


def test_sample_loads_as_plain_data(sample: Document) -> None:
    assert sample.path == str(FIXTURES / "proposal.yaml")
    assert sample.data["govcheck"] == 1
    assert sample.data["as_at"] == "2009-10-01"
    assert sample.data["summary"].startswith("Community health services")
    assert sample.data["provider"]["membership"]["classes"] == ["staff", "patients", "public"]
    assert sample.data["assets"][1]["value_gbp"] == 150000.5
    assert sample.data["conflicts_of_interest"][1]["commissioner_role"] == (
        "Finance lead: provider services"
    )
    assert sample.data["notes"] == [
        "Consultation closed on 2009-07-31.",
        ["nested first", "nested second"],
        {"inline": "mapping", "count": 2},
    ]


def test_sample_key_positions_point_at_the_key(sample: Document) -> None:
    expected = {
        "": (1, 1),
        "/govcheck": (2, 1),
        "/id": (3, 1),
        "/as_at": (5, 1),
        "/provider": (19, 1),
        "/provider/name": (20, 3),
        "/provider/membership/classes": (32, 5),
        "/services": (48, 1),
        "/conflicts_of_interest/1/commissioner_role": (86, 5),
        "/waivers/0/expires": (96, 5),
        "/notes/2/count": (103, 23),
    }
    assert {p: tuple(sample.positions[p]) for p in expected} == expected


def test_sample_block_list_items_point_at_their_dash(sample: Document) -> None:
    expected = {
        "/commissioners/0": (10, 3),
        "/provider/registered_with/0": (27, 5),
        "/provider/registered_with/1": (28, 5),
        "/services/0": (49, 3),
        "/services/3": (58, 3),
        # The value is two lines below its dash, after a comment line.
        "/notes/0": (98, 3),
        # `- - nested first`: the outer item and the inner one each have a dash.
        "/notes/1": (101, 3),
        "/notes/1/0": (101, 5),
        "/notes/1/1": (102, 5),
        "/notes/2": (103, 3),
    }
    assert {p: tuple(sample.positions[p]) for p in expected} == expected


def test_flow_list_items_point_at_their_first_character(sample: Document) -> None:
    # line 32 is `    classes: [staff, patients, public]`
    assert sample.positions["/provider/membership/classes/0"] == Position(32, 15)
    assert sample.positions["/provider/membership/classes/1"] == Position(32, 22)
    assert sample.positions["/provider/membership/classes/2"] == Position(32, 32)
    # line 18 is `    roles: [partner]`
    assert sample.positions["/bodies/0/roles/0"] == Position(18, 13)


def test_locate_falls_back_to_the_nearest_ancestor(sample: Document) -> None:
    # A checker complaining about a key that is missing points at its mapping.
    assert sample.locate("/provider/board/elected") == Position(33, 3)
    assert sample.locate("/services/3/no_such/deeper") == Position(58, 3)
    assert sample.locate("/no_such_top_level_key") == Position(1, 1)
    assert sample.locate("") == Position(1, 1)
    assert sample.locate("/services/0/kind") == Position(50, 5)


def test_json_positions_and_pointer_escaping() -> None:
    doc = load_path(FIXTURES / "proposal.json")
    assert doc.data["services"][1] == {"name": "Podiatry", "kind": "community_health"}
    assert doc.data["contract"]["share"] == 0.25
    assert doc.data["contract"]["notes"] is None
    assert doc.positions["/govcheck"] == Position(2, 3)
    assert doc.positions["/services"] == Position(5, 3)
    # JSON list items point at their first character, here the `{`.
    assert doc.positions["/services/0"] == Position(6, 5)
    assert doc.positions["/services/1"] == Position(7, 5)
    assert doc.positions["/services/1/kind"] == Position(7, 26)
    # RFC 6901: "/" is written ~1 and "~" is written ~0 inside a pointer.
    assert doc.positions["/contract/path~1with~0tilde"] == Position(10, 31)


def test_crlf_line_endings_give_the_same_positions() -> None:
    text = "govcheck: 1\r\nservices:\r\n  - name: a\r\n  -\r\n    name: b\r\n"
    doc = load_bytes(text.encode(), "p.yaml")
    assert doc.data == {"govcheck": 1, "services": [{"name": "a"}, {"name": "b"}]}
    assert doc.positions["/services/1"] == Position(4, 3)
    assert doc.positions["/services/1/name"] == Position(5, 5)


def test_a_utf8_bom_is_skipped_and_does_not_shift_columns() -> None:
    doc = load_path(FIXTURES / "bom.yaml")
    assert doc.data == {"govcheck": 1, "title": "BOM first"}
    assert doc.positions["/govcheck"] == Position(1, 1)


# --------------------------------------------------------------------------- meanings


def test_yaml_1_2_core_schema_meanings() -> None:
    data = load_path(FIXTURES / "yaml12_meanings.yaml").data
    assert data["answers"] == ["yes", "no", "on", "off", "y", "n", "Yes", "NO"]
    assert data["booleans"] == [True, True, True, False, False, False]
    assert data["nulls"] == [None, None, None, None]
    assert data["empty"] is None
    assert data["time"] == "1:30"  # no sexagesimal 90
    assert data["date"] == "2009-10-01"  # a string; dates are checked by the schema
    assert data["octal_looking"] == 777
    assert data["octal"] == 15
    assert data["hex"] == 31
    assert data["underscored"] == "1_000"
    assert data["signed"] == [-12, 7]
    assert data["floats"] == [1.5, -0.25, 0.5, 1000.0, 6.02e23, 1.0]
    assert all(type(x) is float for x in data["floats"])
    assert data["quoted"] == ["true", "42", "null", "2009-10-01"]
    assert data["version"] == "1.10.2"
    assert type(data["booleans"][0]) is bool and type(data["signed"][0]) is int


def test_only_plain_builtin_types_come_out(sample: Document) -> None:
    stack = [sample.data]
    while stack:
        value = stack.pop()
        assert type(value) in (dict, list, str, int, float, bool, type(None))
        if isinstance(value, dict):
            assert all(type(k) is str for k in value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def test_format_follows_the_suffix_unless_given() -> None:
    raw = b'{"govcheck": 1, "a": [1, 2]}'
    assert load_bytes(raw, "x.JSON").data == {"govcheck": 1, "a": [1, 2]}
    assert load_bytes(raw, "<stdin>", fmt="json").positions["/a/1"] == Position(1, 26)
    # Without a .json suffix the same text is read as YAML (flow style).
    assert load_bytes(raw, "<stdin>").data == {"govcheck": 1, "a": [1, 2]}
    assert load_bytes(b"govcheck: 1\n", "x.json", fmt="yaml").data == {"govcheck": 1}
    with pytest.raises(ValueError):
        load_bytes(raw, "x", fmt="toml")


def test_the_pure_python_parser_gives_identical_results(
    sample: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_events, "CParser", None)
    again = load_path(FIXTURES / "proposal.yaml")
    assert again.data == sample.data
    assert again.positions == sample.positions
    assert "anchors" in refusal_of("billion_laughs.yaml").message


# --------------------------------------------------------------------------- size and bytes


def test_load_bytes_refuses_more_than_max_bytes() -> None:
    error = refusal(b"a: 1\n" * 600_000)
    assert error.message.startswith("file is 3,000,000 bytes; the limit is 2,000,000")
    assert (error.line, error.column) == (1, 1)
    assert "limit is 10 bytes" in refusal(b"govcheck: 1\n", max_bytes=10).message
    assert load_bytes(b"govcheck: 1\n", "p", max_bytes=12).data == {"govcheck": 1}


def test_load_path_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:  # sparse: 10 GB that would never fit in memory
        handle.truncate(10_000_000_000)
    with pytest.raises(LoadError) as caught:
        load_path(huge)
    assert "10,000,000,000 bytes" in caught.value.message
    assert f"limit is {MAX_BYTES:,}" in caught.value.message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_load_path_refuses_an_endless_device_before_reading_it() -> None:
    # /dev/zero reports size 0 and never ends: it is refused as a device, unread.
    with pytest.raises(NotARegularFile, match="character device, not a file"):
        load_path("/dev/zero", max_bytes=1000, display="<stdin>")


def test_a_stream_is_read_no_further_than_one_byte_past_the_limit() -> None:
    class Endless(io.RawIOBase):
        asked = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            Endless.asked += len(buffer)
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    with pytest.raises(LoadError) as caught:
        read_stream(io.BufferedReader(Endless()), max_bytes=1000)
    assert "more than 1,000 bytes" in caught.value.message
    assert Endless.asked < 1_000_000


def test_an_unreadable_path_is_an_oserror_not_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_path(tmp_path / "missing.yaml")
    with pytest.raises(OSError):
        load_path(tmp_path)  # a directory


def test_display_name_is_used_as_the_document_path() -> None:
    doc = load_path(FIXTURES / "bom.yaml", display="<stdin>")
    assert doc.path == "<stdin>"


def test_non_utf8_bytes_are_refused_at_their_line_and_column() -> None:
    error = refusal_of("latin1.yaml")  # line 2 is `title: caf\xe9 services`
    assert (error.line, error.column) == (2, 11)
    assert "0xe9" in error.message
    assert "not UTF-8 text; save the file as UTF-8" in error.message


def test_binary_and_utf16_files_are_refused() -> None:
    error = refusal(b"govcheck: 1\nlogo: \x89PNG\x00\x00\x00\rIHDR")
    assert "NUL" in error.message and "binary" in error.message
    assert error.line == 2
    utf16 = "govcheck: 1\n".encode("utf-16")
    assert "save the file as UTF-8" in refusal(utf16).message


def test_control_characters_are_refused_where_they_are() -> None:
    error = refusal("govcheck: 1\ntitle: bell\x07here\n")
    assert (error.line, error.column) == (2, 12)
    assert "U+0007" in error.message


def test_unicode_line_separators_are_refused_in_yaml() -> None:
    error = refusal("govcheck: 1\ntitle: one\u2028two\n")
    assert (error.line, error.column) == (2, 11)
    assert "U+2028" in error.message and "line break" in error.message
    # In JSON they are ordinary characters inside strings.
    assert load_bytes('{"t": "a\u2028b"}'.encode(), "p.json").data == {"t": "a\u2028b"}


# --------------------------------------------------------------------------- shape


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \n\n", (FIXTURES / "comments_only.yaml").read_bytes(), b"\xef\xbb\xbf"],
)
def test_empty_files_are_refused_with_what_to_write(raw: bytes) -> None:
    error = refusal(raw)
    assert error.message.startswith("the file is empty")
    assert "govcheck: 1" in error.message
    if not raw.strip(b" \n\xef\xbb\xbf"):
        assert refusal(raw, "p.json").message.startswith("the file is empty")


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- govcheck: 1\n", "a list"),
        ("just some words\n", "a string"),
        ("42\n", "a number"),
        ("true\n", "boolean"),
        ("---\n", "empty"),
    ],
)
def test_top_level_must_be_a_mapping(text: str, what: str) -> None:
    error = refusal(text)
    assert what in error.message
    assert "mapping starting with `govcheck: 1`" in error.message


def test_json_top_level_must_be_an_object() -> None:
    error = refusal('\n  ["govcheck", 1]', "p.json")
    assert (error.line, error.column) == (2, 3)
    assert "a list" in error.message


def test_more_than_one_document_is_refused_at_the_second() -> None:
    error = refusal_of("two_documents.yaml")
    assert (error.line, error.column) == (3, 1)
    assert "more than one YAML document" in error.message
    assert "own file" in error.message


def test_duplicate_keys_name_the_key_and_its_first_line() -> None:
    error = refusal_of("duplicate_key.yaml")
    assert (error.line, error.column) == (5, 3)
    assert "duplicate key `name`" in error.message
    assert "line 3" in error.message


def test_duplicate_keys_in_json_are_refused_too() -> None:
    error = refusal('{"govcheck": 1,\n "id": "a",\n "id": "b"}', "p.json")
    assert (error.line, error.column) == (3, 2)
    assert "duplicate key `id`" in error.message and "line 2" in error.message


def test_a_billion_laughs_is_refused_at_the_first_anchor() -> None:
    error = refusal_of("billion_laughs.yaml")
    assert (error.line, error.column) == (2, 4)
    assert "anchors (`&a`) are not allowed" in error.message
    assert "write the value out in full" in error.message


def test_an_alias_alone_is_refused() -> None:
    error = refusal("govcheck: 1\nprovider: *elsewhere\n")
    assert (error.line, error.column) == (2, 11)
    assert "aliases (`*elsewhere`)" in error.message


def test_merge_keys_are_refused() -> None:
    error = refusal_of("merge_key.yaml")
    assert (error.line, error.column) == (5, 5)
    assert "merge keys (`<<`)" in error.message
    # Quoted, `<<` is just text and an ordinary key.
    assert load_bytes(b"govcheck: 1\n'<<': x\n", "p").data["<<"] == "x"


@pytest.mark.parametrize(
    ("text", "shown", "column"),
    [
        ("govcheck: 1\nprovider: !!python/object:os.system {}\n", "!!python/object", 11),
        ("govcheck: 1\nprovider: !local thing\n", "!local", 11),
        ("govcheck: 1\nprovider: !!str 42\n", "!!str", 11),
        ("govcheck: 1\nprovider: ! 42\n", "!", 11),
    ],
)
def test_tags_are_refused(text: str, shown: str, column: int) -> None:
    error = refusal(text)
    assert (error.line, error.column) == (2, column)
    assert f"tags (`{shown}" in error.message
    assert "remove the tag" in error.message


def test_the_python_object_tag_fixture_is_refused() -> None:
    error = refusal_of("python_tag.yaml")
    assert (error.line, error.column) == (2, 11)
    assert "!!python/object/apply:os.system" in error.message


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("1", "a number"),
        ("0x1F", "a number"),
        ("true", "the boolean `true`"),
        ("null", "null"),
        ("~", "null"),
    ],
)
def test_keys_that_are_not_text_are_refused(key: str, kind: str) -> None:
    error = refusal(f"govcheck: 1\nbody:\n  {key}: x\n")
    assert (error.line, error.column) == (3, 3)
    assert f"the key `{key}` is {kind}" in error.message
    assert "put it in quotes" in error.message


def test_quoted_keys_that_look_like_numbers_are_fine() -> None:
    doc = load_bytes(b"govcheck: 1\n'1': x\n\"true\": y\nyes: z\n", "p")
    assert doc.data == {"govcheck": 1, "1": "x", "true": "y", "yes": "z"}


def test_complex_keys_are_refused() -> None:
    error = refusal("govcheck: 1\n? [a, b]\n: x\n")
    assert (error.line, error.column) == (2, 3)
    assert "a key is a list" in error.message
    error = refusal("govcheck: 1\n{a: 1}: x\n")
    assert "a key is a mapping" in error.message


def test_a_million_deep_list_is_refused_at_the_depth_limit() -> None:
    error = refusal("govcheck: " + "[" * 1_000_000)
    assert error.line == 1
    # The root mapping is level 1, so the 50th `[` (column 11 + 49) is level 51.
    assert error.column == 11 + MAX_DEPTH - 1
    assert f"more than {MAX_DEPTH} levels deep" in error.message
    error = refusal('{"govcheck": ' + "[" * 1_000_000, "p.json")
    assert error.column == 14 + MAX_DEPTH - 1
    assert f"more than {MAX_DEPTH} levels deep" in error.message


def test_deep_block_nesting_is_refused_and_the_limit_itself_is_allowed() -> None:
    def nested(levels: int) -> str:
        """`levels` block mappings counting the root, then a `{}` one level deeper."""
        keys = "".join("  " * i + f"k{i}:\n" for i in range(levels - 1))
        return keys + "  " * (levels - 1) + "k: {}\n"

    assert load_bytes(nested(MAX_DEPTH - 1).encode(), "p").data["k0"] is not None
    error = refusal(nested(MAX_DEPTH))
    assert error.line == MAX_DEPTH
    assert "levels deep" in error.message


def test_a_huge_number_is_refused_instead_of_crashing() -> None:
    error = refusal("govcheck: 1\ncount: " + "9" * 5000 + "\n")
    assert (error.line, error.column) == (2, 8)
    assert "put it in quotes" in error.message
    assert "at most" in refusal('{"n": ' + "9" * 5000 + "}", "p.json").message


# --------------------------------------------------------------------------- syntax


def test_yaml_syntax_errors_are_located_and_explained() -> None:
    error = refusal_of("syntax_error.yaml")  # line 5 is ` model: ...`, one space short
    assert (error.line, error.column) == (5, 2)
    assert error.message.startswith("YAML syntax error")
    assert "indent" in error.message
    assert "Traceback" not in error.message


def test_an_unquoted_colon_in_a_value_says_to_quote_it() -> None:
    error = refusal("govcheck: 1\ntitle: Plan: phase two\n")
    assert (error.line, error.column) == (2, 12)
    assert "quotes" in error.message


def test_tab_indentation_is_named() -> None:
    error = refusal("govcheck: 1\nprovider:\n\tname: x\n")
    assert (error.line, error.column) == (3, 1)
    assert "tab" in error.message and "spaces" in error.message


def test_unclosed_flow_list_points_back_at_where_it_opened() -> None:
    error = refusal("govcheck: 1\nroles: [a, b\nother: 1\n")
    assert "line 2" in error.message
    assert "`]`" in error.message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"govcheck": 1,\n "id" "x"}', 2, 7, "expected `:`"),
        ('{"govcheck": 1,\n "roles": [1, 2,]}', 2, 17, "trailing comma"),
        ('{"govcheck": 1\n "id": 2}', 2, 2, "expected `,` or `}`"),
        ('{"govcheck": 01}', 1, 14, "leading zeros"),
        ('{"govcheck": 1} {}', 1, 17, "more text after the end"),
        ('{"id": "unterminated', 1, 8, "never closed"),
        ('{"id": "two\nlines"}', 1, 12, "\\n"),
        ("{'id': 1}", 1, 2, "double quotes"),
        ('{"govcheck": 1, // note\n}', 1, 17, "comments"),
        ("# note\n{}", 1, 1, "comments"),
    ],
)
def test_json_syntax_errors_are_located(text: str, line: int, column: int, words: str) -> None:
    error = refusal(text, "p.json")
    assert (error.line, error.column) == (line, column)
    assert words in error.message
    assert error.message.startswith("JSON syntax error")


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(word: str) -> None:
    error = refusal(f'{{"govcheck": 1,\n "share": {word}}}', "p.json")
    assert (error.line, error.column) == (2, 11)
    assert f"`{word}` is not a JSON number" in error.message


@pytest.mark.parametrize(
    ("written", "words"),
    [
        (".inf", "means infinity"),
        ("-.Inf", "means minus infinity"),
        ("+.INF", "means infinity"),
        (".nan", '"not a number"'),
        (".NaN", '"not a number"'),
        ("1e400", "beyond the largest number"),
        ("-1.5E+999", "becomes minus infinity"),
    ],
)
def test_yaml_numbers_that_are_not_finite_are_refused_at_their_line(
    written: str, words: str
) -> None:
    error = refusal(f"govcheck: 1\ncontract:\n  value_gbp: {written}\n")
    assert (error.line, error.column) == (3, 14)
    assert f"`{written}`" in error.message and words in error.message
    assert "finite numbers" in error.message


@pytest.mark.parametrize("written", ["1e400", "-1e400", "1.5E+999"])
def test_json_numbers_that_overflow_are_refused_at_their_place(written: str) -> None:
    error = refusal(f'{{"govcheck": 1,\n "value_gbp": {written}}}', "p.json")
    assert (error.line, error.column) == (2, 15)
    assert f"`{written}`" in error.message and "infinity" in error.message


_FINITE = "[1e-05, 3e16, 1e308, 1e-400, -0.0, 123456789012345678901234567890]"


@pytest.mark.parametrize(
    ("raw", "path"),
    [(f"govcheck: 1\nn: {_FINITE}\n", "p.yaml"), (f'{{"govcheck": 1, "n": {_FINITE}}}', "p.json")],
)
def test_finite_numbers_with_exponents_load_as_written(raw: str, path: str) -> None:
    numbers = load_bytes(raw.encode(), path).data["n"]
    assert numbers == [0.00001, 3e16, 1e308, 0.0, 0.0, 123456789012345678901234567890]


@pytest.mark.parametrize(
    "raw",
    [
        '{"govcheck": 1,\n "title": "a\\ud800b"}',
        '{"govcheck": 1,\n "title": "\\udfff"}',
        '{"govcheck": 1,\n "title": "\\ude00\\ud83d"}',
    ],
)
def test_json_unpaired_surrogate_escapes_are_refused_at_their_string(raw: str) -> None:
    error = refusal(raw, "p.json")
    assert (error.line, error.column) == (2, 11)
    assert "surrogate pair" in error.message and "not a character" in error.message


def test_json_unpaired_surrogate_in_a_key_is_refused() -> None:
    error = refusal('{"govcheck": 1,\n "x-\\ud800": 1}', "p.json")
    assert (error.line, error.column) == (2, 2)
    assert "`\\ud800`" in error.message


def test_json_surrogate_pair_escape_is_one_character() -> None:
    data = load_bytes(b'{"govcheck": 1, "title": "\\ud83d\\ude00"}', "p.json").data
    assert data["title"] == "\U0001f600"


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDC00", "\\U0000D800"])
def test_yaml_surrogate_escapes_are_refused_in_plain_words(escape: str) -> None:
    error = refusal(f'govcheck: 1\ntitle: "a{escape}"\n')
    assert error.line == 2
    assert "surrogate pairs" in error.message and "\\U0001F600" in error.message


def test_load_error_str_is_its_message() -> None:
    error = LoadError("something is wrong; write this instead", 3, 4)
    assert str(error) == error.message == "something is wrong; write this instead"
    assert (error.line, error.column) == (3, 4)
    assert (LoadError("x").line, LoadError("x").column) == (1, 1)


# --------------------------------------------------------------------------- properties

# The Basic Multilingual Plane only: YAML has no surrogate-pair escapes like JSON's.
_chars = st.characters(exclude_categories=("Cs",), max_codepoint=0xFFFF)
_keys = st.text(_chars, max_size=8)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_chars, max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5))
def test_json_text_round_trips_through_both_readers(data: dict) -> None:
    for indent in (None, 2):
        raw = json.dumps(data, indent=indent).encode()
        as_json = load_bytes(raw, "p.json")
        assert as_json.data == data
        # JSON is also YAML 1.2, and must mean the same there.
        assert load_bytes(raw, "p.yaml").data == data
        for pointer in as_json.positions:
            assert as_json.locate(pointer) == as_json.positions[pointer]


# --------------------------------------------------------------------------- node limit


@pytest.mark.parametrize("path", ["p.yaml", "p.json"])
def test_more_keys_and_items_than_the_limit_are_refused_where_the_limit_is_passed(
    path: str,
) -> None:
    from govcheck.loader import MAX_NODES

    items = ",".join("1" for _ in range(MAX_NODES))  # with the two keys, two too many
    error = refusal(f'{{"govcheck": 1,\n "x-notes": [{items}]}}', path)
    assert error.line == 2  # at item MAX_NODES - 1, the node past the limit
    assert error.column == len(' "x-notes": [') + 1 + 2 * (MAX_NODES - 2)
    assert f"more than {MAX_NODES:,} keys and list items" in error.message
    at_the_limit = f'{{"govcheck": 1, "x-notes": [{items[4:]}]}}'
    assert len(load_bytes(at_the_limit.encode(), path).data["x-notes"]) == MAX_NODES - 2
