"""The fast schema check a batch run trusts for "valid": when it is built and kept."""

from __future__ import annotations

import rulekit

from govcheck.fastcheck import QuickVerdict, is_date
from govcheck.validate import _validation_schema

VALID = rulekit.proposal()


def test_a_single_file_never_pays_for_compiling(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path))
    verdict = QuickVerdict(_validation_schema)
    assert verdict(VALID) is False  # first document: jsonschema alone
    assert list(tmp_path.iterdir()) == []
    assert verdict(VALID) is True  # second: compiled, and kept
    assert [p.suffix for p in tmp_path.iterdir()] == [".marshal"]


def test_the_next_run_takes_the_compiled_check_from_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path))
    QuickVerdict(_validation_schema).compile()
    fresh = QuickVerdict(_validation_schema)
    assert fresh(VALID) is True  # from the first document on
    assert fresh({**VALID, "as_at": "2009-02-30"}) is False


def test_a_damaged_cache_entry_is_rebuilt_not_fatal(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path))
    QuickVerdict(_validation_schema).compile()
    [entry] = tmp_path.iterdir()
    entry.write_bytes(b"not a code object")
    verdict = QuickVerdict(_validation_schema)
    assert verdict(VALID) is False
    assert verdict(VALID) is True
    assert entry.read_bytes() != b"not a code object"


def test_no_cache_means_nothing_is_written(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GOVCHECK_NO_CACHE", "1")
    verdict = QuickVerdict(_validation_schema)
    assert [verdict(VALID), verdict(VALID)] == [False, True]
    assert list(tmp_path.iterdir()) == []


def test_dates_are_judged_as_jsonschema_judges_them() -> None:
    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for text in ["2009-10-01", "2012-02-29", "2009-02-29", "2009-13-01", "2009-1-01",
                 "\u0662\u0660\u0660\u0669-10-01", "2009-10-01\n", "20091001", "", 5]:
        assert is_date(text) == checker.conforms(text, "date"), text
