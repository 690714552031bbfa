"""data classes: custom classes, added fields, types

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:15:44.885458

A workspace's own data classes, the fields it added to any class (built-in classes are no
rows, so a field names its class by id without a foreign key), and the types (categories and
sub-categories) of each class.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_dataclasses",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("business_code", sa.String(length=64), nullable=False),
        sa.Column("route_name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("creator_id", sa.Uuid(), nullable=True),
        sa.Column("creator_name", sa.String(length=254), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_custom_dataclasses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_dataclasses")),
        sa.UniqueConstraint(
            "workspace_id",
            "business_code",
            name=op.f("uq_custom_dataclasses_workspace_id_business_code"),
        ),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_custom_dataclasses_workspace_id_name")
        ),
        sa.UniqueConstraint(
            "workspace_id", "route_name", name=op.f("uq_custom_dataclasses_workspace_id_route_name")
        ),
    )
    op.create_table(
        "dataclass_fields",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("dataclass_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("field_key", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("field_type", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("enum_values", sa.JSON(), nullable=False),
        sa.Column("creator_id", sa.Uuid(), nullable=True),
        sa.Column("creator_name", sa.String(length=254), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_dataclass_fields_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataclass_fields")),
        sa.UniqueConstraint(
            "workspace_id",
            "dataclass_id",
            "field_key",
            name=op.f("uq_dataclass_fields_workspace_id_dataclass_id_field_key"),
        ),
    )
    op.create_table(
        "dataclass_types",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("dataclass_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=128), nullable=False),
        sa.Column("category_code", sa.String(length=128), nullable=False),
        sa.Column("sub_category", sa.String(length=128), nullable=False),
        sa.Column("sub_category_code", sa.String(length=128), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sla", sa.Integer(), nullable=True),
        sa.Column("creator_id", sa.Uuid(), nullable=True),
        sa.Column("creator_name", sa.String(length=254), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_dataclass_types_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataclass_types")),
        sa.UniqueConstraint(
            "workspace_id",
            "dataclass_id",
            "category_code",
            "sub_category_code",
            name="uq_dataclass_types_codes",
        ),
    )


def downgrade() -> None:
    op.drop_table("dataclass_types")
    op.drop_table("dataclass_fields")
    op.drop_table("custom_dataclasses")
