"""Saving from the workbench keeps the file as its author wrote it: comments, key order,
flow lists and folded paragraphs, with only the changed values changed."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcheck.loader import load_bytes, load_path
from govcheck.workbench.yamledit import EditError, merge

CASES = Path(__file__).resolve().parent.parent / "cases"
NORTHTOWN = (CASES / "northtown-cic.yaml").read_text(encoding="utf-8")


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda p: p.name)
def test_unchanged_data_gives_back_the_file_byte_for_byte(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    assert merge(text, load_path(case).data) == text


def test_a_changed_value_changes_that_line_only() -> None:
    data = load_bytes(NORTHTOWN.encode(), "n.yaml").data
    data["provider"]["legal_form"] = "co_operative_society"
    data["as_at"] = "2010-02-03"
    out = merge(NORTHTOWN, data)
    before, after = NORTHTOWN.splitlines(), out.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("as_at: 2009-10-01                 # date whose law and policy apply; default: today",
         "as_at: 2010-02-03                 # date whose law and policy apply; default: today"),
        ("  legal_form: community_interest_company", "  legal_form: co_operative_society"),
    ]


def test_new_entries_go_where_the_schema_puts_them_and_comments_stay() -> None:
    data = load_bytes(NORTHTOWN.encode(), "n.yaml").data
    data["commissioners"].append({"id": "x-ccg", "name": "X CCG",
                                  "type": "clinical_commissioning_group"})
    data["provider"]["registered_with"] = ["fca"]
    del data["provider"]["asset_lock"]
    data["finance"] = {"start_up_loan_gbp": 5000}
    out = merge(NORTHTOWN, data)
    assert load_bytes(out.encode(), "n.yaml").data == data
    # every comment survives except the one on the line removed
    lost = [c for c in comments(NORTHTOWN) if c not in comments(out)]
    assert lost == []
    assert "  asset_lock:" not in out
    # the new commissioner follows the last, before the blank line that ends the list
    assert "    also_provides: false          # true: the commissioner itself still provides " \
           "services\n  - id: x-ccg\n    name: X CCG\n    type: clinical_commissioning_group\n\n" \
           "bodies:" in out
    assert out.index("\nfinance:") > out.index("\nwaivers:")
    assert "  registered_with: [fca]\n" in out


def test_a_folded_paragraph_stays_folded() -> None:
    text = (CASES / "train-charitable-clg-clean.yaml").read_text(encoding="utf-8")
    data = load_bytes(text.encode(), "k.yaml").data
    data["summary"] = ("An established carers' charity wins an advertised tender from Kirkby "
                       "Council for carers' breaks; nothing moves across and nobody on the "
                       "commissioning side has an interest in it.")
    out = merge(text, data)
    assert "summary: >-\n  An established carers' charity wins" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert load_bytes(out.encode(), "k.yaml").data == data


def test_line_endings_and_a_new_file() -> None:
    crlf = NORTHTOWN.replace("\n", "\r\n")
    data = load_bytes(NORTHTOWN.encode(), "n.yaml").data
    data["title"] = "Changed"
    out = merge(crlf, data)
    assert "\r\n" in out and "\n" not in out.replace("\r\n", "")
    fresh = merge("", {"govcheck": 1, "id": "a", "title": "A: b # c", "as_at": "2024-01-01"})
    assert load_bytes(fresh.encode(), "a.yaml").data["title"] == "A: b # c"
    with pytest.raises(EditError):
        merge("a: [", {"govcheck": 1})


scalars = st.one_of(
    st.booleans(), st.integers(-10**6, 10**6), st.sampled_from(["2024-02-29", "yes", "1:30",
                                                                 "0o12", "~", "null", "- x"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["title", "as_at", "summary", "x-note"]), scalars),
                max_size=4),
       st.sampled_from(["name", "legal_form", "model", "x-extra"]), scalars)
def test_any_edit_reads_back_as_the_data_asked_for(top: list, key: str, value: object) -> None:
    data = copy.deepcopy(load_bytes(NORTHTOWN.encode(), "n.yaml").data)
    for k, v in top:
        data[k] = v
    data["provider"][key] = value
    try:
        out = merge(NORTHTOWN, data)
    except EditError:
        return  # refused rather than saved wrong; the page says so
    assert load_bytes(out.encode(), "n.yaml").data == data
    assert [c for c in comments(NORTHTOWN) if c not in comments(out)] == []


@pytest.mark.parametrize("text", ["no", "Yes", "on", "1:30", "~", "0x1F", "1e3", ".inf", "null"])
def test_text_that_yaml_1_1_would_misread_is_saved_in_quotes(text: str) -> None:
    # PyYAML's safe_load reads YAML 1.1: plain `no` is false, `1:30` is 90, `~` is None.
    import yaml

    data = load_bytes(NORTHTOWN.encode(), "n.yaml").data
    data["provider"]["name"] = text
    out = merge(NORTHTOWN, data)
    assert yaml.safe_load(out)["provider"]["name"] == text
    assert load_bytes(out.encode(), "n.yaml").data["provider"]["name"] == text
