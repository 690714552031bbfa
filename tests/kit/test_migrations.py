"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from socdesk.kit.db import sync_url
from socdesk.kit.migrate import ours
from socdesk.models import Base


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"include_name": ours}),
                Base.metadata,
            )
    finally:
        engine.dispose()

    assert differences == []
