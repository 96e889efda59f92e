"""Bytes to text: the size limit, the encoding, and characters that are not text.

A proposal is plain UTF-8 text. Anything else is refused here, before any parser sees
it, with the line and column of the first offending byte or character, so YAML and
JSON files are refused alike whatever their name says.
"""

from __future__ import annotations

import re

from .document import LoadError

# YAML's printable set; also applied to JSON so that binary junk is refused the
# same way whatever the file is called.
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def line_col_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    return line, column


def line_col_of_char(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def check_size(size: int, max_bytes: int, *, at_least: bool = False) -> None:
    if size > max_bytes:
        what = f"more than {max_bytes:,}" if at_least else f"{size:,}"
        raise LoadError(
            f"file is {what} bytes; the limit is {max_bytes:,} bytes for one proposal; "
            "split it or remove content that does not belong in a proposal"
        )


def decode(raw: bytes) -> str:
    """Turn bytes into text, refusing anything a text editor would not show as text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("the file is UTF-16 (or UTF-32) text; save the file as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = line_col_of_byte(raw, nul)
        raise LoadError(
            "the file contains a NUL byte, so it is binary data, not text; "
            "a proposal must be plain UTF-8 text",
            line,
            column,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_col_of_byte(raw, exc.start)
        raise LoadError(
            f"not UTF-8 text; save the file as UTF-8 (byte 0x{raw[exc.start]:02x} here is "
            "not valid UTF-8; the file is probably in a legacy encoding such as Latin-1)",
            line,
            column,
        ) from None
    bad = NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = line_col_of_char(text, bad.start())
        raise LoadError(
            f"the file contains the control character U+{ord(bad.group()):04X}, which is "
            "not allowed in a proposal; remove it (inside double quotes, write escapes "
            "such as \\t or \\n instead)",
            line,
            column,
        )
    return text
