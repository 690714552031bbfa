"""workspaces.config_revision, bumped by the database on every write of a workspace's
configuration that the request path reads

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:00:00.000000

Each process keeps what a workspace's configuration answers (its classes' fields, its enabled
playbook triggers) for as long as `config_revision` is the one the request read with its
credentials (workspaces/config_memo.py). Triggers, not the code, bump it: no write path
(API, import, CLI, a bulk or cascaded delete) can forget to.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows make up what workspaces/config_memo.py keeps.
CONFIG_TABLES = (
    "custom_dataclasses",
    "dataclass_fields",
    "playbooks",
    "playbook_versions",
    "playbook_actions",
)

_BUMP = "UPDATE workspaces SET config_revision = config_revision + 1 WHERE id = {row}.workspace_id"

_POSTGRES_FUNCTION = f"""
CREATE FUNCTION bump_workspace_config_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {_BUMP.format(row="OLD")};
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.workspace_id <> OLD.workspace_id) THEN
        {_BUMP.format(row="NEW")};
    END IF;
    RETURN NULL;
END
$$
"""


def _sqlite_triggers(table: str) -> list[str]:
    # SQLite has no function triggers: one trigger per event, each naming its row.
    return [
        f"CREATE TRIGGER {table}_config_{event.lower()} AFTER {event} ON {table}"
        f" BEGIN {_BUMP.format(row=row)}; END"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ] + [
        # A row moved to another workspace (no path does it, but nothing refuses it) changes
        # its old workspace too.
        f"CREATE TRIGGER {table}_config_moved AFTER UPDATE OF workspace_id ON {table}"
        f" BEGIN {_BUMP.format(row='OLD')}; END"
    ]


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch_op:
        batch_op.add_column(
            sa.Column("config_revision", sa.BigInteger(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        for table in CONFIG_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_config AFTER INSERT OR UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION bump_workspace_config_revision()"
            )
        return
    for table in CONFIG_TABLES:
        for statement in _sqlite_triggers(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in CONFIG_TABLES:
            op.execute(f"DROP TRIGGER {table}_config ON {table}")
        op.execute("DROP FUNCTION bump_workspace_config_revision()")
    else:
        for table in CONFIG_TABLES:
            for event in ("insert", "update", "delete", "moved"):
                op.execute(f"DROP TRIGGER {table}_config_{event}")
    with op.batch_alter_table("workspaces") as batch_op:
        batch_op.drop_column("config_revision")
