"""debug task records: workflow_run_tasks.debug

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:00:00.000000

A debug run (ActionInstanceDebugCommand) runs a run's workflow in a savepoint that is rolled
back; what each task did is kept as task records marked `debug`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workflow_run_tasks") as batch_op:
        batch_op.add_column(
            sa.Column("debug", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("workflow_run_tasks") as batch_op:
        batch_op.drop_column("debug")
