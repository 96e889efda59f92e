"""The workbench's web application: its page, its assets and its JSON API.

Every answer comes from the library API, as the command line's do: `Checker` for a
check, `compare_document` and `timeline_document` for the appraisal and the timeline,
the renderers for the board report, `explain_result` for the training room. Nothing
here decides a finding.

This is a local server that can write files, so every request passes four guards
before it reaches a handler (`Guard`): its `Host` must be the server's own address (a
page on another site that re-points its domain name at 127.0.0.1, DNS rebinding, is
refused 421); a body over 2 MB is refused 413; an `/api/` request must carry the
token written into the page when the server started (another site's page cannot read
it, so it cannot write, or even ask); and every answer carries a strict
Content-Security-Policy (scripts and styles from the server's own files only, nothing
inline, nothing from elsewhere). File paths are checked by `files.Folder`.

The engine is not thread-safe: every check runs on one worker thread, in turn.
"""

from __future__ import annotations

import asyncio
import datetime
import html
import io
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..checker import Checker
from ..dates import is_iso_date
from ..errors import GovcheckError
from ..loader import Document, LoadError, load_bytes
from ..resources import proposal_schema
from ..validate import REFERENCES
from .files import Conflict, Folder, Refused, etag
from .yamledit import EditError, merge

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 2 * 1024 * 1024
TOKEN_HEADER = "x-govcheck-token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
REPORT_FORMATS = {"html": ("text/html", ".html"), "markdown": ("text/markdown", ".md")}

ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


class Guard:
    """ASGI middleware: the Host, body-size and token checks, and the security headers."""

    def __init__(self, app: ASGIApp, *, port: int, host: str, token: str) -> None:
        self.app = app
        self.port = port
        self.host = host
        self.token = token

    def own_host(self, value: str) -> bool:
        """Is `value` (a Host header) this server? An IP address with our port, or
        `localhost` with our port. A name other than localhost is never accepted:
        that is what DNS rebinding relies on."""
        name, port = value, ""
        if value.startswith("["):
            name, _, rest = value[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        elif value.count(":") == 1:
            name, port = value.split(":")
        if port:
            if port != str(self.port):
                return False
        elif self.port != 80:
            return False
        if name.lower() == "localhost":
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False
        bound = _address(self.host)
        if bound is not None and not bound.is_unspecified:
            return address == bound or (address.is_loopback and bound.is_loopback)
        return True

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_secure(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        async def refuse(status: int, text: str) -> None:
            body = text.encode()
            await send_secure({
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())],
            })
            await send_secure({"type": "http.response.body", "body": body})

        if not self.own_host(headers.get("host", "")):
            await refuse(421, "This workbench answers only at its own address, "
                              f"http://127.0.0.1:{self.port}/.")
            return
        path = scope.get("path", "")
        if path.startswith("/api/"):
            # As bytes: a header may hold any byte, and compare_digest refuses non-ASCII str.
            given = headers.get(TOKEN_HEADER, "").encode("latin-1")
            if not secrets.compare_digest(given, self.token.encode("ascii")):
                await refuse(403, "Refused: this request does not carry the workbench page's "
                                  "token. Use the page the server opened.")
                return
            site = headers.get("sec-fetch-site")
            if site not in (None, "same-origin", "none"):
                await refuse(403, "Refused: a request from another site.")
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await refuse(413, "Refused: the request is larger than 2 MB.")
            return
        # The body is read here, whole, before any handler runs: past 2 MB the request
        # is refused at once, whether or not it said its length.
        chunks: list[bytes] = []
        received = 0
        more = scope.get("method") not in ("GET", "HEAD")
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > MAX_BODY:
                await refuse(413, "Refused: the request is larger than 2 MB.")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_secure)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class Workbench:
    """The server's state: the folder, the loaded rulebook, the token."""

    def __init__(self, folder: Folder, checker: Checker | None = None) -> None:
        self.folder = folder
        self.checker = checker or Checker()
        self.token = secrets.token_urlsafe(32)
        # One thread runs every check: durable-rules' engine is not thread-safe.
        self.engine = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govcheck-engine")

    async def run(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.engine, lambda: work(*args, **kwargs))

    # ---- helpers

    def checker_at(self, as_at: str | None) -> Checker:
        from ..scenarios import at_date

        return at_date(self.checker, as_at) if as_at else self.checker

    # ---- the page

    async def page(self, request: Request) -> Response:
        text = (STATIC / "index.html").read_text(encoding="utf-8")
        text = text.replace("{{token}}", html.escape(self.token, quote=True))
        text = text.replace("{{version}}", html.escape(__version__, quote=True))
        return Response(text, media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-store"})

    # ---- the API

    async def about(self, request: Request) -> Response:
        return JSONResponse({
            "version": __version__,
            "folder": self.folder.root.name or str(self.folder.root),
            "today": datetime.date.today().isoformat(),
            "rulebook": self.checker.rulebook.header(),
            "references": [
                {"at": at, "to": list(to), "what": what} for at, to, what in REFERENCES
            ],
            "report_formats": list(REPORT_FORMATS),
        })

    async def schema(self, request: Request) -> Response:
        return JSONResponse(proposal_schema())

    async def rules(self, request: Request) -> Response:
        listing = [r.listing() for r in self.checker.rulebook.rules.values()]
        return JSONResponse(listing)

    async def check(self, request: Request) -> Response:
        as_at = _date(request.query_params.get("as_at"))
        doc_or_problem = await self._document(request)
        checker = self.checker_at(as_at)

        def work() -> dict[str, Any]:
            from ..checker import Report, unreadable
            from ..render.base import verdict

            if isinstance(doc_or_problem, LoadError):
                e = doc_or_problem
                result = unreadable(self._display(request), e.message, e.line, e.column)
            else:
                result = checker.check_document(doc_or_problem)
            tool, book = checker.header
            report = Report(tool, book, [result])
            out = report.as_dict()
            v = verdict(result)
            # Extension for the page: the verdict in the shared words of the reports.
            out["verdict"] = {"status": v.status, "label": v.label, "headline": v.headline,
                              "aside": v.aside}
            return out

        return JSONResponse(await self.run(work))

    async def compare(self, request: Request) -> Response:
        from ..appraisal import compare_document, parse_vary
        from ..scenarios import ScenarioError

        as_at = _date(request.query_params.get("as_at"))
        doc = await self._document(request)
        if isinstance(doc, LoadError):
            return _problem(422, f"line {doc.line}: {doc.message}")
        vary = request.query_params.getlist("vary")
        checker = self.checker_at(as_at)

        def work() -> dict[str, Any]:
            variations = [parse_vary(v, checker.rulebook.catalogue) for v in vary]
            return compare_document(checker, doc, variations).as_dict()

        try:
            return JSONResponse(await self.run(work))
        except ScenarioError as e:
            return _problem(422, e.message)

    async def timeline(self, request: Request) -> Response:
        from ..periods import timeline_document
        from ..scenarios import ScenarioError

        start = _date(request.query_params.get("from"))
        end = _date(request.query_params.get("to"))
        if start and end and start > end:
            return _problem(400, f"from {start} is after to {end}")
        doc = await self._document(request)
        if isinstance(doc, LoadError):
            return _problem(422, f"line {doc.line}: {doc.message}")
        try:
            result = await self.run(timeline_document, self.checker, doc, start, end)
        except ScenarioError as e:
            return _problem(422, e.message)
        return JSONResponse(result.as_dict())

    async def explain(self, request: Request) -> Response:
        """The training room's steps (as `govcheck explain --step` shows them)."""
        from ..explain import explain_result

        as_at = _date(request.query_params.get("as_at"))
        doc = await self._document(request)
        if isinstance(doc, LoadError):
            return _problem(422, f"line {doc.line}: {doc.message}")
        checker = self.checker_at(as_at)

        def work() -> dict[str, Any]:
            result = checker.check_document(doc)
            out = explain_result(result, checker.rulebook, room=True)
            return {
                "valid": result.valid,
                "head": _lines(out.head),
                "steps": [
                    {"name": s.name, "ask": _lines(s.ask), "tell": _lines(s.tell),
                     "severity": f.severity, "rule": f.rule}
                    for s, f in zip(out.steps, result.findings, strict=False)
                ],
                "foot": _lines(out.foot),
            }

        return JSONResponse(await self.run(work))

    async def report(self, request: Request) -> Response:
        from ..render import renderer
        from ..render.json_format import JsonRenderer  # noqa: F401  (formats load lazily)

        fmt = request.query_params.get("format", "html")
        if fmt not in REPORT_FORMATS:
            return _problem(400, f"format must be one of {', '.join(REPORT_FORMATS)}")
        as_at = _date(request.query_params.get("as_at"))
        doc = await self._document(request)
        checker = self.checker_at(as_at)
        name = self._display(request)

        def work() -> str:
            from ..checker import unreadable

            if isinstance(doc, LoadError):
                result = unreadable(name, doc.message, doc.line, doc.column)
            else:
                result = checker.check_document(doc)
            out = io.StringIO()
            r = renderer(fmt, out, rulebook=checker.rulebook)
            tool, book = checker.header
            r.start(tool, book)
            r.result(result)
            from ..model import Summary

            summary = Summary()
            summary.add(result)
            r.finish(summary)
            return out.getvalue()

        text = await self.run(work)
        media, suffix = REPORT_FORMATS[fmt]
        stem = Path(name).stem or "proposal"
        filename = f"{stem}-review{suffix}"
        return Response(text, media_type=f"{media}; charset=utf-8", headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            # Opened from this server by mistake, the report still runs nothing.
            "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
        })

    async def parse(self, request: Request) -> Response:
        """YAML or JSON text -> the data the form edits (govcheck's own strict reading)."""
        doc = await self._document(request)
        if isinstance(doc, LoadError):
            return JSONResponse({"data": None, "problem": {
                "message": doc.message, "line": doc.line, "column": doc.column}})
        return JSONResponse({"data": doc.data, "problem": None})

    async def edit(self, request: Request) -> Response:
        """{"text": the YAML as it stands, "data": the edited proposal} -> the text with
        the new values, comments and key order kept."""
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _problem(400, "the body must be JSON: {\"text\": ..., \"data\": {...}}")
        if not isinstance(body, dict) or not isinstance(body.get("text", ""), str) \
                or not isinstance(body.get("data"), dict):
            return _problem(400, "the body must be JSON: {\"text\": ..., \"data\": {...}}")
        try:
            text = await self.run(merge, body.get("text", ""), body["data"])
        except EditError as e:
            return _problem(422, str(e))
        return JSONResponse({"text": text})

    async def starter(self, request: Request) -> Response:
        """The `govcheck init` starter for a new file at ?path=, not yet written."""
        from ..starter import starter

        relative = request.query_params.get("path", "")
        try:
            target = self.folder.resolve(relative, must_exist=False)
        except Refused as e:
            return _problem(e.status, e.message)
        if target.exists():
            return _problem(409, "a file with that name already exists")
        return Response(starter(target), media_type="text/plain; charset=utf-8")

    async def proposals(self, request: Request) -> Response:
        listed = await asyncio.get_running_loop().run_in_executor(None, self.folder.list)
        items = []
        for item in listed:
            title, proposal = await asyncio.get_running_loop().run_in_executor(
                None, self._title, item.path)
            items.append({"path": item.path, "title": title, "id": proposal,
                          "bytes": item.size,
                          "modified": datetime.datetime.fromtimestamp(
                              item.modified).isoformat(timespec="seconds")})
        return JSONResponse({"folder": self.folder.root.name, "proposals": items})

    def _title(self, relative: str) -> tuple[str | None, str | None]:
        try:
            raw = self.folder.read(relative)
            data = load_bytes(raw, relative).data
        except (Refused, LoadError, OSError):
            return None, None
        if not isinstance(data, dict):
            return None, None
        title = data.get("title") if isinstance(data.get("title"), str) else None
        pid = data.get("id") if isinstance(data.get("id"), str) else None
        return title, pid

    async def read_proposal(self, request: Request) -> Response:
        relative = request.path_params["path"]
        try:
            raw = self.folder.read(relative)
        except Refused as e:
            return _problem(e.status, e.message)
        except OSError as e:
            return _problem(403, f"cannot read it: {e.strerror}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _problem(422, "the file is not UTF-8 text")
        return Response(text, media_type="text/plain; charset=utf-8",
                        headers={"etag": etag(raw), "cache-control": "no-store"})

    async def write_proposal(self, request: Request) -> Response:
        relative = request.path_params["path"]
        raw = await request.body()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return _problem(400, "the text must be UTF-8")
        try:
            new_tag, created = self.folder.write(
                relative, raw,
                if_match=request.headers.get("if-match"),
                if_none_match=request.headers.get("if-none-match"),
            )
        except Refused as e:
            return _problem(e.status, e.message)
        except Conflict as e:
            status = 428 if e.etag is None and "say which version" in e.message else 412
            return JSONResponse({"error": e.message, "etag": e.etag}, status_code=status)
        except OSError as e:
            return _problem(403, f"cannot write it: {e.strerror}")
        return JSONResponse({"path": relative, "etag": new_tag, "created": created},
                            status_code=201 if created else 200, headers={"etag": new_tag})

    # ---- request bodies

    def _display(self, request: Request) -> str:
        return request.query_params.get("file") or "proposal.yaml"

    async def _document(self, request: Request) -> Document | LoadError:
        raw = await request.body()
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        fmt = "json" if kind == "application/json" else "yaml"
        try:
            return load_bytes(raw, self._display(request), fmt=fmt)
        except LoadError as e:
            return e


def _date(value: str | None) -> str | None:
    if not value:
        return None
    if not is_iso_date(value):
        raise BadRequest(f"{value!r} is not a date; write YYYY-MM-DD")
    return value


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _lines(items: Any) -> list[dict[str, Any]]:
    return [{"text": line.text, "style": line.style, "indent": len(line.first)}
            for line in items]


async def _bad_request(request: Request, exc: Exception) -> Response:
    if isinstance(exc, BadRequest):
        return _problem(400, exc.message)
    if isinstance(exc, GovcheckError):
        return _problem(422, str(exc))
    return _problem(400, str(exc))


def create_app(
    folder: str | Path, *, port: int = 8765, host: str = "127.0.0.1",
    checker: Checker | None = None,
) -> tuple[Any, Workbench]:
    """The guarded ASGI application for `folder`, and its state (for the token)."""
    bench = Workbench(Folder(folder), checker)
    proposals = "/api/proposals/{path:path}"
    routes = [
        Route("/", bench.page),
        Route("/api/about", bench.about),
        Route("/api/schema", bench.schema),
        Route("/api/rules", bench.rules),
        Route("/api/check", bench.check, methods=["POST"]),
        Route("/api/compare", bench.compare, methods=["POST"]),
        Route("/api/timeline", bench.timeline, methods=["POST"]),
        Route("/api/explain", bench.explain, methods=["POST"]),
        Route("/api/report", bench.report, methods=["POST"]),
        Route("/api/parse", bench.parse, methods=["POST"]),
        Route("/api/edit", bench.edit, methods=["POST"]),
        Route("/api/starter", bench.starter),
        Route("/api/proposals", bench.proposals),
        Route(proposals, bench.read_proposal, methods=["GET"]),
        Route(proposals, bench.write_proposal, methods=["PUT"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={
        BadRequest: _bad_request, GovcheckError: _bad_request})
    return Guard(app, port=port, host=host, token=bench.token), bench
