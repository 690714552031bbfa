"""links between data objects, and notes on them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:50:00.000000

One link table for links between any two objects of any classes, incidents included, each pair
stored once (smaller id first) and indexed from both ends; and the notes on objects other than
incidents (an incident's notes are its comments, incident_comments).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_object_links",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("first_id", sa.Uuid(), nullable=False),
        sa.Column("second_id", sa.Uuid(), nullable=False),
        sa.Column("first_class_id", sa.Uuid(), nullable=False),
        sa.Column("second_class_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_data_object_links_ends_in_order")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_data_object_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "first_id", "second_id", name=op.f("pk_data_object_links")
        ),
    )
    op.create_index(
        "ix_data_object_links_second",
        "data_object_links",
        ["workspace_id", "second_id", "first_class_id"],
    )
    op.create_table(
        "data_object_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("note_type", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=64), nullable=True),
        sa.Column("created_date", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["data_objects.id"],
            name=op.f("fk_data_object_notes_object_id_data_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_object_notes")),
    )
    op.create_index(
        "ix_data_object_notes_object",
        "data_object_notes",
        ["object_id", "created_date"],
    )


def downgrade() -> None:
    op.drop_table("data_object_notes")
    op.drop_table("data_object_links")
