"""A real `socdesk serve` process on a fresh database, and its memory as the kernel counts it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tests.conftest import TEST_SECRET
from tests.factories import TenantInfo, make_tenant, password_body


@dataclass
class Served:
    url: str
    pid: int
    token: str
    project_id: str
    workspace_id: str
    user_id: str
    settings: dict[str, int]

    @property
    def incidents(self) -> str:
        return f"/v1/{self.project_id}/workspaces/{self.workspace_id}/soc/incidents"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _tenant(database_url: str) -> TenantInfo:
    """A project, workspace and admin, put in the store directly (no CLI process to start)."""
    engine = create_async_engine(database_url)
    try:
        return await make_tenant(async_sessionmaker(engine, expire_on_commit=False))
    finally:
        await engine.dispose()


@contextmanager
def socdesk_serve(database_url: str, cwd: Path, settings: dict[str, int]) -> Iterator[Served]:
    """`socdesk serve` on a fresh tenant with `settings` (as SOCDESK_* values)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    env |= {
        "SOCDESK_DATABASE_URL": database_url,
        "SOCDESK_SECRET_KEY": TEST_SECRET,
        "SOCDESK_ENVIRONMENT": "test",
        "SOCDESK_LOG_LEVEL": "CRITICAL",
        "SOCDESK_DB_POOL_SIZE": "2",
    }
    env |= {f"SOCDESK_{k.upper()}": str(v) for k, v in settings.items()}
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "socdesk", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        tenant = asyncio.run(_tenant(database_url))  # while the server starts
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("socdesk serve did not start")
            time.sleep(0.1)
        login = httpx.post(
            f"{url}/v3/auth/tokens", json=password_body(tenant.admin_email, tenant.project_name)
        )
        assert login.status_code == 201, login.text
        yield Served(
            url,
            process.pid,
            login.headers["X-Subject-Token"],
            tenant.project_hex,
            str(tenant.workspace_id),
            str(tenant.admin_id),
            settings,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def memory_kib(pid: int, field: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak(pid: int) -> None:
    """Make VmHWM start again from the current VmRSS (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
