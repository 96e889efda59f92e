"""govcheck: a governance checker for proposals that create or change NHS community
health and adult social care providers in England.

    >>> import govcheck
    >>> report = govcheck.check("cases/northtown-cic.yaml")      # doctest: +SKIP
    >>> report.results[0].findings[0].rule                        # doctest: +SKIP

The command line (`govcheck check …`) is a thin layer over this API.
"""

__version__ = "1.0.0"

from typing import Any

# Imported on first use (PEP 562), so `govcheck --help`, `--version` and commands that
# never check a proposal do not pay for jsonschema and the rule loader.
_LAZY = {
    "MISSING": "conditions",
    "NotStated": "conditions",
    "Checker": "checker",
    "Report": "checker",
    "check": "checker",
    "compare": "appraisal",
    "Comparison": "appraisal",
    "timeline": "periods",
    "Timeline": "periods",
    "Rulebook": "rulebook",
    "RulebookError": "rulebook",
    "load_rulebook": "rulebook",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MISSING",
    "Checker",
    "Comparison",
    "NotStated",
    "Report",
    "Rulebook",
    "RulebookError",
    "__version__",
    "Timeline",
    "check",
    "compare",
    "load_rulebook",
    "timeline",
]
