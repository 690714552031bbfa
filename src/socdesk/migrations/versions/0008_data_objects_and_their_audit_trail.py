"""data objects and their audit trail

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:41:08.720081

One store for the objects of every class but Incident (alerts, indicators, vulnerabilities, a
workspace's own classes): the object as a JSON document beside the typed columns its class
promotes fields onto, indexed for the filtered pages of millions of alerts; and their events.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_objects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("data_object", sa.JSON(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creator", sa.String(length=254), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("severity", sa.SmallInteger(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_data_objects_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_objects")),
    )
    op.create_index(
        "ix_data_objects_class_created",
        "data_objects",
        ["workspace_id", "class_id", "create_time", "id"],
    )
    op.create_index(
        "ix_data_objects_class_severity_status",
        "data_objects",
        ["workspace_id", "class_id", "severity", "status", "create_time", "id"],
    )
    op.create_index(
        "ix_data_objects_class_status",
        "data_objects",
        ["workspace_id", "class_id", "status", "create_time"],
    )
    op.create_index("ix_data_objects_incident", "data_objects", ["workspace_id", "incident_id"])
    op.create_table(
        "data_object_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("batch_name", sa.String(length=255), nullable=True),
        sa.Column("batch_type", sa.String(length=255), nullable=True),
        sa.Column("trigger_flag", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_object_events")),
    )
    op.create_index(
        "ix_data_object_events_object",
        "data_object_events",
        ["workspace_id", "object_id", "at"],
    )


def downgrade() -> None:
    op.drop_table("data_object_events")
    op.drop_table("data_objects")
