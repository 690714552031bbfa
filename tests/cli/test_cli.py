"""The `socdesk` command line: its output and exit codes are a contract scripts rely on."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from socdesk.kit.migrate import current_revision, head_revision
from tests.conftest import LIVE_TIMEOUT, TEST_SECRET


def socdesk(
    command: str, database_url: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `socdesk COMMAND` (split like a shell line) as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    env["SOCDESK_SECRET_KEY"] = TEST_SECRET
    if database_url:
        env["SOCDESK_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "socdesk", *shlex.split(command)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def bootstrap(database_url: str) -> dict[str, str]:
    done = socdesk(
        "admin bootstrap --project acme --workspace soc"
        " --email root@acme.example --password s3cret-pass",
        database_url=database_url,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, str] = json.loads(done.stdout)
    return result


async def test_bootstrap_is_idempotent_and_prints_the_ids(
    database_url: str, client: httpx.AsyncClient
) -> None:
    first = bootstrap(database_url)
    second = bootstrap(database_url)
    token = socdesk(
        "token --email root@acme.example --password s3cret-pass --project acme",
        database_url=database_url,
    )

    listed = await client.get(
        f"/v1/{first['project_id']}/workspaces", headers={"X-Auth-Token": token.stdout.strip()}
    )

    assert first == second
    assert set(first) == {"project_id", "workspace_id", "user_id"}
    assert re.fullmatch(r"[0-9a-f]{32}", first["project_id"])
    assert token.returncode == 0
    assert [w["id"] for w in listed.json()["workspaces"]] == [first["workspace_id"]]


async def test_users_members_and_keys(database_url: str, client: httpx.AsyncClient) -> None:
    ids = bootstrap(database_url)
    user = socdesk(
        "admin create-user --project acme --email ann@acme.example"
        " --password another-pass --first-name Ann",
        database_url=database_url,
    )
    member = socdesk(
        "admin add-member --project acme --workspace soc --email ann@acme.example --role viewer",
        database_url=database_url,
    )
    api_key = socdesk(
        "admin create-api-key --email ann@acme.example --project acme",
        database_url=database_url,
    )
    access_key = socdesk(
        "admin create-access-key --email ann@acme.example --project acme",
        database_url=database_url,
    )

    key = json.loads(api_key.stdout)["key"]
    seen = await client.get(
        f"/v1/{ids['project_id']}/workspaces/{ids['workspace_id']}", headers={"X-Auth-Token": key}
    )
    written = await client.put(
        f"/v1/{ids['project_id']}/workspaces/{ids['workspace_id']}",
        headers={"X-Auth-Token": key},
        json={"name": "mine"},
    )

    assert set(json.loads(user.stdout)) == {"user_id"}
    assert json.loads(member.stdout)["role"] == "viewer"
    assert seen.status_code == 200
    assert written.status_code == 403
    pair = json.loads(access_key.stdout)
    assert len(pair["access_key"]) == 20
    assert len(pair["secret_key"]) == 40


def test_refused_actions_exit_1_and_usage_errors_exit_2(database_url: str) -> None:
    bootstrap(database_url)
    duplicate = socdesk(
        "admin create-user --project acme --email root@acme.example --password whatever-pass",
        database_url=database_url,
    )
    bad_login = socdesk(
        "token --email root@acme.example --password wrong --project acme",
        database_url=database_url,
    )
    unknown_project = socdesk(
        "admin create-api-key --email root@acme.example --project nope",
        database_url=database_url,
    )
    bad_role = socdesk(
        "admin add-member --project acme --workspace soc --email root@acme.example --role boss",
        database_url=database_url,
    )

    assert (duplicate.returncode, duplicate.stdout) == (1, "")
    assert "already exists" in duplicate.stderr
    assert (bad_login.returncode, bad_login.stdout) == (1, "")
    assert unknown_project.returncode == 1
    assert "no project named 'nope'" in unknown_project.stderr
    assert bad_role.returncode == 2


def test_an_unmigrated_store_is_refused_until_db_upgrade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"

    refused = socdesk("serve --port 1", database_url=url)
    admin = socdesk(
        "admin create-user --project p --email a@b.example --password long-enough", database_url=url
    )
    upgraded = socdesk("db upgrade", database_url=url)

    assert refused.returncode == 1
    assert "socdesk db upgrade" in refused.stderr
    assert admin.returncode == 1
    assert upgraded.returncode == 0
    assert current_revision(url) == head_revision()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_demo_serves_the_embedded_store_with_a_ready_login(tmp_path: Path) -> None:
    """README command 1, after installation: `socdesk demo` in an empty directory."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "socdesk", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = "".join(process.stdout.readline() for _ in range(5))
        curl = re.search(r"curl -H 'X-Auth-Token: (\S+)' (\S+)", printed)
        assert curl, printed
        token, url = curl.groups()
        response = None
        # Migrating and seeding the demo store takes seconds; far longer on a loaded machine.
        deadline = time.monotonic() + 90
        while response is None and time.monotonic() < deadline:
            try:
                response = httpx.get(url, headers={"X-Auth-Token": token}, timeout=LIVE_TIMEOUT)
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert response is not None
    assert response.status_code == 200
    assert [w["name"] for w in response.json()["workspaces"]] == ["default"]
    assert (tmp_path / "socdesk.db").exists()
    assert "demo@socdesk.local / socdesk-demo" in printed
