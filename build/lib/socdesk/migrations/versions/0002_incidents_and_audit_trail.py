"""incidents and audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 06:50:04.414513
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_events",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
    )
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_events_incident", ["workspace_id", "incident_id", "at"], unique=False
        )

    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verification_state", sa.String(length=32), nullable=True),
        sa.Column("ipdrr_phase", sa.String(length=64), nullable=True),
        sa.Column("close_reason", sa.String(length=32), nullable=True),
        sa.Column("close_comment", sa.String(length=1024), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("criticality", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("incident_category", sa.String(length=128), nullable=False),
        sa.Column("incident_type_name", sa.String(length=128), nullable=False),
        sa.Column("source_type", sa.Integer(), nullable=False),
        sa.Column("product_name", sa.String(length=128), nullable=False),
        sa.Column("product_feature", sa.String(length=128), nullable=False),
        sa.Column("owner", sa.String(length=254), nullable=True),
        sa.Column("creator", sa.String(length=254), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=True),
        sa.Column("labels", sa.String(length=1024), nullable=True),
        sa.Column("first_observed_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_observed_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrive_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("close_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_incidents_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "id", name=op.f("pk_incidents")),
        sa.UniqueConstraint(
            "workspace_id", "number", name=op.f("uq_incidents_workspace_id_number")
        ),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incidents_workspace_created", ["workspace_id", "create_time", "id"], unique=False
        )
        batch_op.create_index(
            "ix_incidents_workspace_first_observed",
            ["workspace_id", "first_observed_time"],
            unique=False,
        )
        batch_op.create_index(
            "ix_incidents_workspace_severity", ["workspace_id", "severity"], unique=False
        )
        batch_op.create_index(
            "ix_incidents_workspace_status", ["workspace_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_incidents_workspace_updated", ["workspace_id", "update_time"], unique=False
        )

    op.create_table(
        "workspace_counters",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("last_incident_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_counters_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_counters")),
    )


def downgrade() -> None:
    op.drop_table("workspace_counters")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_workspace_updated")
        batch_op.drop_index("ix_incidents_workspace_status")
        batch_op.drop_index("ix_incidents_workspace_severity")
        batch_op.drop_index("ix_incidents_workspace_first_observed")
        batch_op.drop_index("ix_incidents_workspace_created")

    op.drop_table("incidents")
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_events_incident")

    op.drop_table("incident_events")
