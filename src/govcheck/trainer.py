"""The training room: `govcheck explain --step` on a terminal, one screen at a time.

A trainer puts a proposal on a projector and takes the room through its findings. Each
finding is two screens: the question (what the proposal says), and then, on a key, the
answer, on a cleared screen with its heading at the top. A screen longer than the
terminal is shown a page at a time. Text wraps to the terminal's width, again whenever
the window is resized.

Keys: Space, Enter, n, the right or down arrow or Page Down for the next screen; b, p,
Backspace, the left or up arrow or Page Up to go back; q or Esc to quit (Ctrl-C and
Ctrl-D too). Colour marks the question, the answer's severity and the labels; with
NO_COLOR set (or TERM=dumb) only bold, italic and reverse video remain.

The screens are built from an `Explanation` made with `room=True`, so they hold no
rule-file locations or seed file names, and the first screen does not count the
findings by severity.
"""

from __future__ import annotations

import os
import signal
import sys
import termios
import tty
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from .explain import Explanation, Line, Lines, lines

NEXT, BACK, QUIT = "next", "back", "quit"
KEYS = {
    b" ": NEXT,
    b"\r": NEXT,
    b"\n": NEXT,
    b"n": NEXT,
    b"j": NEXT,
    b"\x1b[C": NEXT,
    b"\x1bOC": NEXT,
    b"\x1b[B": NEXT,
    b"\x1bOB": NEXT,
    b"\x1b[6~": NEXT,
    b"b": BACK,
    b"p": BACK,
    b"k": BACK,
    b"\x7f": BACK,
    b"\x08": BACK,
    b"\x1b[D": BACK,
    b"\x1bOD": BACK,
    b"\x1b[A": BACK,
    b"\x1bOA": BACK,
    b"\x1b[5~": BACK,
    b"q": QUIT,
    b"Q": QUIT,
    b"\x1b": QUIT,
    b"\x04": QUIT,
    b"\x03": QUIT,
}

# SGR codes: (with colour, without colour) for each style of Line.
STYLES = {
    "question": ("1;36", "1"),
    "error": ("1;31", "1"),
    "warning": ("1;33", "1"),
    "info": ("1;36", "1"),
    "label": ("1", "1"),
    "quote": ("3", "3"),
    "rule": ("36", ""),
}


@dataclass(frozen=True)
class Screen:
    """What fills the terminal at one moment, and what the footer says about it."""

    items: Lines
    where: str  # 'Finding 2 of 6: answer'
    onward: str  # what the next key does: 'show the answer'


def screens(explanation: Explanation) -> list[Screen]:
    """The session: the proposal, then each step's question and answer, then the end."""
    total = len(explanation.steps)
    begin = "first question" if total else "the end"
    out = [Screen([*explanation.head, Line("")], "Introduction", begin)]
    for n, step in enumerate(explanation.steps, 1):
        name = step.name or f"Step {n} of {total}"
        onward = "next finding" if n < total else "finish"
        out.append(Screen(step.ask, f"{name}: question", "show the answer"))
        out.append(Screen(step.tell, f"{name}: answer", onward))
    if explanation.foot:
        out.append(Screen(explanation.foot, "Note", "finish"))
    end = "That was the last finding." if total else "There was nothing to step through."
    out.append(Screen([Line(end, style="label"), Line("")], "End", "leave"))
    return out


def colour_wanted(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Colour unless NO_COLOR is set to anything (no-color.org) or the terminal is dumb."""
    return not env.get("NO_COLOR") and env.get("TERM", "") != "dumb"


class Room:
    """Shows screens on a terminal (`fd_in` for keys, `out` for the screen)."""

    def __init__(self, screens: list[Screen], out: IO[str], fd_in: int, *, color: bool) -> None:
        self.screens = screens
        self.out = out
        self.fd_in = fd_in
        self.color = color
        self.screen = 0
        self.page = 0
        self.unicode = (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8"

    # ---- layout

    def size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.out.fileno())
        except (OSError, ValueError):
            return 80, 24
        return max(size.columns, 20), max(size.lines, 5)

    def pages(self, screen: Screen) -> list[list[tuple[str, str]]]:
        width, height = self.size()
        rows = lines(screen.items, width)
        while rows and not rows[-1][0]:
            rows.pop()  # a screen's trailing blank lines would make an empty page
        per = height - 2  # a blank row and the footer
        return [rows[i : i + per] for i in range(0, len(rows), per)] or [[]]

    # ---- moving

    def move(self, action: str) -> bool:
        """Act on a key; False when the session is over."""
        pages = self.pages(self.screens[self.screen])
        if action == QUIT:
            return False
        if action == NEXT:
            if self.page + 1 < len(pages):
                self.page += 1
            elif self.screen + 1 < len(self.screens):
                self.screen, self.page = self.screen + 1, 0
            else:
                return False
        elif action == BACK:
            if self.page > 0:
                self.page -= 1
            elif self.screen > 0:
                self.screen -= 1
                self.page = len(self.pages(self.screens[self.screen])) - 1
        return True

    # ---- drawing

    def paint(self, text: str, style: str) -> str:
        codes = STYLES.get(style)
        sgr = (codes[0] if self.color else codes[1]) if codes else ""
        return f"\x1b[{sgr}m{text}\x1b[0m" if sgr else text

    def draw(self) -> None:
        width, height = self.size()
        screen = self.screens[self.screen]
        pages = self.pages(screen)
        self.page = min(self.page, len(pages) - 1)
        parts = ["\x1b[H\x1b[2J"]  # cursor home, clear the screen
        for text, style in pages[self.page]:
            if style == "rule":
                text = ("\u2500" if self.unicode else "-") * width
            parts.append(self.paint(text, style) + "\r\n")
        parts.append(f"\x1b[{height};1H\x1b[7m{self.footer(width, len(pages))}\x1b[0m")
        self.out.write("".join(parts))
        self.out.flush()

    def footer(self, width: int, pages: int) -> str:
        """Where the room is and what the keys do, shortened to fit a narrow terminal."""
        screen = self.screens[self.screen]
        onward = "more" if self.page + 1 < pages else screen.onward
        keys = [f"Space: {onward}"] + (["b: back"] if self.screen or self.page else [])
        keys.append("q: quit")
        where = [screen.where] + ([f"page {self.page + 1} of {pages}"] if pages > 1 else [])
        dot = " \u00b7 " if self.unicode else " - "
        for words in (where + keys, keys, [k.split(":")[0] for k in keys]):
            bar = " " + dot.join(words)
            if len(bar) < width:
                break
        return bar[: width - 1].ljust(width - 1)

    # ---- the session

    def keys(self) -> list[str]:
        data = os.read(self.fd_in, 32)
        if not data:
            return [QUIT]  # end of input
        if data in KEYS:
            return [KEYS[data]]
        if data.startswith(b"\x1b"):
            return []  # another escape sequence (a function key): nothing to do
        return [KEYS[bytes([b])] for b in data if bytes([b]) in KEYS]

    def run(self) -> str:
        """Show the session until the room leaves; returns where it stopped."""
        fd = self.fd_in
        saved = termios.tcgetattr(fd)
        resized: Callable[..., None] = lambda *_: self.draw()  # noqa: E731
        previous = signal.signal(signal.SIGWINCH, resized)
        self.out.write("\x1b[?1049h\x1b[?25l")  # the alternate screen; no cursor
        try:
            tty.setcbreak(fd)
            self.draw()
            going = True
            while going:
                for action in self.keys():
                    going = self.move(action)
                    if not going:
                        break
                if going:
                    self.draw()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGWINCH, previous)
            self.out.write("\x1b[0m\x1b[?25h\x1b[?1049l")
            self.out.flush()
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        return self.screens[self.screen].where


def run(explanation: Explanation, out: IO[str] = sys.stdout, fd_in: int | None = None) -> str:
    """Run a training session on this terminal; returns where the room stopped."""
    room = Room(
        screens(explanation),
        out,
        sys.stdin.fileno() if fd_in is None else fd_in,
        color=colour_wanted(),
    )
    return room.run()
