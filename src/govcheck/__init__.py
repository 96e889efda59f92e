"""govcheck: a governance checker for proposals that create or change NHS community
health and adult social care providers in England.

    >>> import govcheck
    >>> report = govcheck.check("cases/northtown-cic.yaml")      # doctest: +SKIP
    >>> report.results[0].findings[0].rule                        # doctest: +SKIP

The command line (`govcheck check …`) is a thin layer over this API.
"""

__version__ = "1.0.0"

from .checker import Checker, Report, check
from .rulebook import Rulebook, RulebookError, load_rulebook

__all__ = [
    "Checker",
    "Report",
    "Rulebook",
    "RulebookError",
    "__version__",
    "check",
    "load_rulebook",
]
