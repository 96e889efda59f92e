"""The training room (`govcheck explain --step`) on a real pseudo-terminal.

pexpect runs the command on a pseudo-terminal of a set size and presses the keys a
trainer would; pyte, a terminal emulator, keeps the screen the room would see. So the
tests read the screen itself: what is on it after each key, where, in what colour.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pyte
import pytest

COOP = """\
govcheck: 1
id: fernlea-coop
title: Fernlea therapies co-operative
as_at: 2009-02-01
summary: >
  Two hundred and forty therapists leave Fernlea PCT to form a co-operative society
  owned by its workers, and the business plan promises them that they keep the NHS
  Pension Scheme through direction status; surpluses can be paid out to members.
commissioners:
  - {id: pct, name: Fernlea PCT, type: primary_care_trust}
provider:
  name: Fernlea Therapies Co-op
  model: social_enterprise
  legal_form: co_operative_society
  charitable_status: registered
staff_transfer:
  nhs_staff: 240
  mechanism: tupe_transfer
  pension:
    nhs_pension_access: direction_status
"""

FOOTER = re.compile(rb"\x1b\[7m[^\x1b]*\x1b\[0m")  # the footer bar ends every drawing
HASHED = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


class Room:
    """`govcheck explain --step` on a pseudo-terminal, and the screen it shows."""

    def __init__(self, path: Path, rules: Path, rows: int, cols: int, **env: str) -> None:
        environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        environ.update({"TERM": "xterm-256color", "GOVCHECK_NO_CACHE": "1", **env})
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "govcheck.cli", "explain", str(path), "--step", "--rules", str(rules)],
            dimensions=(rows, cols),
            env=environ,
            timeout=60,
        )
        self.wait()

    def wait(self) -> None:
        self.child.expect(FOOTER)
        self.stream.feed(self.child.before + self.child.after)

    def press(self, key: str) -> None:
        self.child.send(key)
        self.wait()

    def resize(self, rows: int, cols: int) -> None:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)
        self.wait()

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def footer(self) -> str:
        return self.lines[-1]

    def row_of(self, words: str) -> int:
        return next(i for i, line in enumerate(self.lines) if words in line)

    def quit(self) -> int:
        self.child.send("q")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def proposal(tmp_path: Path) -> Path:
    path = tmp_path / "coop.yaml"
    path.write_text(COOP, encoding="utf-8")
    return path


@pytest.fixture
def room(proposal: Path, rules_dir: Path) -> Iterator[Room]:
    r = Room(proposal, rules_dir, 24, 80)
    yield r
    if r.child.isalive():
        r.child.terminate(force=True)


def test_each_step_is_one_screen_question_then_answer(room: Room) -> None:
    # The first screen: the arrangement, but not the answers.
    assert "Fernlea therapies co-operative" in room.text
    assert "Two hundred and forty therapists" in room.text
    assert re.search(r"^\d findings to discuss\.$", room.text, re.M), room.text
    assert not re.search(r"error|warning|CHAR-|PEN-", room.text, re.I), room.text
    # The question, alone on a cleared screen.
    room.press(" ")
    assert re.fullmatch(r"Finding 1 of \d: What is the risk in this arrangement\?", room.lines[1])
    assert "provider.charitable_status: registered   [line 15]" in room.text
    assert "Two hundred and forty" not in room.text
    assert not re.search(r"Answer|CHAR-001|ERROR", room.text), room.text
    assert "Space: show the answer" in room.footer and "q: quit" in room.footer
    # On a key, the answer, its heading on the top row, the question gone.
    room.press(" ")
    assert room.lines[0].startswith("Answer 1: ERROR CHAR-001")
    assert "What is the risk" not in room.text
    assert re.match(r" Finding 1 of \d: answer", room.footer)


def test_back_and_quit_keys(room: Room) -> None:
    room.press(" ")
    room.press(" ")
    assert room.lines[0].startswith("Answer 1:")
    room.press("b")
    assert re.match(r"Finding 1 of \d: What is the risk", room.lines[1])
    room.press("\x1b[C")  # the right arrow goes on
    assert room.lines[0].startswith("Answer 1:")
    room.press("\x1b[D")  # the left arrow goes back
    assert re.match(r"Finding 1 of \d:", room.lines[1])
    assert room.quit() == 0  # q quits at once, mid-session


def test_managers_see_no_rule_files_pointers_or_hashed_names(room: Room) -> None:
    seen = [room.text]
    for _ in range(30):  # every page of every screen to the end
        if "Space: leave" in room.footer:
            break
        room.press(" ")
        seen.append(room.text)
    everything = "\n".join(seen)
    assert "That was the last finding." in everything
    assert "Cannot be a charity" in everything  # the sources are there, by title
    assert "Freeman & Peck (2007)" in everything
    for forbidden in (".yaml:", "rules/", "facts.yaml", "/staff_transfer", "defined at"):
        assert forbidden not in everything, forbidden
    assert not HASHED.search(everything)
    assert room.quit() == 0


def test_text_wraps_to_the_terminal_width(proposal: Path, rules_dir: Path) -> None:
    wide = Room(proposal, rules_dir, 30, 100)
    summary = [line for line in wide.lines if line.startswith("  ") and line.strip()]
    assert max(len(line) for line in summary) > 80  # uses the width it has
    assert all(len(line) <= 100 for line in wide.lines)
    wide.press(" ")
    wide.press(" ")
    answer = wide.text
    assert wide.lines[0].startswith("Answer 1: ERROR CHAR-001")
    # the window shrinks: the same screen is drawn again, wrapped to the new width
    wide.resize(24, 60)
    assert wide.lines[0].startswith("Answer 1: ERROR CHAR-001")
    assert all(len(line) <= 60 for line in wide.lines)
    assert wide.text != answer[: len(wide.text)]
    assert wide.quit() == 0


def test_a_long_answer_is_paged_not_scrolled_away(proposal: Path, rules_dir: Path) -> None:
    small = Room(proposal, rules_dir, 12, 80)
    for _ in range(6):  # the introduction may take two pages here
        small.press(" ")
        if small.lines[0].startswith("Answer 1"):
            break
    assert small.lines[0].startswith("Answer 1: ERROR CHAR-001")
    assert "page 1 of " in small.footer and "Space: more" in small.footer
    small.press(" ")
    assert "page 2 of " in small.footer
    assert not small.lines[0].startswith("Answer 1")
    small.press("b")
    assert small.lines[0].startswith("Answer 1: ERROR CHAR-001")
    assert small.quit() == 0


def _colour_of(room: Room, words: str) -> tuple[str, bool]:
    row = room.row_of(words)
    col = room.lines[row].index(words)
    char = room.screen.buffer[row][col]
    return char.fg, char.bold


def test_colour_marks_severity_and_honours_no_color(proposal: Path, rules_dir: Path) -> None:
    coloured = Room(proposal, rules_dir, 24, 80)
    coloured.press(" ")
    coloured.press(" ")
    assert _colour_of(coloured, "Answer 1: ERROR") == ("red", True)
    assert coloured.quit() == 0
    plain = Room(proposal, rules_dir, 24, 80, NO_COLOR="1")
    plain.press(" ")
    plain.press(" ")
    assert _colour_of(plain, "Answer 1: ERROR") == ("default", True)  # bold, no colour
    assert plain.quit() == 0


def test_the_end_screen_then_space_leaves(proposal: Path, rules_dir: Path) -> None:
    room = Room(proposal, rules_dir, 40, 100)
    findings = int(re.search(r"(\d) findings to discuss", room.text)[1])
    for _ in range(2 * findings + 1):  # the intro, each question and answer, then the end
        room.press(" ")
    assert "That was the last finding." in room.text
    assert "Space: leave" in room.footer
    room.child.send(" ")
    room.child.expect(pexpect.EOF)
    room.child.close()
    assert room.child.exitstatus == 0
