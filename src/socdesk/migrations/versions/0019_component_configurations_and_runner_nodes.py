"""component configurations (a workspace's versioned settings of a component, watched by the
config_revision triggers of 0018) and runner nodes (the processes that run workflows)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:30:00.000000

Runs read a workspace's applied component configuration through workspaces/config_memo.py, so
a write of `component_configurations` must bump `workspaces.config_revision` as the other
configuration tables' writes do: the same trigger function on PostgreSQL, the same per-event
triggers on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "component_configurations"
_BUMP = "UPDATE workspaces SET config_revision = config_revision + 1 WHERE id = {row}.workspace_id"


def _sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER {TABLE}_config_{event.lower()} AFTER {event} ON {TABLE}"
        f" BEGIN {_BUMP.format(row=row)}; END"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ] + [
        f"CREATE TRIGGER {TABLE}_config_moved AFTER UPDATE OF workspace_id ON {TABLE}"
        f" BEGIN {_BUMP.format(row='OLD')}; END"
    ]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("component_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_component_configurations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_configurations")),
        sa.UniqueConstraint(
            "workspace_id",
            "component_id",
            "version",
            name=op.f("uq_component_configurations_workspace_id_component_id_version"),
        ),
    )
    op.create_table(
        "runner_nodes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runner_nodes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_config AFTER INSERT OR UPDATE OR DELETE ON {TABLE}"
            " FOR EACH ROW EXECUTE FUNCTION bump_workspace_config_revision()"
        )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    # Dropping the table drops its triggers on both stores.
    op.drop_table("runner_nodes")
    op.drop_table(TABLE)
