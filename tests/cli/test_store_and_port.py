"""What a new user meets first: a command run where there is no store, and a port in use.

Only `socdesk db upgrade` and `socdesk demo` create a store; every other command refuses (exit 1)
and says which store it looked for. A busy port is refused before anything is printed.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.cli.test_cli import socdesk
from tests.databases import postgres_admin_url, postgres_answers

NO_STORE_COMMANDS = (
    "token --email a@b.example --password long-enough --project p",
    "admin bootstrap --project p --workspace w --email a@b.example --password long-enough",
    "admin create-user --project p --email a@b.example --password long-enough",
    "admin add-member --project p --workspace w --email a@b.example --role viewer",
    "admin create-api-key --email a@b.example --project p",
    "admin create-access-key --email a@b.example --project p",
    "serve --port 1",
)


@pytest.mark.parametrize("command", NO_STORE_COMMANDS, ids=lambda c: " ".join(c.split()[:2]))
def test_a_command_run_where_there_is_no_store_creates_none(tmp_path: Path, command: str) -> None:
    done = socdesk(command, cwd=tmp_path)

    assert (done.returncode, done.stdout) == (1, "")
    assert f"no store at {tmp_path / 'socdesk.db'}" in done.stderr
    assert "socdesk db upgrade" in done.stderr
    assert "socdesk demo" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_relative_store_url_is_resolved_in_the_message(tmp_path: Path) -> None:
    done = socdesk(
        "token --email a@b.example --password long-enough --project p",
        database_url="sqlite:///data/desk.db",
        cwd=tmp_path,
    )

    assert done.returncode == 1
    assert f"no store at {tmp_path / 'data' / 'desk.db'}" in done.stderr
    assert "SOCDESK_DATABASE_URL=sqlite:///data/desk.db" in done.stderr
    assert not (tmp_path / "data").exists()


def test_an_empty_sqlite_file_is_named_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "socdesk.db").touch()  # what earlier releases left behind

    done = socdesk("token --email a@b.example --password long-enough --project p", cwd=tmp_path)

    assert done.returncode == 1
    assert f"the store {tmp_path / 'socdesk.db'} is empty (no schema)" in done.stderr
    assert "socdesk db upgrade" in done.stderr


def test_a_missing_postgresql_database_is_named_with_its_password_masked() -> None:
    if not postgres_answers():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"socdesk_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_admin_url()).set(
        drivername="postgresql+psycopg", password="hunter2-secret", database=name
    )

    done = socdesk(
        "token --email a@b.example --password long-enough --project p",
        database_url=url.render_as_string(hide_password=False),
    )

    assert (done.returncode, done.stdout) == (1, "")
    assert "hunter2-secret" not in done.stderr
    assert f":***@{url.host}" in done.stderr
    assert name in done.stderr
    assert "socdesk db upgrade" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port: int = other.getsockname()[1]
        yield port


def test_demo_on_a_busy_port_prints_nothing_and_names_the_port(
    tmp_path: Path, busy_port: int
) -> None:
    done = socdesk(f"demo --port {busy_port}", cwd=tmp_path)

    assert (done.returncode, done.stdout) == (1, "")
    assert f"127.0.0.1:{busy_port} is already in use" in done.stderr
    assert "--port" in done.stderr
    assert "Errno" not in done.stderr
    assert "token" not in done.stderr


def test_serve_on_a_busy_port_names_the_port(tmp_path: Path, busy_port: int) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert socdesk("db upgrade", database_url=url).returncode == 0

    done = socdesk(f"serve --port {busy_port}", database_url=url)

    assert done.returncode == 1
    assert f"127.0.0.1:{busy_port} is already in use" in done.stderr
    assert "--port" in done.stderr


def test_db_upgrade_names_a_store_it_cannot_create(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-directory' / 'desk.db'}"

    done = socdesk("db upgrade", database_url=url)

    assert done.returncode == 1
    assert f"cannot open the store {tmp_path / 'no-such-directory' / 'desk.db'}" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_upgrade_masks_the_password_of_a_missing_database() -> None:
    if not postgres_answers():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"socdesk_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_admin_url()).set(
        drivername="postgresql+psycopg", password="hunter2-secret", database=name
    )

    done = socdesk("db upgrade", database_url=url.render_as_string(hide_password=False))

    assert done.returncode == 1
    assert "hunter2-secret" not in done.stderr
    assert name in done.stderr
    assert "Traceback" not in done.stderr
