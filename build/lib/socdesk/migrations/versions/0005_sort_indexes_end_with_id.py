"""sort indexes end with the incident id

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# index name → the sort column it serves; each gains `id` so a keyset cursor is one range scan.
SORT_INDEXES = {
    "ix_incidents_workspace_updated": "update_time",
    "ix_incidents_workspace_severity": "severity",
    "ix_incidents_workspace_first_observed": "first_observed_time",
}


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, column in SORT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ["workspace_id", column, "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, column in SORT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ["workspace_id", column], unique=False)
