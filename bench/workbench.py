"""How fast the workbench answers: a warm check over its HTTP API, and the page.

    python bench/workbench.py                # 300 checks of a typical proposal
    python bench/workbench.py --n 1000 --case cases/train-coop-nhs-staff.yaml
    python bench/workbench.py --browser      # also: until the page is usable (chromium)

The server is started as `govcheck serve` starts it (a real uvicorn on 127.0.0.1), and
requests go over one kept-alive connection, as the page's do. Each check is the page's
own request: the proposal as YAML text, `POST /api/check`. The goal is at most 50 ms at
the 95th percentile; the page, usable within a second of opening.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(folder: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govcheck.cli", "serve", str(folder), "--no-open", "--port", "0"],
        stderr=subprocess.PIPE, text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        proc.kill()
        raise SystemExit(f"the workbench did not start: {line}")
    return proc, int(found[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def api(port: int, body: bytes, n: int, warm: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.connect()
    # As browsers do: no Nagle delay on a small request waiting for a delayed ACK.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.request("GET", "/")
    page = conn.getresponse().read().decode()
    token = re.search(r'name="govcheck-token" content="([^"]+)"', page)[1]
    headers = {"X-Govcheck-Token": token, "Content-Type": "text/plain; charset=utf-8"}
    times = []
    for i in range(warm + n):
        started = time.perf_counter()
        conn.request("POST", "/api/check", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        assert response.status == 200, response.status
        if i >= warm:
            times.append(elapsed * 1000)
    conn.close()
    return times


def page(port: int, case: str) -> tuple[float, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    f"--user-data-dir={profile}", "--window-size=1440,1000"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            out = []
            for url, ready in ((f"http://127.0.0.1:{port}/", "list"),
                               (f"http://127.0.0.1:{port}/#/open/{case}", "editor")):
                driver.get("about:blank")
                driver.get(url)
                for _ in range(400):
                    if driver.execute_script("return document.body.dataset.ready") == ready:
                        break
                    time.sleep(0.005)
                # performance.now() counts from the start of the navigation
                out.append(driver.execute_script("return performance.now()"))
            return out[0], out[1]
        finally:
            driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="timed checks (default 300)")
    parser.add_argument("--warm", type=int, default=30, help="untimed checks first")
    parser.add_argument("--case", default=str(ROOT / "cases" / "northtown-cic.yaml"))
    parser.add_argument("--browser", action="store_true", help="also time the page (chromium)")
    args = parser.parse_args()
    case = Path(args.case)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / case.name).write_bytes(case.read_bytes())
        proc, port = start(folder)
        try:
            times = api(port, case.read_bytes(), args.n, args.warm)
            print(f"warm POST /api/check of {case.name} ({case.stat().st_size} bytes), "
                  f"{args.n} requests after {args.warm} to warm up:")
            print(f"  median {statistics.median(times):.1f} ms, 95th percentile "
                  f"{percentile(times, 95):.1f} ms, max {max(times):.1f} ms   (goal: 95th at "
                  "most 50 ms)")
            if args.browser:
                listed, opened = page(port, case.name)
                print(f"page usable: the list {listed:.0f} ms, the proposal open and checked "
                      f"{opened:.0f} ms after navigation   (goal: within 1000 ms)")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
