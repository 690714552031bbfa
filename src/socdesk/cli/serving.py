"""Running the HTTP server: the one place that decides how `socdesk serve` listens."""

from __future__ import annotations

import os
import tempfile

import uvicorn


def serve(app: str, host: str, port: int, workers: int, *, factory: bool = True) -> None:
    """Serve the ASGI app at import path `app` on host:port with `workers` processes."""
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker is a process; metrics aggregate through files in a shared directory.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="socdesk-metrics-")
    uvicorn.run(
        app,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
