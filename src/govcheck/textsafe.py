"""Show text that came from a proposal, a file name or a key without letting it act.

A proposal is written by one person and read by others: in a terminal, in a CI log, in
a board paper. Text from it must never change the structure of what govcheck writes
(a line break that starts a forged `::error` line in a GitHub Actions log, a Markdown
heading), nor drive a terminal (an escape sequence that hides text or retitles the
window), nor mislead a reader (bidi controls that show text in another order,
zero-width characters that make two names look the same).

Every human-readable renderer passes such text through :func:`clean` and each line it
writes through :func:`guard_line`. Markup escaping (HTML, Markdown) comes on top of
this, in the renderer; JSON and SARIF need none of it, since their encoders escape.
"""

from __future__ import annotations

import re

# Characters shown as escapes rather than as themselves:
# - C0 controls (tab, line feed, carriage return and the rest), DEL and C1 controls
#   (U+0085 NEXT LINE among them);
# - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR;
# - bidi controls: ALM, LRM, RLM, the embeddings and overrides U+202A-U+202E and the
#   isolates U+2066-U+2069;
# - lone surrogates U+D800-U+DFFF: a file name that is not UTF-8 reaches Python as
#   surrogate escapes, which would be written back as the raw bytes (or not at all);
# - zero-width and invisible characters: ZWSP, ZWNJ, ZWJ, WORD JOINER, the invisible
#   operators U+2061-U+2064, MONGOLIAN VOWEL SEPARATOR, SOFT HYPHEN and the BOM;
# - the other characters Unicode says to draw as nothing (default ignorable), which
#   hide text inside a name or make two names look the same: COMBINING GRAPHEME
#   JOINER, the Hangul fillers, the Khmer inherent vowels, the deprecated format
#   characters U+206A-U+206F, the interlinear annotation marks U+FFF9-U+FFFB, the
#   shorthand format controls, and the tag characters and variation selectors of
#   plane 14 (U+E0000-U+E0FFF), with which whole sentences can be written invisibly.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufeff\uffa0"
    "\ufff9-\ufffb\U0001bca0-\U0001bca3\U000e0000-\U000e0fff]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Workflow commands of CI runners: GitHub Actions reads `::name ...::` at the start of
# a line (after leading spaces) and the older `##[name]` anywhere in a line; Azure
# Pipelines reads `##vso[`. Proposal text may hold them in the middle of a value, so
# they are broken up wherever they occur in it.
_COMMANDS = re.compile(r"::|##(?=\[|vso\[)")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def clean(value: object) -> str:
    """`value` as one line of inert text: every unsafe character shown as an escape
    (`\\n`, `\\u202e`), and CI workflow-command markers broken up (`:\\u003a`)."""
    text = value if isinstance(value, str) else str(value)
    text = _UNSAFE.sub(_escape, text)
    if "::" in text or "##" in text:
        text = _COMMANDS.sub(lambda m: m.group()[0] + f"\\u{ord(m.group()[1]):04x}", text)
    return text


def guard_line(line: str) -> str:
    """A line about to be written: if it would read as a workflow command (it starts,
    after spaces, with `::`), its first colon is shown as an escape.

    :func:`clean` already breaks up `::` inside proposal text; this catches the
    junctions, where a value ending in `:` meets a renderer's own `:` (a file named
    `:` gives `::12:3:` in `FILE:LINE:COLUMN` form)."""
    stripped = line.lstrip(" \t")
    if stripped.startswith("::"):
        cut = len(line) - len(stripped)
        return line[:cut] + "\\u003a" + stripped[1:]
    return line


def guard_text(text: str) -> str:
    """:func:`guard_line` applied to every line of a rendered block."""
    if "::" not in text:
        return text
    return "\n".join(guard_line(line) for line in text.split("\n"))


def visible(text: str) -> bool:
    """Does `text` hold a character a reader can see? Not when it is only spaces and
    the characters :func:`clean` escapes (zero-width spaces, Hangul fillers, tag
    characters...): such a value says nothing, however long it is."""
    return bool(_UNSAFE.sub("", text).strip())
