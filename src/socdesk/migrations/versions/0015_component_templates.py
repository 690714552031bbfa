"""component templates: a workspace's saved configurations of a component's actions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "component_templates",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("component_id", sa.Uuid(), nullable=False),
        sa.Column("template_name", sa.String(length=64), nullable=False),
        sa.Column("task_config", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_component_templates_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_templates")),
        sa.UniqueConstraint(
            "workspace_id",
            "component_id",
            "template_name",
            name=op.f("uq_component_templates_workspace_id_component_id_template_name"),
        ),
    )


def downgrade() -> None:
    op.drop_table("component_templates")
