"""The workbench's HTTP API (`govcheck serve`), every endpoint and every
refusal, through Starlette's test client: the same application `govcheck serve` runs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from govcheck.cli import run as cli
from govcheck.loader import load_path
from govcheck.resources import proposal_schema
from govcheck.workbench.app import MAX_BODY, create_app

# Northtown's waiver (to 31 March 2010) is live on the day the case was reviewed.
pytestmark = pytest.mark.usefixtures("run_in_2009")

CASES = Path(__file__).resolve().parent.parent / "cases"
PORT = 8765
ORIGIN = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def checker():  # one loaded rulebook for every app of this module
    from govcheck.checker import Checker

    return Checker()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "proposals"
    (root / "sub").mkdir(parents=True)
    for name in ("northtown-cic.yaml", "train-cic-claims-charity.yaml",
                 "train-ashdown-options-and-eras.yaml"):
        (root / name).write_bytes((CASES / name).read_bytes())
    (root / "sub" / "kirkby.yaml").write_bytes(
        (CASES / "train-charitable-clg-clean.yaml").read_bytes())
    (root / "notes.txt").write_text("not a proposal", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "hidden.yaml").write_text("govcheck: 1\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("govcheck: 1\nid: secret\n", encoding="utf-8")
    os.symlink(outside / "secret.yaml", root / "link-out.yaml")
    os.symlink(outside, root / "dir-out")
    os.symlink(root / "northtown-cic.yaml", root / "link-in.yaml")
    return root


@pytest.fixture
def app(folder: Path, checker):
    return create_app(folder, port=PORT, checker=checker)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    guarded, bench = app
    with TestClient(guarded, base_url=ORIGIN) as c:
        c.headers["X-Govcheck-Token"] = bench.token
        yield c


def text_of(name: str) -> str:
    return (CASES / name).read_text(encoding="utf-8")


# ---- the page and its assets


def test_page_carries_its_token_and_a_strict_policy(client: TestClient, app) -> None:
    r = client.get("/", headers={"X-Govcheck-Token": ""})
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert f'<meta name="govcheck-token" content="{app[1].token}">' in r.text
    # no inline script or style: every script has a src, and nothing is fetched elsewhere
    assert re.findall(r"<script(?![^>]*\bsrc=)", r.text) == []
    assert "<style" not in r.text and " style=" not in r.text
    assert "http://" not in r.text and "https://" not in r.text


def test_every_asset_the_page_names_is_served_from_the_package(client: TestClient) -> None:
    page = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    seen = set(assets)
    for asset in assets:
        body = client.get(asset)
        assert body.status_code == 200, asset
        seen.update("/static/" + m for m in re.findall(r'from "\./([^"]+)"', body.text))
    for asset in seen:
        r = client.get(asset)
        assert r.status_code == 200, asset
        assert "https://" not in r.text.replace("https:", "") or asset.endswith(".js")
        if asset.endswith(".js"):
            assert "javascript" in r.headers["content-type"]
            assert "innerHTML" not in r.text and "insertAdjacentHTML" not in r.text
            assert "eval(" not in r.text and "new Function" not in r.text
    assert len(seen) >= 8  # html, css and the modules
    assert client.get("/static/../app.py").status_code == 404


# ---- refusals


@pytest.mark.parametrize("host", ["evil.example:8765", "evil.example", "127.0.0.1:9999",
                                  "localhost.evil.example:8765", "192.168.1.20.nip.io:8765", ""])
def test_a_host_that_is_not_ours_is_refused(client: TestClient, host: str) -> None:
    for method, url in (("GET", "/"), ("GET", "/api/schema"), ("PUT", "/api/proposals/x.yaml")):
        r = client.request(method, url, headers={"Host": host}, content=b"govcheck: 1\n")
        assert r.status_code == 421, (host, url)


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "LOCALHOST:8765",
                                  "[::1]:8765", "127.0.0.2:8765"])
def test_our_own_addresses_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/schema", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong", "x" * 43])
def test_without_the_page_token_nothing_is_read_or_written(
    client: TestClient, folder: Path, token: str | None
) -> None:
    headers = {} if token is None else {"X-Govcheck-Token": token}
    before = (folder / "northtown-cic.yaml").read_bytes()
    with TestClient(client.app, base_url=ORIGIN) as bare:
        for method, url in (("GET", "/api/schema"), ("GET", "/api/proposals"),
                            ("GET", "/api/proposals/northtown-cic.yaml"),
                            ("POST", "/api/check"), ("POST", "/api/edit")):
            assert bare.request(method, url, headers=headers, content=b"x").status_code == 403
        r = bare.put("/api/proposals/northtown-cic.yaml", content=b"govcheck: 1\n",
                     headers={**headers, "If-Match": "*"})
        assert r.status_code == 403
        r = bare.put("/api/proposals/new.yaml", content=b"govcheck: 1\n",
                     headers={**headers, "If-None-Match": "*"})
        assert r.status_code == 403
    assert (folder / "northtown-cic.yaml").read_bytes() == before
    assert not (folder / "new.yaml").exists()


def test_a_request_from_another_site_is_refused_even_with_the_token(client: TestClient) -> None:
    r = client.post("/api/check", content=b"govcheck: 1\n",
                    headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert client.post("/api/check", content=b"govcheck: 1\n",
                       headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_a_body_over_2_mb_is_refused(client: TestClient, folder: Path) -> None:
    big = b"#" * (MAX_BODY + 1)
    assert client.post("/api/check", content=big).status_code == 413
    r = client.put("/api/proposals/big.yaml", content=big, headers={"If-None-Match": "*"})
    assert r.status_code == 413
    assert not (folder / "big.yaml").exists()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(3):
            yield b"#" * (MAX_BODY // 2)

    assert client.post("/api/check", content=chunks()).status_code == 413
    assert client.post("/api/check", content=b"#" * MAX_BODY).status_code == 200


@pytest.mark.parametrize("path", ["%2e%2e/outside/secret.yaml", "..%2foutside%2fsecret.yaml",
                                  "sub/%2e%2e/%2e%2e/outside/secret.yaml", "%2fetc%2fpasswd.yaml",
                                  "link-out.yaml", "dir-out/secret.yaml", "C:%5cx.yaml",
                                  "sub%5c..%5c..%5coutside%5csecret.yaml"])
def test_paths_outside_the_folder_are_refused(client: TestClient, folder: Path, path: str) -> None:
    r = client.get(f"/api/proposals/{path}")
    assert r.status_code in (403, 404), path
    assert "secret" not in r.text
    w = client.put(f"/api/proposals/{path}", content=b"govcheck: 1\n", headers={"If-Match": "*"})
    assert w.status_code in (403, 404), path
    assert (folder.parent / "outside" / "secret.yaml").read_text() == "govcheck: 1\nid: secret\n"


@pytest.mark.parametrize("path", [".git/hidden.yaml", "notes.txt", "missing.yaml", "sub"])
def test_only_proposal_files_are_served(client: TestClient, path: str) -> None:
    assert client.get(f"/api/proposals/{path}").status_code == 404


# ---- the proposals under DIR


def test_the_list_holds_the_proposals_under_the_folder_and_no_others(client: TestClient) -> None:
    listing = client.get("/api/proposals").json()
    paths = [p["path"] for p in listing["proposals"]]
    assert paths == ["link-in.yaml", "northtown-cic.yaml", "sub/kirkby.yaml",
                     "train-ashdown-options-and-eras.yaml", "train-cic-claims-charity.yaml"]
    titles = {p["path"]: p["title"] for p in listing["proposals"]}
    assert titles["northtown-cic.yaml"] == "Northtown community services become a staff-led CIC"


def test_read_gives_the_text_and_its_version(client: TestClient, folder: Path) -> None:
    r = client.get("/api/proposals/sub/kirkby.yaml")
    assert r.status_code == 200
    assert r.text == (folder / "sub" / "kirkby.yaml").read_text(encoding="utf-8")
    assert re.fullmatch(r'"[0-9a-f]{32}"', r.headers["etag"])
    assert r.headers["content-type"].startswith("text/plain")


def test_write_replaces_only_the_version_that_was_opened(client: TestClient, folder: Path) -> None:
    opened = client.get("/api/proposals/northtown-cic.yaml")
    edited = opened.text.replace("as_at: 2009-10-01", "as_at: 2009-11-01")
    r = client.put("/api/proposals/northtown-cic.yaml", content=edited.encode(),
                   headers={"If-Match": opened.headers["etag"]})
    assert r.status_code == 200 and r.json()["created"] is False
    assert (folder / "northtown-cic.yaml").read_text(encoding="utf-8") == edited
    # the page still holds the first version: a second save with it is refused
    again = client.put("/api/proposals/northtown-cic.yaml", content=b"govcheck: 1\n",
                       headers={"If-Match": opened.headers["etag"]})
    assert again.status_code == 412
    assert again.json()["etag"] == r.json()["etag"]
    assert (folder / "northtown-cic.yaml").read_text(encoding="utf-8") == edited


def test_a_change_on_disk_since_opening_is_never_overwritten(client: TestClient,
                                                             folder: Path) -> None:
    opened = client.get("/api/proposals/sub/kirkby.yaml")
    elsewhere = opened.text + "# someone else's note\n"
    (folder / "sub" / "kirkby.yaml").write_text(elsewhere, encoding="utf-8")
    r = client.put("/api/proposals/sub/kirkby.yaml", content=b"govcheck: 1\n",
                   headers={"If-Match": opened.headers["etag"]})
    assert r.status_code == 412
    assert "changed on disk" in r.json()["error"]
    assert (folder / "sub" / "kirkby.yaml").read_text(encoding="utf-8") == elsewhere
    blind = client.put("/api/proposals/sub/kirkby.yaml", content=b"govcheck: 1\n")
    assert blind.status_code == 428
    assert (folder / "sub" / "kirkby.yaml").read_text(encoding="utf-8") == elsewhere


def test_a_new_file_is_created_once(client: TestClient, folder: Path) -> None:
    r = client.put("/api/proposals/sub/new.yaml", content=b"govcheck: 1\n",
                   headers={"If-None-Match": "*"})
    assert r.status_code == 201 and r.json()["created"] is True
    assert (folder / "sub" / "new.yaml").read_bytes() == b"govcheck: 1\n"
    twice = client.put("/api/proposals/sub/new.yaml", content=b"other\n",
                       headers={"If-None-Match": "*"})
    assert twice.status_code == 412
    assert (folder / "sub" / "new.yaml").read_bytes() == b"govcheck: 1\n"
    assert client.put("/api/proposals/nofolder/new.yaml", content=b"x",
                      headers={"If-None-Match": "*"}).status_code == 404
    assert client.put("/api/proposals/bad.yaml", content=b"\xff\xfe",
                      headers={"If-None-Match": "*"}).status_code == 400


def test_writing_through_a_link_inside_the_folder_writes_its_target(
    client: TestClient, folder: Path
) -> None:
    opened = client.get("/api/proposals/link-in.yaml")
    r = client.put("/api/proposals/link-in.yaml", content=opened.text.encode() + b"# via link\n",
                   headers={"If-Match": opened.headers["etag"]})
    assert r.status_code == 200
    assert (folder / "link-in.yaml").is_symlink()
    assert (folder / "northtown-cic.yaml").read_text(encoding="utf-8").endswith("# via link\n")


def test_starter_is_the_init_starter_for_a_new_file(client: TestClient, checker) -> None:
    r = client.get("/api/starter", params={"path": "sub/my-proposal.yaml"})
    assert r.status_code == 200
    assert "id: my-proposal " in r.text
    result = checker.check_bytes(r.content, "sub/my-proposal.yaml")
    assert result.valid, [f.message for f in result.findings]
    assert client.get("/api/starter", params={"path": "sub/kirkby.yaml"}).status_code == 409
    assert client.get("/api/starter", params={"path": "../x.yaml"}).status_code == 403
    assert client.get("/api/starter", params={"path": "x.txt"}).status_code == 404


# ---- checking


def test_check_is_the_json_report_of_check(client: TestClient, folder: Path) -> None:
    path = folder / "northtown-cic.yaml"
    code, out, _ = cli(["check", str(path), "--format", "json", "--no-config"])
    expected = json.loads(out)
    r = client.post("/api/check", params={"file": str(path)}, content=path.read_bytes())
    assert r.status_code == 200
    got = r.json()
    verdict = got.pop("verdict")
    assert got == expected
    # Northtown's one error is waived; a 2009 declared-but-not-recused director is a warning
    assert verdict["headline"] == "Ready with warnings: 3 warnings to answer"


def test_check_as_at_another_date(client: TestClient) -> None:
    text = text_of("northtown-cic.yaml")
    r = client.post("/api/check", params={"as_at": "2014-06-01"}, content=text)
    assert r.json()["results"][0]["as_at"] == "2014-06-01"
    # a week date (2014-W01-1) is a day to Python, but govcheck compares dates as text
    for wrong in ("2014-6-1", "2014-02-30", "yesterday", "2014-W01-1"):
        r = client.post("/api/check", params={"as_at": wrong}, content=text)
        assert r.status_code == 400 and "write YYYY-MM-DD" in r.json()["error"]


def test_check_takes_json_and_reports_what_does_not_load(client: TestClient) -> None:
    data = load_path(CASES / "train-cic-claims-charity.yaml").data
    r = client.post("/api/check", content=json.dumps(data),
                    headers={"Content-Type": "application/json"})
    rules = [f["rule"] for f in r.json()["results"][0]["findings"]]
    assert "CHAR-001" in rules
    broken = client.post("/api/check", content=b"govcheck: 1\nid: [unclosed\n").json()
    result = broken["results"][0]
    assert result["valid"] is False and result["findings"][0]["location"]["line"] >= 2
    assert broken["verdict"]["status"] == "invalid"


def test_compare_and_timeline(client: TestClient) -> None:
    text = text_of("train-ashdown-options-and-eras.yaml")
    c = client.post("/api/compare", content=text).json()
    assert len(c["options"]) == 14 and c["vary"][0]["field"] == "provider.legal_form"
    varied = client.post("/api/compare", content=text, params={
        "vary": "contract.route=competitive_tender,direct_award"}).json()
    assert [o["set"] for o in varied["options"]] == [
        {"contract.route": "competitive_tender"}, {"contract.route": "direct_award"}]
    bad = client.post("/api/compare", content=text, params={"vary": "provider.legl_form=x"})
    assert bad.status_code == 422 and "legal_form" in bad.json()["error"]
    assert client.post("/api/compare", content=b"govcheck: 1\n").status_code == 422
    t = client.post("/api/timeline", content=text,
                    params={"from": "2009-01-01", "to": "2025-12-31"}).json()
    assert t["from"] == "2009-01-01" and t["to"] == "2025-12-31" and len(t["periods"]) >= 2
    assert client.post("/api/timeline", content=text,
                       params={"from": "2020-01-01", "to": "2010-01-01"}).status_code == 400


def test_schema_and_rules(client: TestClient) -> None:
    assert client.get("/api/schema").json() == proposal_schema()
    _, out, _ = cli(["rules", "--format", "json"])
    assert client.get("/api/rules").json() == json.loads(out)
    about = client.get("/api/about").json()
    assert {"at": "/contract/counterparty", "to": ["commissioners"], "what": "a commissioner"} \
        in about["references"]


def test_explain_gives_the_training_rooms_steps(client: TestClient) -> None:
    x = client.post("/api/explain", content=text_of("northtown-cic.yaml")).json()
    assert len(x["steps"]) == 5
    first = x["steps"][0]
    assert first["name"] == "Finding 1 of 5"
    assert any("What is the risk" in line["text"] for line in first["ask"])
    # the question does not give the answer away
    assert not any(first["rule"] in line["text"] for line in first["ask"])
    assert any(first["rule"] in line["text"] for line in first["tell"])


def test_report_downloads_use_the_board_renderers(client: TestClient) -> None:
    text = text_of("northtown-cic.yaml")
    html = client.post("/api/report", params={"format": "html", "file": "sub/northtown.yaml"},
                       content=text)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.headers["content-disposition"] == \
        "attachment; filename*=UTF-8''northtown-review.html"
    assert "sandbox" in html.headers["content-security-policy"]
    assert "Ready with warnings" in html.text and "<!DOCTYPE html>" in html.text
    md = client.post("/api/report", params={"format": "markdown"}, content=text)
    assert md.text.startswith("# Governance review: Northtown")
    assert client.post("/api/report", params={"format": "sarif"}, content=text).status_code == 400


def test_parse_and_edit_keep_the_file_as_written(client: TestClient) -> None:
    text = text_of("northtown-cic.yaml")
    parsed = client.post("/api/parse", content=text).json()
    assert parsed["problem"] is None
    data = parsed["data"]
    data["provider"]["legal_form"] = "co_operative_society"
    edited = client.post("/api/edit", json={"text": text, "data": data}).json()["text"]
    assert "legal_form: co_operative_society\n" in edited
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in edited.splitlines() if line.lstrip().startswith("#")]
    problem = client.post("/api/parse", content=b"govcheck: 1\nid: a\nid: b\n").json()["problem"]
    assert problem["line"] == 3 and "id" in problem["message"]
    assert client.post("/api/edit", content=b"not json").status_code == 400
    assert client.post("/api/edit", json={"text": "a: [", "data": {}}).status_code == 422


# ---- the command


def test_serve_says_when_the_port_is_taken(folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out, err = cli(["serve", str(folder), "--port", str(port), "--no-open"])
    assert code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = cli(["serve", str(folder / "missing"), "--no-open"])
    assert code == 2 and "no such folder" in err


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_refused_not_read_as_every_address(folder: Path, host: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "govcheck.cli", "serve", str(folder), "--host", host,
         "--port", "0", "--no-open"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "govcheck: --host is empty; give the address to listen on, such as 127.0.0.1"]


def test_check_never_imports_the_web_stack() -> None:
    probe = (
        "import sys\n"
        "from govcheck.cli import run\n"
        f"code, out, err = run(['check', {str(CASES / 'northtown-cic.yaml')!r}, "
        "'--format', 'json'])\n"
        "assert code == 0, (code, err)\n"
        "web = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'ruamel', 'anyio', 'h11')"
        " or m.startswith('govcheck.workbench'))\n"
        "print(web)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ---- hostile requests and hostile folders


@pytest.mark.parametrize("token", [b"\xe9", b"\xff" * 43, "é".encode("latin-1")])
def test_a_token_of_any_bytes_is_refused_not_a_server_error(
    client: TestClient, token: bytes
) -> None:
    with TestClient(client.app, base_url=ORIGIN, raise_server_exceptions=False) as bare:
        r = bare.get("/api/proposals", headers={"X-Govcheck-Token": token})
    assert r.status_code == 403
    assert "token" in r.text


@pytest.mark.parametrize("depth", [60, 900, 100_000])
def test_an_edit_nested_beyond_reason_is_refused_not_a_server_error(
    client: TestClient, depth: int
) -> None:
    body = '{"text": "", "data": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    with TestClient(client.app, base_url=ORIGIN, raise_server_exceptions=False) as bare:
        bare.headers["X-Govcheck-Token"] = client.headers["X-Govcheck-Token"]
        r = bare.post("/api/edit", content=body.encode())
        assert r.status_code in (400, 422), r.text
        assert "nested" in r.json()["error"] or "must be JSON" in r.json()["error"]
        deep_text = json.dumps({"text": "a: " + "[" * 5000 + "]" * 5000 + "\n",
                                "data": {"a": 1}})
        r = bare.post("/api/edit", content=deep_text.encode())
        assert r.status_code == 422, r.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_named_like_a_proposal_is_never_opened(
    client: TestClient, folder: Path
) -> None:
    import stat
    import threading

    pipe = folder / "incoming.yaml"
    os.mkfifo(pipe)

    def unblock() -> None:  # should the server open the pipe, let it go on after 5 s
        fd = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)
        threading.Event().wait(5)
        os.close(fd)

    threading.Thread(target=unblock, daemon=True).start()
    assert "incoming.yaml" not in str(client.get("/api/proposals").json())
    for headers in ({"If-Match": "*"}, {"If-None-Match": "*"}):
        r = client.put("/api/proposals/incoming.yaml", content=b"govcheck: 1\n",
                       headers=headers)
        assert r.status_code in (403, 404, 412), r.text
    assert client.get("/api/proposals/incoming.yaml").status_code in (403, 404)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


@pytest.mark.parametrize("path", ["con.yaml", "sub/AUX.json", "nul.yml", "com1.yaml",
                                  "lpt9.yaml", "con .yaml", "sub./x.yaml", "sub /x.yaml",
                                  "x.yaml:hidden.yaml", "sub/notes:zone.yaml"])
def test_names_windows_reads_as_devices_or_streams_are_refused(
    client: TestClient, folder: Path, path: str
) -> None:
    before = sorted(os.listdir(folder)) + sorted(os.listdir(folder / "sub"))
    r = client.put(f"/api/proposals/{path}", content=b"govcheck: 1\n",
                   headers={"If-None-Match": "*"})
    assert r.status_code in (403, 404), path
    assert client.get(f"/api/starter?path={path}").status_code in (403, 404)
    assert sorted(os.listdir(folder)) + sorted(os.listdir(folder / "sub")) == before
    if ":" not in path and not path.endswith(" "):  # a name Linux allows: never listed
        target = folder / path
        if target.parent.is_dir():
            target.write_bytes(b"govcheck: 1\n")
            listed = [p["path"] for p in client.get("/api/proposals").json()["proposals"]]
            assert path not in listed
            assert client.get(f"/api/proposals/{path}").status_code in (403, 404)


def test_a_file_name_that_is_not_utf8_does_not_break_the_list(
    client: TestClient, folder: Path
) -> None:
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.yaml"), "wb") as handle:
        handle.write((CASES / "northtown-cic.yaml").read_bytes())
    with TestClient(client.app, base_url=ORIGIN, raise_server_exceptions=False) as bare:
        bare.headers["X-Govcheck-Token"] = client.headers["X-Govcheck-Token"]
        r = bare.get("/api/proposals")
    assert r.status_code == 200
    paths = [p["path"] for p in r.json()["proposals"]]
    assert "northtown-cic.yaml" in paths and "sub/kirkby.yaml" in paths
