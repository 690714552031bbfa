"""Schema migrations, driven from code so an installed package needs no alembic.ini."""

from __future__ import annotations

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from socdesk.kit.db import sync_url


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "socdesk:migrations")
    # Alembic's config is an ini file: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply every migration up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The revision the store is at; None for an empty store."""
    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def ours(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether autogenerate compares a database object: not procrastinate's own tables
    (created from its schema SQL by migration 0012, not described by our models)."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))
