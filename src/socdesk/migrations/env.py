"""Alembic environment: runs on the blocking driver of whichever store the URL names."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from socdesk.kit.db import install_sqlite_pragmas, sync_url
from socdesk.kit.migrate import ours
from socdesk.models import Base

config = context.config
url = sync_url(config.get_main_option("sqlalchemy.url") or "")


def run_migrations() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        install_sqlite_pragmas(engine)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=is_sqlite,
            compare_type=True,
            include_name=ours,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
