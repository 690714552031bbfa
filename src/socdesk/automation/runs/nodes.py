"""Runner nodes (SecMaster's ISAP running nodes): each process that runs workflows — a
`socdesk worker`, or the runner inside a server — has a row it refreshes every
`HEARTBEAT_SECONDS` with one UPSERT, off the runs' path (a task of its own, its own session).
A node not seen for `STALE_SECONDS` is not listed (it died or stopped without saying); one that
stops says so by deleting its row, and each beat deletes rows not seen for a day, so the table
holds the live nodes and a day's dead ones at most.

The nodes serve every workspace of the deployment (a run's workspace is whichever its job
names), so every workspace lists the same nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.repository import contains
from socdesk.kit.clock import utcnow
from socdesk.kit.upsert import insert_for
from socdesk.models import RunnerNode

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
# Four beats missed: a loaded machine's late beat does not drop a node from the list.
STALE_SECONDS = 60.0
FORGOTTEN_AFTER = timedelta(days=1)


class NodeKind(StrEnum):
    worker = "worker"
    in_process = "in-process"


@dataclass(frozen=True, slots=True)
class Node:
    id: uuid.UUID
    kind: NodeKind
    host: str
    pid: int
    started_at: datetime

    @classmethod
    def this_process(cls, kind: NodeKind) -> Node:
        return cls(uuid.uuid4(), kind, socket.gethostname()[:255], os.getpid(), utcnow())


async def beat(sessions: async_sessionmaker[AsyncSession], node: Node) -> None:
    """`node` seen now (its row made on the first beat); rows a day old go."""
    now = utcnow()
    async with sessions() as session, session.begin():
        statement = insert_for(session, RunnerNode).values(
            id=node.id,
            kind=node.kind.value,
            host=node.host,
            pid=node.pid,
            started_at=node.started_at,
            last_seen_at=now,
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[RunnerNode.id], set_={"last_seen_at": now}
            )
        )
        await session.execute(
            delete(RunnerNode).where(RunnerNode.last_seen_at < now - FORGOTTEN_AFTER)
        )


async def forget(sessions: async_sessionmaker[AsyncSession], node: Node) -> None:
    async with sessions() as session, session.begin():
        await session.execute(delete(RunnerNode).where(RunnerNode.id == node.id))


@contextlib.asynccontextmanager
async def heartbeat(
    sessions: async_sessionmaker[AsyncSession],
    kind: NodeKind,
    every: float = HEARTBEAT_SECONDS,
) -> AsyncIterator[Node]:
    """This process as a running node while the block runs: seen at once, then every
    `every` seconds; its row deleted when the block ends."""
    node = Node.this_process(kind)
    stop = asyncio.Event()

    async def beat_once() -> None:
        try:
            await beat(sessions, node)
        except Exception:  # noqa: BLE001 - the next beat tries again (logged)
            log.exception("runner node %s: heartbeat failed", node.id)

    async def beating() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if not stop.is_set():
                await beat_once()

    # Listed from the start: the first beat before the block runs.
    await beat_once()

    task = asyncio.create_task(beating())
    try:
        yield node
    finally:
        stop.set()
        await task
        try:
            await forget(sessions, node)
        except Exception:  # noqa: BLE001 - it drops from the list once stale anyway
            log.exception("runner node %s: could not delete its row", node.id)


class NodeSort(StrEnum):
    create_time = "create_time"
    heart_beat_time = "heart_beat_time"
    node_name = "node_name"


_SORT_COLUMNS = {
    NodeSort.create_time: RunnerNode.started_at,
    NodeSort.heart_beat_time: RunnerNode.last_seen_at,
    NodeSort.node_name: RunnerNode.host,
}


@dataclass(frozen=True, slots=True)
class NodeQuery:
    node_id: uuid.UUID | None = None
    name_part: str | None = None
    sort: NodeSort = NodeSort.create_time
    descending: bool = False
    offset: int = 0
    limit: int = 10


async def live_nodes(
    session: AsyncSession, query: NodeQuery, now: datetime | None = None
) -> tuple[Sequence[RunnerNode], int]:
    """A page of the nodes seen within STALE_SECONDS, and how many there are."""
    since = (now or utcnow()) - timedelta(seconds=STALE_SECONDS)
    criteria = [RunnerNode.last_seen_at >= since]
    if query.node_id is not None:
        criteria.append(RunnerNode.id == query.node_id)
    if query.name_part:
        criteria.append(contains(RunnerNode.host, query.name_part))
    total = await session.scalar(select(func.count()).select_from(RunnerNode).where(*criteria))
    column = _SORT_COLUMNS[query.sort]
    rows = await session.scalars(
        select(RunnerNode)
        .where(*criteria)
        .order_by(column.desc() if query.descending else column.asc(), RunnerNode.id)
        .offset(query.offset)
        .limit(query.limit)
    )
    return rows.all(), total or 0
