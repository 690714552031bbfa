"""What a workspace's configuration answers, kept by each process while it holds.

Every write of a data object asks what its workspace's classes are (their added fields) and
which playbooks its change fires: two reads of rows that change a few times a day, against
thousands of object writes a second. The database bumps `workspaces.config_revision` on every
write of those rows (triggers of migrations 0018 and 0019, so no path can forget), and the
request reads the revision with its credentials (iam/repository.py `token_with_access`, in the same
statement). An answer kept under the revision the request read is therefore at least as new as
the request's own view of the workspace; any write to the configuration makes the next request
read the rows again, in every process.

A session that has itself written configuration rows (its revision, read before, is then stale
for it) reads them every time: `recall` never answers it from memory.
"""

from __future__ import annotations

import uuid
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from socdesk.models import Workspace

# The tables the migration's triggers watch: what the answers kept here are made of.
CONFIG_TABLES = frozenset(
    {
        "custom_dataclasses",
        "dataclass_fields",
        "playbooks",
        "playbook_versions",
        "playbook_actions",
        "component_configurations",
    }
)
# How many workspaces a process keeps answers for (the least recently used go first).
MAX_WORKSPACES = 1024
_WROTE_CONFIG = "socdesk.wrote_workspace_config"

Answer = TypeVar("Answer")


@dataclass(slots=True)
class _Kept:
    revision: int
    answers: dict[Hashable, Any] = field(default_factory=dict)


class ConfigMemo:
    """The answers kept for one database's workspaces, each under the revision it was read at."""

    def __init__(self, max_workspaces: int = MAX_WORKSPACES) -> None:
        self.max_workspaces = max_workspaces
        self._kept: OrderedDict[uuid.UUID, _Kept] = OrderedDict()

    def get(self, workspace: Workspace, key: Hashable) -> tuple[bool, Any]:
        kept = self._kept.get(workspace.id)
        if kept is None or kept.revision != workspace.config_revision or key not in kept.answers:
            return False, None
        self._kept.move_to_end(workspace.id)
        return True, kept.answers[key]

    def put(self, workspace: Workspace, key: Hashable, answer: Any) -> None:
        kept = self._kept.get(workspace.id)
        if kept is None or kept.revision != workspace.config_revision:
            kept = self._kept[workspace.id] = _Kept(workspace.config_revision)
        kept.answers[key] = answer
        self._kept.move_to_end(workspace.id)
        while len(self._kept) > self.max_workspaces:
            self._kept.popitem(last=False)


# One memo per database (engine): tests and benches run several in one process.
_MEMOS: weakref.WeakKeyDictionary[Engine, ConfigMemo] = weakref.WeakKeyDictionary()


async def recall(
    session: AsyncSession,
    workspace: Workspace,
    key: Hashable,
    load: Callable[[], Awaitable[Answer]],
) -> Answer:
    """The answer to `key` about `workspace`'s configuration: kept, or `load`ed (in the
    session's transaction) and kept. `key` must be one of a bounded few per workspace, and
    the answer a value nobody changes."""
    if session.info.get(_WROTE_CONFIG) or workspace.config_revision is None:
        # (A Workspace made in Python, not read from its row, has no revision to go by.)
        return await load()
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    assert isinstance(engine, Engine)
    memo = _MEMOS.get(engine)
    if memo is None:
        memo = _MEMOS[engine] = ConfigMemo()
    found, answer = memo.get(workspace, key)
    if found:
        return answer  # type: ignore[no-any-return]
    loaded = await load()
    if not session.info.get(_WROTE_CONFIG):  # `load` may have flushed a write of its session
        memo.put(workspace, key, loaded)
    return loaded


def _is_config_row(instance: object) -> bool:
    table = getattr(instance, "__tablename__", None)
    return table in CONFIG_TABLES


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if any(map(_is_config_row, chain(session.new, session.dirty, session.deleted))):
        session.info[_WROTE_CONFIG] = True


@event.listens_for(Session, "do_orm_execute")
def _executing(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CONFIG_TABLES:
            state.session.info[_WROTE_CONFIG] = True
