"""How `socdesk serve` listens: its own socket, with TCP_NODELAY, for one worker or many."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from socdesk.cli.serving import listening_socket
from tests.cli.test_cli import _free_port, socdesk
from tests.conftest import LIVE_TIMEOUT, TEST_SECRET


def test_connections_accepted_by_the_listening_socket_have_tcp_nodelay() -> None:
    """Without it a keep-alive answer waits for the client's delayed ACK (uvicorn #3149)."""
    server = listening_socket("127.0.0.1", 0)
    server.listen()
    try:
        with socket.create_connection(server.getsockname()) as _client:
            accepted, _ = server.accept()
            with accepted:
                nodelay = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.close()

    assert nodelay != 0


def test_serve_with_two_workers_answers_on_one_keep_alive_connection(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    assert socdesk("db upgrade", database_url=url).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCDESK_", "PROMETHEUS"))}
    env.update(SOCDESK_SECRET_KEY=TEST_SECRET, SOCDESK_DATABASE_URL=url)
    process = subprocess.Popen(
        [sys.executable, "-m", "socdesk", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    answers: list[int] = []
    metrics = ""
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=LIVE_TIMEOUT) as client:
            deadline = time.monotonic() + 30
            while not answers and time.monotonic() < deadline:
                try:
                    answers.append(client.get("/readyz").status_code)
                except httpx.TransportError:
                    time.sleep(0.1)
            answers += [client.get("/healthz").status_code for _ in range(20)]
            metrics = client.get("/metrics").text
    finally:
        process.terminate()
        process.wait(timeout=20)

    assert answers == [200] * 21
    # The workers' metrics are aggregated (PROMETHEUS_MULTIPROC_DIR, set by serve).
    assert 'socdesk_http_requests_total{method="GET",route="/healthz",status="200"}' in metrics
