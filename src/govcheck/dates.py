"""Dates as govcheck takes them: YYYY-MM-DD, in ASCII digits, a day that exists.

Python's ``date.fromisoformat`` also reads week dates (``2014-W01-1``), the basic form
(``20140101``) and, through ``int``, digits of other scripts; govcheck compares dates
as ISO text, so every date it takes from a person (a proposal, a waiver, ``--as-at``,
the library's ``as_at``) is held to the one spelling.
"""

from __future__ import annotations

import datetime
import re

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WRITE = "write YYYY-MM-DD, e.g. 2009-10-01"


def is_iso_date(text: object) -> bool:
    """True for text that is a real calendar day written YYYY-MM-DD."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def iso_date(value: object, what: str = "as_at") -> str:
    """`value` (a ``datetime.date`` or YYYY-MM-DD text) as YYYY-MM-DD text.

    Raises TypeError for anything else (a ``datetime``, a number) and ValueError for
    text that is not a real day written YYYY-MM-DD; both messages name `what`.
    """
    if isinstance(value, datetime.datetime):
        raise TypeError(
            f"{what} must be a date, not a date and time ({value!r}); "
            f"pass {value.date()!r} or {value.date().isoformat()!r}"
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a datetime.date or text written YYYY-MM-DD, "
            f"not {type(value).__name__} ({value!r})"
        )
    if not is_iso_date(value):
        raise ValueError(f"{what} is {value!r}, which is not a date; {WRITE}")
    return value
