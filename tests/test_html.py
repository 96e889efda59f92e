"""`--format html`: one self-contained page, all proposal text escaped, read back
from a real headless browser (Debian's chromium) when it is installed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportkit import render

from govcheck.cli import main

# The fixtures' waivers are judged on a fixed day (conftest.run_in_2009).
pytestmark = pytest.mark.usefixtures("run_in_2009")

CHROMIUM = "/usr/bin/chromium"


def chromium(tmp_path: Path, *args: str, text: bool = False) -> subprocess.CompletedProcess:
    """Chromium as a reader's browser would open the report, but headless, offline (no
    background fetches, updates or sync) and with a fresh profile under `tmp_path`."""
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=text,
        timeout=120,
    )
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

EVIL = f"""\
govcheck: 1
id: evil-coop
title: 'Evil {SCRIPT} co-op {IMG}'
as_at: 2009-02-01
summary: '{SCRIPT} {IMG}'
commissioners:
  - {{id: pct, name: Fernlea PCT, type: primary_care_trust}}
provider:
  name: 'Fernlea {SCRIPT} {IMG}'
  model: social_enterprise
  legal_form: co_operative_society
  charitable_status: registered
staff_transfer:
  nhs_staff: 240
  mechanism: tupe_transfer
  pension:
    nhs_pension_access: direction_status
waivers:
  - rule: PEN-002
    reason: 'Minister said so {SCRIPT}'
    approved_by: PCT board, minute 2009/117
    expires: 2010-01-01
"""

CLEAN = """\
govcheck: 1
id: clean-clg
title: Clean company limited by guarantee
as_at: 2009-02-01
commissioners:
  - {id: pct, name: Fernlea PCT, type: primary_care_trust}
provider:
  name: Fernlea Community Care
  model: social_enterprise
  legal_form: company_limited_by_guarantee
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, rules_dir: Path) -> Path:
    d = tmp_path_factory.mktemp("html")
    (d / "evil.yaml").write_text(EVIL, encoding="utf-8")
    out = d / "report.html"
    r = CliRunner().invoke(
        main,
        [
            "check",
            str(d / "evil.yaml"),
            "--format",
            "html",
            "-o",
            str(out),
            "--rules",
            str(rules_dir),
        ],
    )
    assert r.exit_code == 1, r.output  # CHAR-001 is an error
    return out


def tags(text: str) -> list[str]:
    return re.findall(r"<[A-Za-z!/][^>]*>", text)


def test_payload_is_escaped_in_the_source(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for tag in tags(text):
        low = tag.lower()
        assert not low.startswith(("<link", "<script", "<img", "<iframe", "<object")), tag
        assert "src=" not in low and "href=" not in low, tag
    assert "@import" not in text and "url(" not in text and "@font-face" not in text


def test_page_has_verdict_summary_waiver_and_print_css(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    head = text.split("</header>", 1)[0]
    # the verdict in plain words, the summary and the as-at date lead the page
    assert '<div class="verdict not-ready">' in head
    assert "<strong>Not ready</strong>: 1 unresolved error" in head
    assert '<p class="summary-text">&lt;script&gt;' in head
    assert "1 February 2009, from the proposal&#x27;s as_at" in head
    waived = text.split("Waived: accepted risks", 1)[1]
    assert "PEN-002" in waived and "Waived until 1 January 2010 by" in waived
    assert "Minister said so &lt;script&gt;" in waived
    assert "PEN-002" not in text.split("Waived: accepted risks", 1)[0].split("</header>", 1)[1]
    assert "@page { size: A4" in text and "break-inside: avoid" in text
    assert '<p class="quote">\u201cCannot be a charity\u201d</p>' in text


def test_several_files_give_one_page_with_a_section_each(tmp_path: Path, rules_dir: Path):
    (tmp_path / "a.yaml").write_text(EVIL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(CLEAN, encoding="utf-8")
    r = CliRunner().invoke(
        main, ["check", str(tmp_path), "--format", "html", "--rules", str(rules_dir)]
    )
    html = r.stdout
    assert html.count("<!DOCTYPE html>") == 1 and html.count("</html>") == 1
    assert html.count('<section class="file">') == 2
    assert "<h1>2 proposals</h1>" in html
    assert "Clean company limited by guarantee</h2>" in html, html[-3000:]
    assert "No findings" in html


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
)
def test_headless_browser_renders_findings_and_runs_nothing(page: Path, tmp_path: Path) -> None:
    proc = chromium(tmp_path, "--dump-dom", page.resolve().as_uri(), text=True)
    dom = proc.stdout
    assert "</html>" in dom, proc.stderr[-2000:]
    for rule in ("CHAR-001", "PEN-002"):
        assert rule in dom
    assert "this legal form cannot be a charity" in dom
    # the payload is text in the rendered DOM, never an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert "<img" not in dom.lower() and "<script" not in dom.lower()
    assert "alert(1)" not in proc.stderr


NORTHTOWN = Path(__file__).resolve().parent.parent / "cases" / "northtown-cic.yaml"


@pytest.fixture(scope="module")
def northtown(rules_dir: Path) -> str:
    return render("html", [NORTHTOWN], rules_dir, header={"law_reviewed_to": "2026-11-30"})


def test_lead_has_report_date_and_law_review_in_uk_style(northtown: str) -> None:
    head = northtown.split("</header>", 1)[0]
    assert "<dt>Report date</dt><dd>3 December 2026</dd>" in head
    assert "<dt>Law reviewed to</dt><dd>30 November 2026</dd>" in head
    assert "<dt>Judged as at</dt><dd>1 October 2009, from the proposal&#x27;s as_at</dd>" in head
    assert "Northtown PCT&#x27;s community services become a staff-led" in head  # summary
    # and printed pages carry the date in their margin
    assert '@bottom-left { content: "Governance review \\00B7  3 December 2026"' in northtown


def test_unresolved_errors_come_first_then_warnings_then_waived(
    rules_dir: Path, tmp_path: Path
) -> None:
    # Northtown, with the CIC also claiming charitable status: an unresolved error
    # (CHAR-001) beside its warnings and its waived error (COI-002).
    text = NORTHTOWN.read_text(encoding="utf-8").replace(
        "  charitable_status: none ", "  charitable_status: applying "
    )
    assert "charitable_status: applying" in text
    (tmp_path / "northtown-charity.yaml").write_text(text, encoding="utf-8")
    page = render("html", [tmp_path / "northtown-charity.yaml"], rules_dir)
    body = page.split("</header>", 1)[1]
    order = [body.index(h) for h in ("Unresolved errors", "Warnings to answer", "Waived:")]
    assert order == sorted(order)
    # the error (CHAR-001) is the first finding; the waived error (COI-002) the last
    rules = re.findall(r"&middot; ([A-Z]+-\d{3}) &middot;", body)
    assert rules[0] == "CHAR-001" and rules[-1] == "COI-002"


def test_machine_detail_is_in_the_appendix_only(northtown: str) -> None:
    body, appendix = northtown.split('<section class="appendix">', 1)
    # JSON pointers, rule-file locations and derived-fact ids: appendix, not body
    for detail in ("/staff_transfer/pension/nhs_pension_access", "pensions.yaml:", "facts.yaml:"):
        assert detail not in body and detail in appendix, detail
    assert "not_nhs_pension_body" not in body and "not_nhs_pension_body" in appendix
    # sources by title; the hashed seed file only as small print beside it
    assert "Freeman &amp; Peck (2007) Adult care joint-ventures" in body
    for name in re.findall(r"\d{3}_[0-9a-f]{16}\.txt", body):
        assert body.count(name) == body.count(f'<span class="place">({name}')


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (see above)")
def test_printed_on_a4_it_flows_onto_few_pages(northtown: str, tmp_path: Path) -> None:
    # Three findings used to print one a page; now they share two A4 pages.
    page = tmp_path / "report.html"
    page.write_text(northtown, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    proc = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), proc.stderr[-2000:]
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page\b", data)
    sizes = {
        tuple(round(float(x)) for x in m.split())
        for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)
    }
    assert sizes == {(0, 0, 595, 842)}  # A4 in points
    assert 1 <= len(pages) <= 2, len(pages)
