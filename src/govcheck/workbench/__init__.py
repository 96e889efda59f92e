"""`govcheck serve`: the workbench, a local web page for people who do not use a terminal.

A governance lead opens a proposal under a folder (or starts one from the `govcheck
init` starter), edits it as a form generated from the proposal schema, sees each
finding beside the field it points at as they type, re-checks under the law of another
date, compares options and follows the proposal over time, saves it back (comments and
key order kept), downloads the board report, and runs a training session on a
projector. Everything is served from this package: no network, no CDN, no web font.

The package sits on the library API, as the command line does; `govcheck check` never
imports it (nor Starlette or uvicorn), so the checker's start-up is unchanged.
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import GovcheckError


class ServeError(GovcheckError):
    """The workbench cannot start (the port is taken, the folder is missing)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or ServeError."""
    if not host.strip():  # the socket library reads "" as every address of the machine
        raise ServeError("--host is empty; give the address to listen on, such as 127.0.0.1")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns off Nagle's algorithm (TCP_NODELAY) only on
    # connections whose protocol says TCP; without it each answer waited ~40 ms for the
    # browser's delayed acknowledgement.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use (is a workbench already running? "
                f"open http://{_shown(host)}:{port}/), or choose another with --port"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    folder: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the workbench for `folder` until interrupted (Ctrl-C)."""
    import uvicorn

    from .app import create_app

    root = Path(folder)
    if not root.is_dir():
        raise ServeError(f"no such folder: {folder}")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    app, _bench = create_app(root, port=port, host=host)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else _shown(host)
    url = f"http://{shown}:{port}/"
    say(f"govcheck workbench for {root.resolve()} at {url}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        say("govcheck: warning: listening beyond this computer; anyone who can reach it "
            "and has the page can edit the proposals in this folder")
    say("Press Ctrl-C to stop.")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, date_header=False)
    server = uvicorn.Server(config)
    if open_browser:
        def opener() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                threading.Event().wait(0.05)

        threading.Thread(target=opener, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    if server.should_exit and not server.started:
        sys.exit(2)


__all__ = ["ServeError", "bind", "serve"]
