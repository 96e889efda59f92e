"""Proposal text cannot change the structure of the board report, in Markdown or HTML.

Each hostile string goes into every free-text place a proposal has (title, summary,
names that messages quote, a waiver's reason and approver), into a key (which an
invalid proposal's finding and pointer repeat) and into the file's name. The report is
then read back by real parsers: markdown-it-py, a CommonMark implementation (with the
GFM tables the memo uses), and Python's HTML parser. Its structure (every block, every
inline element but plain text) must be exactly that of the same report made from
plain words, with no raw HTML, link, image or heading of the proposal's own, and the
text must show literally, control characters as visible escapes.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from reportkit import render

from govcheck.textsafe import clean

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "`<img src=x onerror=alert(1)>`",
    "``<script>alert(1)</script>``",
    "# A heading of its own",
    "Title\n# heading on a line of its own\n\n<script>alert(1)</script>",
    "===",
    "---",
    "- a list item",
    "1. an ordered item",
    "2) another",
    "+ plus item",
    "> a quote",
    "[a link](javascript:alert(1))",
    "![an image](http://evil.example/x.png)",
    "<http://evil.example/>",
    "[ref]: http://evil.example/",
    "*bold* _em_ __strong__ ~~strike~~",
    "cell | cell | cell",
    "&lt;img src=x onerror=alert(1)&gt; &#60;script&#62; &amp;",
    "\\<img src=x onerror=alert(1)>",
    "ends with a backslash\\",
    "ends with two spaces  ",
    "    indented like code",
    "```fence",
    "~~~",
    "<!-- a comment -->",
    '"><svg onload=alert(1)>',
    "\x1b[31mred\x1b[0m \x1b]0;title\x07",
    "right\u202eto left \u2066isolate\u2069 zero\u200bwidth",
    "line\u2028separator next\x85line file\x1cseparator",
    "::error file=x.yaml::forged",
    "\r\n::add-mask::ERROR",
    "##[error]old style ##vso[task.setvariable]x",
]

PLAIN = "Plain words"


def proposal(text: str) -> dict[str, Any]:
    """A co-operative claiming charitable status with NHS staff: an error, a waived
    error and a warning under the stable rulebook, with `text` everywhere it can go."""
    return {
        "govcheck": 1,
        "id": "hostile",
        "title": text,
        "as_at": "2009-02-01",
        "summary": text,
        "commissioners": [{"id": "pct", "name": text, "type": "primary_care_trust"}],
        "provider": {
            "name": text,
            "model": "social_enterprise",
            "legal_form": "co_operative_society",
            "charitable_status": "registered",
        },
        "staff_transfer": {
            "nhs_staff": 240,
            "mechanism": "tupe_transfer",
            "pension": {"nhs_pension_access": "direction_status"},
        },
        "waivers": [
            {"rule": "PEN-002", "reason": text, "approved_by": text, "expires": "2010-01-01"}
        ],
    }


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def shown(text: str) -> str:
    """How a title must read: unsafe characters escaped, spaces as one line."""
    return re.sub(" {2,}", " ", clean(text.strip(" \t\n"))).strip(" ")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, rules_dir: Path) -> dict[str, str]:
    """The reports made from plain words, whose structure every hostile one must have."""
    d = tmp_path_factory.mktemp("plain")
    valid = write(d / "p.json", proposal(PLAIN))
    bad = write(d / "i.json", invalid("plain"))
    return {
        "markdown": render("markdown", [valid], rules_dir),
        "html": render("html", [valid], rules_dir),
        "markdown invalid": render("markdown", [bad], rules_dir),
        "html invalid": render("html", [bad], rules_dir),
    }


# ---- Markdown, read by markdown-it-py

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
TEXT = {"text", "text_special"}


def md_structure(memo: str) -> list[Any]:
    out: list[Any] = []
    for token in PARSER.parse(memo):
        if token.type == "inline":
            kinds = [c.type for c in token.children or [] if c.type not in TEXT]
            out.append(("inline", kinds))
        else:
            out.append((token.type, token.tag))
    return out


def md_headings(memo: str) -> list[str]:
    tokens = PARSER.parse(memo)
    return [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]


def assert_no_markup_of_its_own(memo: str) -> None:
    for token in PARSER.parse(memo):
        assert not token.type.startswith("html"), token
        for child in token.children or []:
            assert child.type not in ("html_inline", "link_open", "image"), child


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_markdown_keeps_its_structure(text: str, tmp_path: Path, rules_dir: Path, plain) -> None:
    memo = render("markdown", [write(tmp_path / "h.json", proposal(text))], rules_dir)
    assert_no_markup_of_its_own(memo)
    assert md_structure(memo) == md_structure(plain["markdown"])
    assert md_headings(memo)[0] == f"Governance review: {shown(text)}"
    assert not any(line.lstrip().startswith("::") for line in memo.split("\n"))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_html_keeps_its_structure(text: str, tmp_path: Path, rules_dir: Path, plain) -> None:
    page = render("html", [write(tmp_path / "h.json", proposal(text))], rules_dir)
    assert html_structure(page) == html_structure(plain["html"])
    assert html_text(page, "h1") == shown(text)
    assert "<script" not in page and "<img" not in page and "<svg" not in page


def test_a_batch_overview_keeps_its_table(tmp_path: Path, rules_dir: Path) -> None:
    # A title full of `|` must not add cells to the overview table's row.
    files = [write(tmp_path / f"{n}.json", proposal(t)) for n, t in enumerate(HOSTILE)]
    plains = [write(tmp_path / f"p{n}.json", proposal(PLAIN)) for n in range(len(HOSTILE))]
    memo = render("markdown", files, rules_dir)
    assert_no_markup_of_its_own(memo)
    assert md_structure(memo) == md_structure(render("markdown", plains, rules_dir))
    page = render("html", files, rules_dir)
    assert html_structure(page) == html_structure(render("html", plains, rules_dir))


def invalid(key: str) -> dict[str, Any]:
    data = proposal(PLAIN)
    data["provider"][key] = 1  # an unknown key: the finding names it, the pointer holds it
    return data


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_key_in_an_invalid_proposal_stays_text(
    text: str, tmp_path: Path, rules_dir: Path, plain
) -> None:
    hostile = write(tmp_path / "h.json", invalid(text))
    memo = render("markdown", [hostile], rules_dir)
    assert "Not a valid proposal" in memo
    assert_no_markup_of_its_own(memo)
    assert md_structure(memo) == md_structure(plain["markdown invalid"])
    page = render("html", [hostile], rules_dir)
    assert html_structure(page) == html_structure(plain["html invalid"])


@pytest.mark.parametrize(
    "text", [t for t in HOSTILE if "/" not in t and len(t.encode()) < 200], ids=str
)
def test_a_hostile_file_name_stays_text(text: str, tmp_path: Path, rules_dir: Path, plain) -> None:
    hostile = write(tmp_path / f"{text}.json", proposal(PLAIN))
    memo = render("markdown", [hostile], rules_dir)
    assert_no_markup_of_its_own(memo)
    assert md_structure(memo) == md_structure(plain["markdown"])
    page = render("html", [hostile], rules_dir)
    assert html_structure(page) == html_structure(plain["html"])


# ---- HTML, read by Python's HTML parser


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Any] = []
        self.texts: dict[str, list[str]] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, sorted(attrs)))
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        for tag in self.open:
            self.texts.setdefault(tag, []).append(data)


def html_structure(page: str) -> list[Any]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def html_text(page: str, tag: str) -> str:
    parser = _Tags()
    parser.feed(page.split(f"</{tag}>", 1)[0] + f"</{tag}>")
    return "".join(parser.texts.get(tag, []))
