"""What a transaction did to data objects, told to whoever listens inside that transaction.

Every change path (incidents and data objects of any class: either dialect, import,
batch-create, batch-order, bulk edits and deletes) publishes one `ObjectsChanged` per class and
kind of change it writes. The automation listens (its playbook triggers): a run is enqueued in
the transaction of the change that caused it, so a change rolled back starts nothing.

Listeners belong to a session, not to the process: the API's sessionmaker installs them
(`listening`). Sessions made elsewhere — a workflow run's, the CLI's — have none, which
is how a change made by a workflow never fires playbooks again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

_LISTENERS = "socdesk.change_listeners"
_HELD = "socdesk.triggers_held"


class ChangeKind(StrEnum):
    """SecMaster's names for the events a playbook version listens to."""

    create = "dataobject_create"
    update = "dataobject_update"
    delete = "dataobject_delete"


@dataclass(frozen=True, slots=True)
class ObjectsChanged:
    """Objects of one class of one workspace, all changed the same way by one write.

    `scope` is the writer's WorkspaceScope (typed loosely: kit sits below workspaces).
    `documents` are the objects' data as the write left them, by id, where the change path has
    them at hand; a listener reads the others from the store. A delete is published before its
    rows are deleted (in the same transaction), so that a listener reads their last state."""

    scope: Any
    class_id: str
    kind: ChangeKind
    ids: Sequence[uuid.UUID]
    documents: Mapping[uuid.UUID, Mapping[str, Any]] = field(default_factory=dict)


Listener = Callable[[AsyncSession, ObjectsChanged], Awaitable[None]]


def listening(listeners: Sequence[Listener]) -> dict[str, Any]:
    """The `info` of sessions whose changes `listeners` hear (async_sessionmaker(info=...))."""
    return {_LISTENERS: tuple(listeners)}


def hold_triggers(session: AsyncSession) -> None:
    """The session's changes start no automation: the client said `trigger_flag: false`."""
    session.info[_HELD] = True


async def publish(session: AsyncSession, changed: ObjectsChanged) -> None:
    """Tell the session's listeners, in the session's transaction (nothing when no id
    changed, the session has no listener, or its triggers are held)."""
    if not changed.ids or session.info.get(_HELD):
        return
    for listener in session.info.get(_LISTENERS, ()):
        await listener(session, changed)
