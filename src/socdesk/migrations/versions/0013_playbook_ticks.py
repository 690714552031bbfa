"""playbook ticks: the cron ticks of TIMER playbook versions that have fired

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:40:00.000000

One row per fired tick; its primary key makes a tick fire once however many runners see it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_ticks",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("tick_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "version_id"],
            ["playbook_versions.workspace_id", "playbook_versions.id"],
            name=op.f("fk_playbook_ticks_workspace_id_playbook_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "tick_at", name=op.f("pk_playbook_ticks")),
    )


def downgrade() -> None:
    op.drop_table("playbook_ticks")
