"""playbook instances: one row per firing of a playbook version

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 17:00:00.000000

An instance's runs carry its id (workflow_runs.playbook_instance_id, indexed here); its status
and times are derived from them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_instances",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("playbook_id", sa.Uuid(), nullable=False),
        sa.Column("playbook_name", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("dataclass_id", sa.Uuid(), nullable=True),
        sa.Column("dataclass_name", sa.String(length=64), nullable=False),
        sa.Column("dataobject_id", sa.Uuid(), nullable=True),
        sa.Column("trigger_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_playbook_instances_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_instances")),
        sa.UniqueConstraint(
            "workspace_id", "id", name=op.f("uq_playbook_instances_workspace_id_id")
        ),
    )
    with op.batch_alter_table("playbook_instances") as batch_op:
        batch_op.create_index(
            "ix_playbook_instances_workspace_created",
            ["workspace_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_playbook_instances_playbook", ["workspace_id", "playbook_id"], unique=False
        )
    with op.batch_alter_table("workflow_runs") as batch_op:
        batch_op.create_index(
            "ix_workflow_runs_playbook_instance", ["playbook_instance_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("workflow_runs") as batch_op:
        batch_op.drop_index("ix_workflow_runs_playbook_instance")
    with op.batch_alter_table("playbook_instances") as batch_op:
        batch_op.drop_index("ix_playbook_instances_playbook")
        batch_op.drop_index("ix_playbook_instances_workspace_created")
    op.drop_table("playbook_instances")
