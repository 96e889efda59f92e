"""The workbench in a real browser: Debian's headless chromium, driven by Selenium through
Debian's chromedriver (nothing downloads a browser or a driver). It runs in CI, which
installs both (.ci/run); on a machine without them it is skipped with the reason.

A governance lead opens a case, makes the provider a community interest company while it
states registered charitable status, sees the charitable-status error appear beside that
field, fixes it and sees the error go, and saves: the file on disk is a valid proposal
with its comments kept.

GOVCHECK_SCREENSHOTS=DIR keeps screenshots of the workbench, the findings panel and
training mode in DIR, to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from govcheck.checker import Checker
from govcheck.loader import load_path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CASES = Path(__file__).resolve().parent.parent / "cases"

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # pragma: no cover - the test extra brings it
    webdriver = None

MISSING = webdriver is None or not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists()
REASON = ("needs Debian's chromium and chromedriver (apt-get install chromium chromium-driver; "
          ".ci/run does) and selenium (the test extra)")
# CI sets GOVCHECK_REQUIRE_BROWSER once it has installed them: there, a skip would hide a
# broken set-up, so the test fails instead.
REQUIRED = bool(os.environ.get("GOVCHECK_REQUIRE_BROWSER"))
pytestmark = [
    pytest.mark.skipif(MISSING and not REQUIRED, reason=REASON),
    # Northtown's waiver (to 31 March 2010) is live on the day the case was reviewed.
    pytest.mark.usefixtures("run_in_2009"),
]

# The case, with comments of the kind a governance lead writes, which a save must keep.
COMMENTED = """\
# Kirkby carers' breaks: draft for the board of 12 November 2009
# (reviewed by the governance lead; do not circulate)
"""


def _commented_case() -> str:
    text = (CASES / "train-charitable-clg-clean.yaml").read_text(encoding="utf-8")
    text = COMMENTED + text
    text = text.replace(
        "  charitable_status: registered\n",
        "  charitable_status: registered     # registered charity no. 1100000\n",
    )
    return text.replace("contract:\n", "# The contract as awarded after the tender:\ncontract:\n")


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "#" in line and
            line.strip().startswith("#") or re.search(r"\s#\s", line)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("proposals")
    (root / "kirkby.yaml").write_text(_commented_case(), encoding="utf-8")
    shutil.copy(CASES / "northtown-cic.yaml", root / "northtown.yaml")
    hostile = (CASES / "train-cic-claims-charity.yaml").read_text(encoding="utf-8")
    hostile = hostile.replace("name: Jarrow Wellbeing CIC",
                              'name: "<img src=x onerror=alert(1)> Jarrow"')
    hostile = hostile.replace(
        "title: Jarrow Wellbeing CIC says", 'title: "<script>alert(2)</script> Jarrow says')
    hostile = hostile.replace(" for the tax relief\n", ' for the tax relief"\n', 1)
    (root / "hostile.yaml").write_text(hostile, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govcheck.cli", "serve", str(folder), "--no-open", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line + proc.stderr.read()
        yield f"http://127.0.0.1:{found[1]}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if MISSING:
        pytest.fail(f"GOVCHECK_REQUIRE_BROWSER is set, but the browser test {REASON}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1440,1000", "--lang=en-GB"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: object, test: object, timeout: float = 15) -> object:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(test)


def _shot(driver: object, name: str) -> None:
    keep = os.environ.get("GOVCHECK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(keep) / f"{name}.png"))


def _open(driver: object, server: str, path: str) -> None:
    driver.get(server)
    _wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "list")
    driver.find_element(By.CSS_SELECTOR, f'a[href="#/open/{path}"]').click()
    _wait(driver, lambda d: d.execute_script("return document.body.dataset.ready") == "editor")


def _field(driver: object, pointer: str) -> object:
    return driver.find_element(By.CSS_SELECTOR, f'.field[data-pointer="{pointer}"]')


def _rules_at(driver: object, pointer: str) -> list[str]:
    cards = _field(driver, pointer).find_elements(By.CSS_SELECTOR, ".field-findings .finding")
    return [c.get_attribute("data-rule") for c in cards]


def _headline(driver: object) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#verdict .headline").text


def _problems(driver: object) -> list[str]:
    """Console errors: a script refused by the Content-Security-Policy shows here. (The
    412 of the conflict test is the server refusing a stale save, as it should.)"""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and "status of 412" not in e["message"]]


def test_open_break_fix_and_save_keeping_comments(browser: object, server: str,
                                                  folder: Path) -> None:
    driver = browser
    started = time.monotonic()
    _open(driver, server, "kirkby.yaml")
    assert time.monotonic() - started < 10
    _wait(driver, lambda d: _headline(d).startswith("Ready"))
    _shot(driver, "workbench")
    assert "CHAR-001" not in driver.page_source

    # The provider becomes a CIC while it says it is a registered charity.
    Select(_field(driver, "/provider/legal_form").find_element(By.TAG_NAME, "select")) \
        .select_by_value("community_interest_company")
    _wait(driver, lambda d: "CHAR-001" in _rules_at(d, "/provider/charitable_status"))
    card = _field(driver, "/provider/charitable_status").find_element(
        By.CSS_SELECTOR, '.finding[data-rule="CHAR-001"]')
    assert "error" in card.get_attribute("class").split()
    assert "cannot be a charity" in card.text
    assert _headline(driver).startswith("Not ready")
    panel = driver.find_element(By.ID, "panel").text
    assert "Provider claims charitable status its legal form cannot hold" in panel
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    _shot(driver, "findings")

    # Fixed: a CIC cannot be a charity, so it states none.
    Select(_field(driver, "/provider/charitable_status").find_element(By.TAG_NAME, "select")) \
        .select_by_value("none")
    _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, '.finding[data-rule="CHAR-001"]'))
    assert "Unsaved changes" in driver.find_element(By.ID, "dirty").text

    driver.find_element(By.ID, "save").click()
    _wait(driver, lambda d: "Saved kirkby.yaml" in d.find_element(By.ID, "status").text)
    saved = (folder / "kirkby.yaml").read_text(encoding="utf-8")
    result = Checker().check_path(folder / "kirkby.yaml")
    assert result.valid, [f.message for f in result.findings]
    assert "CHAR-001" not in [f.rule for f in result.findings]
    data = load_path(folder / "kirkby.yaml").data
    assert data["provider"]["legal_form"] == "community_interest_company"
    assert data["provider"]["charitable_status"] == "none"
    for comment in _comments(_commented_case()):
        if "registered charity no." in comment:
            continue  # the line it stood on now says `none`; its comment stays on it
        assert comment in saved, comment
    assert re.search(r"\n  charitable_status: none +# registered charity no\. 1100000\n", saved)
    assert saved.index("legal_form:") < saved.index("charitable_status:")  # key order kept
    assert _problems(driver) == []


def test_a_change_on_disk_is_never_overwritten_silently(browser: object, server: str,
                                                        folder: Path) -> None:
    driver = browser
    _open(driver, server, "northtown.yaml")
    field = _field(driver, "/title").find_element(By.TAG_NAME, "input")
    field.send_keys(" (draft 2)")
    elsewhere = (folder / "northtown.yaml").read_text(encoding="utf-8") + "# edited elsewhere\n"
    (folder / "northtown.yaml").write_text(elsewhere, encoding="utf-8")
    driver.find_element(By.ID, "save").click()
    dialog = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "dialog.conflict[open]"))
    assert "changed on disk" in dialog.text
    assert (folder / "northtown.yaml").read_text(encoding="utf-8") == elsewhere
    dialog.find_element(By.XPATH, ".//button[text()='Keep editing']").click()


def test_training_mode_question_first_answer_on_a_click(browser: object, server: str) -> None:
    driver = browser
    _open(driver, server, "northtown.yaml")
    driver.find_element(By.ID, "train").click()
    room = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#training:not([hidden])"))
    assert "5 findings to discuss" in room.text
    room.send_keys(Keys.ARROW_RIGHT)
    _wait(driver, lambda d: "What is the risk" in d.find_element(By.ID, "training").text)
    assert not driver.find_elements(By.CSS_SELECTOR, "#training .reveal")
    assert "Finding 1 of 5" in room.text
    _shot(driver, "training-question")
    driver.find_element(By.CSS_SELECTOR, "#training button.show-answer").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#training .reveal"))
    assert "what to do" in room.text.lower()
    _shot(driver, "training-answer")
    room.send_keys(Keys.ARROW_LEFT)
    _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "#training .reveal"))
    room.send_keys(Keys.ESCAPE)
    _wait(driver, lambda d: d.find_element(By.ID, "training").get_attribute("hidden") is not None)


def test_proposal_text_is_shown_as_text_never_run(browser: object, server: str) -> None:
    driver = browser
    _open(driver, server, "hostile.yaml")
    _wait(driver, lambda d: "CHAR-001" in _rules_at(d, "/provider/charitable_status"))
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert driver.find_elements(By.CSS_SELECTOR, "main script, #panel script") == []
    beside = _field(driver, "/provider/charitable_status").text
    assert "<img src=x onerror=alert(1)> Jarrow" in beside
    assert driver.find_element(By.CSS_SELECTOR, '.field[data-pointer="/title"] input') \
        .get_attribute("value").startswith("<script>alert(2)</script>")
    assert _problems(driver) == []


def test_a_file_name_holding_percent_signs_opens_that_file_and_no_other(
    browser: object, server: str, folder: Path
) -> None:
    # `n%6Frthtown.yaml` read back as a URL is `northtown.yaml`: a link that is not
    # encoded opens (and saves) the other file; `100%.yaml` is not a URL at all.
    text = (folder / "northtown.yaml").read_text(encoding="utf-8")
    lookalike = text.replace("title: Northtown community services become a staff-led CIC",
                             "title: The look-alike file")
    for name in ("n%6Frthtown.yaml", "100%.yaml"):
        (folder / name).write_text(lookalike, encoding="utf-8")
    driver = browser
    try:
        for name in ("n%6Frthtown.yaml", "100%.yaml"):
            driver.get(server)
            _wait(driver, lambda d: d.execute_script("return document.body.dataset.ready")
                  == "list")
            [link] = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.file")
                      if a.find_element(By.CSS_SELECTOR, ".path").text == name]
            link.click()
            _wait(driver, lambda d: d.execute_script("return document.body.dataset.ready")
                  == "editor")
            assert driver.find_element(By.ID, "doc-name").text == name
            _wait(driver, lambda d: _field(d, "/title").find_element(By.TAG_NAME, "input")
                  .get_attribute("value") == "The look-alike file")
    finally:
        for name in ("n%6Frthtown.yaml", "100%.yaml"):
            (folder / name).unlink()
