"""Checking that the server can listen before anything is printed or written.

`socdesk demo` prints a token and then serves: if the port is taken, uvicorn would only fail after
that, with a bare `[Errno 98]`. Binding a probe socket the way uvicorn binds its own (same family,
SO_REUSEADDR) finds that out first, and says which address is taken and how to pick another.
"""

from __future__ import annotations

import errno
import socket


class CannotListen(Exception):
    """The server could not listen where it was asked to (a command-line refusal, never an
    API error: no client sees it)."""


def require_free_port(host: str, port: int) -> None:
    """Refuse (CannotListen) when nothing could listen on host:port now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CannotListen(
                    f"{where} is already in use (another SOCdesk, or another program, listens "
                    f"there): stop it, or pick another port with --port, e.g. --port {port + 1}"
                ) from None
            reason = error.strerror or str(error)
            raise CannotListen(
                f"cannot listen on {where}: {reason}; choose another --host or --port"
            ) from None
