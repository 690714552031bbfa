"""Running the HTTP server: the one place that decides how `socdesk serve` listens.

SOCdesk creates the listening socket itself and hands it to uvicorn, for one worker or many.
uvicorn's own socket for `--workers N > 1` is made without TCP_NODELAY (uvicorn issue #3149):
every keep-alive answer then waits for the client's delayed ACK (~40 ms on Linux), which caps a
server near 700 requests/s whatever its worker count. TCP_NODELAY set on the listening socket is
inherited by every connection it accepts (Linux; tests/cli/test_serving.py checks it), and the
socket is created with IPPROTO_TCP so asyncio's own transports set it too. docs/serving.md has
the measurements behind the choice of uvicorn (with httptools and uvloop) over granian.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile

import uvicorn
from uvicorn.supervisors import Multiprocess

log = logging.getLogger("socdesk.serve")
# uvicorn's exit status when its app cannot start.
STARTUP_FAILURE = 3


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket on host:port with TCP_NODELAY, which accepted connections inherit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    # The worker processes receive it.
    sock.set_inheritable(True)
    return sock


def serve(app: str, host: str, port: int, workers: int, *, factory: bool = True) -> None:
    """Serve the ASGI app at import path `app` on host:port with `workers` processes."""
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker is a process; metrics aggregate through files in a shared directory.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="socdesk-metrics-")
    # http and loop "auto" take httptools and uvloop, which are dependencies.
    config = uvicorn.Config(
        app, factory=factory, host=host, port=port, workers=workers, log_level="warning"
    )
    try:
        sock = listening_socket(host, port)
    except OSError as error:
        log.error("cannot listen on %s:%s: %s", host, port, error)
        sys.exit(1)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server = uvicorn.Server(config)
            server.run(sockets=[sock])
            if not server.started:
                sys.exit(STARTUP_FAILURE)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
