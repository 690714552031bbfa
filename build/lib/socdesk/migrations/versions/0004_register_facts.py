"""register facts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 12:40:34.466696
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risks",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=2048), nullable=False),
        sa.Column("creator_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_risks_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
        sa.UniqueConstraint("project_id", "title", name=op.f("uq_risks_project_id_title")),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risks_project_id"), ["project_id"], unique=False)

    op.create_table(
        "incident_comments",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "incident_id"],
            ["incidents.workspace_id", "incidents.id"],
            name=op.f("fk_incident_comments_workspace_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_comments")),
    )
    with op.batch_alter_table("incident_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_comments_incident",
            ["workspace_id", "incident_id", "created_date"],
            unique=False,
        )

    op.create_table(
        "incident_risks",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("risk_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risks.id"],
            name=op.f("fk_incident_risks_risk_id_risks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "incident_id"],
            ["incidents.workspace_id", "incidents.id"],
            name=op.f("fk_incident_risks_workspace_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "incident_id", "risk_id", name=op.f("pk_incident_risks")
        ),
    )
    with op.batch_alter_table("incident_risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_risks_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "incident_tags",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.String(length=128), nullable=False),
        sa.Column("creator_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "incident_id"],
            ["incidents.workspace_id", "incidents.id"],
            name=op.f("fk_incident_tags_workspace_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_tags")),
        sa.UniqueConstraint(
            "workspace_id",
            "incident_id",
            "content",
            name=op.f("uq_incident_tags_workspace_id_incident_id_content"),
        ),
    )
    with op.batch_alter_table("incident_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_tags_workspace_content", ["workspace_id", "content"], unique=False
        )

    op.create_table(
        "incident_threat_objectives",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("threat_objective", sa.String(length=32), nullable=False),
        sa.Column("relevance", sa.String(length=16), nullable=True),
        sa.Column("created_date", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "incident_id"],
            ["incidents.workspace_id", "incidents.id"],
            name=op.f("fk_incident_threat_objectives_workspace_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id",
            "incident_id",
            "threat_objective",
            name=op.f("pk_incident_threat_objectives"),
        ),
    )
    op.create_table(
        "user_avatars",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_avatars_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_avatars")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity_reasoning", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("responded_time", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("contained_time", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("opened_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("updated_by_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("updated_by_id")
        batch_op.drop_column("opened_by_id")
        batch_op.drop_column("contained_time")
        batch_op.drop_column("responded_time")
        batch_op.drop_column("severity_reasoning")

    op.drop_table("user_avatars")
    op.drop_table("incident_threat_objectives")
    with op.batch_alter_table("incident_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_tags_workspace_content")

    op.drop_table("incident_tags")
    with op.batch_alter_table("incident_risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_risks_risk_id"))

    op.drop_table("incident_risks")
    with op.batch_alter_table("incident_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_comments_incident")

    op.drop_table("incident_comments")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risks_project_id"))

    op.drop_table("risks")
