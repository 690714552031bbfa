"""spent signatures: refuse the replay of a signed write

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spent_signatures",
        sa.Column("signature_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature_hash", name=op.f("pk_spent_signatures")),
    )
    with op.batch_alter_table("spent_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_signatures_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("spent_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_signatures_expires_at"))
    op.drop_table("spent_signatures")
