"""The fast schema check a batch run trusts for "valid": which one is used, and when."""

from __future__ import annotations

import rulekit

from govcheck import fastcheck
from govcheck.fastcheck import COMPILE_AFTER, SHIPPED, QuickVerdict, is_date, shipped_source
from govcheck.validate import _validation_schema

VALID = rulekit.proposal()
INVALID = {**VALID, "as_at": "2009-02-30"}


def test_the_shipped_check_is_made_from_the_schema_as_it_is() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == shipped_source(), (
        "src/govcheck/_schema_verdict.py is stale: run python -m govcheck.fastcheck"
    )


def test_one_file_is_judged_by_the_shipped_check_from_the_first_document() -> None:
    verdict = QuickVerdict(_validation_schema)
    assert verdict(VALID) is True
    assert verdict(INVALID) is False


def test_a_check_shipped_for_another_schema_is_never_used(monkeypatch) -> None:
    import govcheck._schema_verdict as made

    monkeypatch.setattr(made, "SCHEMA_DIGEST", "0" * 64)  # as if the schema had changed
    verdict = QuickVerdict(_validation_schema)
    assert [verdict(VALID) for _ in range(COMPILE_AFTER)] == [False] * COMPILE_AFTER


def test_without_a_shipped_check_a_short_run_never_pays_for_compiling(monkeypatch) -> None:
    monkeypatch.setattr(QuickVerdict, "shipped", lambda self: None)
    compiled = []
    real = QuickVerdict.compile

    def counting(self):
        compiled.append(1)
        return real(self)

    monkeypatch.setattr(QuickVerdict, "compile", counting)
    verdict = QuickVerdict(_validation_schema)
    assert [verdict(VALID) for _ in range(COMPILE_AFTER)] == [False] * COMPILE_AFTER
    assert compiled == []  # jsonschema alone so far
    assert verdict(VALID) is True  # the next document: compiled now, from the schema
    assert verdict(INVALID) is False
    assert compiled == [1]


def test_nothing_is_read_from_or_written_to_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GOVCHECK_NO_CACHE", raising=False)
    check = QuickVerdict(_validation_schema).compile()
    assert check(VALID) is True and check(INVALID) is False
    assert not (tmp_path / "cache").exists()
    assert not hasattr(fastcheck, "cache")


def test_dates_are_judged_as_jsonschema_judges_them() -> None:
    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for text in ["2009-10-01", "2012-02-29", "2009-02-29", "2009-13-01", "2009-1-01",
                 "\u0662\u0660\u0660\u0669-10-01", "2009-10-01\n", "20091001", "", 5]:
        assert is_date(text) == checker.conforms(text, "date"), text
