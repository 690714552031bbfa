"""incident sources

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 08:40:17.288922
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sources_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_sources_project_id_name")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_project_id"), ["project_id"], unique=False)
    _seed_existing_projects()


# Frozen here: later changes to the defaults must not rewrite what this revision did.
DEFAULT_SOURCES = (
    "SOCdesk",
    "HSS",
    "WAF",
    "CFW",
    "Anti-DDoS",
    "EDR",
    "SIEM",
    "Email gateway",
    "Threat intelligence",
    "User report",
)


def _seed_existing_projects() -> None:
    """Projects made before sources existed get the same defaults as new ones."""
    connection = op.get_bind()
    projects = sa.table("projects", sa.column("id", sa.Uuid()))
    sources = sa.table(
        "sources",
        sa.column("id", sa.Uuid()),
        sa.column("project_id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "project_id": project_id,
            "name": name,
            "created_at": now,
            "updated_at": now,
        }
        for (project_id,) in connection.execute(sa.select(projects.c.id))
        for name in DEFAULT_SOURCES
    ]
    if rows:
        connection.execute(sources.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_project_id"))

    op.drop_table("sources")
