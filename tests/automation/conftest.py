"""A loopback HTTP server for the workflows' HTTP actions (it echoes what it was sent)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length).decode()
        if self.path == "/big":
            self._reply(200, b"x" * 5000, {"Content-Type": "text/plain"})
        elif self.path == "/slow":
            time.sleep(1.5)
            self._reply(200, b"{}")
        elif self.path.startswith("/redirect"):
            target = self.path.split("to=", 1)[1]
            self._reply(302, b"", {"Location": target})
        else:
            echo = {
                "method": self.command,
                "path": self.path,
                "host": self.headers.get("Host"),
                "auth": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "body": sent,
            }
            self._reply(201, json.dumps(echo).encode())

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _echo


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
