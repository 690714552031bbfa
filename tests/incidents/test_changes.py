"""The change path driven directly against a real database: what it writes, what it audits, and
that the two agree (the audit's after-state is worked out in Python, the UPDATE in SQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.incidents import mapping
from socdesk.incidents.audit import audit_view, changes_between, creation_changes
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.relations import TagChange, TagOperation, objective_key, objective_list
from socdesk.incidents.rules import (
    StatusIntent,
    close_time_after,
    close_time_sql,
    status_after,
    status_sql,
)
from socdesk.incidents.writes import IncidentChange, NewIncident
from socdesk.kit.errors import NotFound, ValidationFailed
from socdesk.models import Incident, IncidentEvent, Risk, Status
from socdesk.workspaces.scope import WorkspaceScope
from tests.factories import TenantInfo, make_tenant
from tests.secmaster.incidents.factories import scope_of
from tests.secmaster.incidents.payloads import incident_object

EARLIER = "2026-11-01T00:00:00.000Z"
NOW = datetime(2026, 11, 24, 6, 33, tzinfo=UTC)
STATUSES = [StatusIntent(s.value) for s in Status]


def record(**fields: Any) -> dict[str, Any]:
    return mapping.sent_fields(IncidentObject.model_validate(incident_object(**fields)))


async def seed_every_status(session: AsyncSession, scope: WorkspaceScope) -> list[uuid.UUID]:
    """An incident in every status, with a close time given and without, tagged "old"."""
    return await IncidentChanges(session, scope).create(
        [
            NewIncident(record(title=f"{intent} {given}", **given), status=intent, tags=["old"])
            for intent in STATUSES
            for given in ({}, {"close_time": EARLIER})
        ]
    )


async def related(
    changes: IncidentChanges, ids: Sequence[uuid.UUID], keys: set[str]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The tags, threat objectives and risks (those of `keys`) of `ids`, as the audit lists them."""
    tags = await changes.relations.tags.of(ids)
    objectives = await changes.relations.objectives.of(ids)
    risks = await changes.relations.risks.ids_of(ids)
    every = {
        i: {
            "tags": sorted(t.content for t in tags.get(i, [])),
            "threat_objectives": objective_list(objective_key(o) for o in objectives.get(i, [])),
            "risk_associations": risks[i],
        }
        for i in ids
    }
    return {i: {k: v for k, v in every[i].items() if k in keys} for i in ids}


async def test_the_sql_rules_give_what_the_python_rules_give(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        await seed_every_status(session, await scope_of(session, tenant))
    async with sessions() as session:
        for intent in StatusIntent:
            rows = await session.execute(
                select(
                    Incident.status,
                    Incident.close_time,
                    status_sql(intent).label("after"),
                    close_time_sql(intent, NOW).label("closed_at"),
                )
            )
            for current, close_time, after, closed_at in rows:
                assert after == status_after(intent, Status(current)).value, (intent, current)
                expected = close_time_after(intent, Status(current), close_time, NOW)
                assert closed_at == expected, (intent, current, close_time)


CHANGES = {
    "record: severity, a document field, reopen": IncidentChange.of_record(
        record(severity="Low", remediation={"recommendation": "patch"}, handle_status="Open")
        | {"title": "Reopened"}
    ),
    "record: close with its own close time": IncidentChange.of_record(
        {"handle_status": "Closed", "close_time": "2026-11-23T00:00:00.000Z", "labels": None}
    ),
    "record: block": IncidentChange.of_record({"handle_status": "Block"}),
    "register: in progress, facts, source, tags, objectives": IncidentChange(
        columns={
            "severity_reasoning": "why",
            "responded_time": datetime(2026, 11, 22, tzinfo=UTC),
            "description": "",
        },
        status=StatusIntent.in_progress,
        source="EDR",
        tags=TagChange.of(TagOperation.add, ["new", "old"]),
        objectives={("Fraud", "High"), ("Sabotage", None)},
    ),
    "register: close, remove a tag, clear objectives": IncidentChange(
        status=StatusIntent.closed,
        tags=TagChange.of(TagOperation.remove, ["old"]),
        objectives=set(),
    ),
    "nothing but an edit": IncidentChange(),
}


@pytest.mark.parametrize("via", ["apply", "lock_and_apply"])
@pytest.mark.parametrize("change", list(CHANGES.values()), ids=list(CHANGES))
async def test_each_event_is_the_diff_the_database_holds(
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    change: IncidentChange,
    via: str,
) -> None:
    keys = {
        key
        for key, part in (
            ("tags", change.tags),
            ("threat_objectives", change.objectives),
            ("risk_associations", change.risks),
        )
        if part is not None
    }
    async with sessions.begin() as session:
        ids = await seed_every_status(session, await scope_of(session, tenant))
    async with sessions.begin() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        rows = await changes.lock(ids)
        before_related = await related(changes, ids, keys)
        before = {row.id: audit_view(row, before_related[row.id]) for row in rows}
        versions = {row.id: row.version for row in rows}
        if via == "apply":
            await changes.apply([row.id for row in rows], await changes.prepare(change))
        else:
            found = await changes.lock_and_apply(ids, await changes.prepare(change))
            assert found == sorted(ids)
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        stored = await changes.incidents.fresh(ids)
        after_related = await related(changes, ids, keys)
        events = {
            e.incident_id: e
            for e in await session.scalars(
                select(IncidentEvent).where(IncidentEvent.action == "update")
            )
        }
    for incident_id in ids:
        row = stored[incident_id]
        held = changes_between(before[incident_id], audit_view(row, after_related[incident_id]))
        assert events[incident_id].changes == held, row.title
        assert row.version == versions[incident_id] + 1
        assert row.update_time == events[incident_id].at


async def test_a_create_lists_every_fact_it_wrote(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    new = NewIncident(
        record(handle_status="Closed", owner="ann@example.com"),
        status=StatusIntent.closed,
        facts={"severity_reasoning": "why", "contained_time": datetime(2026, 11, 21, tzinfo=UTC)},
        tags=["b", "a", "b"],
        objectives={("Fraud", "Low")},
    )
    async with sessions.begin() as session:
        (incident_id,) = await IncidentChanges(session, await scope_of(session, tenant)).create(
            [new]
        )
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        row = (await changes.incidents.fresh([incident_id]))[incident_id]
        links = await related(changes, [incident_id], {"tags", "threat_objectives"})
        created = await session.scalar(select(IncidentEvent))
    assert created is not None
    assert created.changes == creation_changes(audit_view(row, links[incident_id]))
    assert created.changes["tags"] == {"before": None, "after": ["a", "b"]}
    assert created.changes["contained_date"]["after"] == "2026-11-21T00:00:00.000Z"
    assert created.changes["close_time"]["after"] == created.changes["create_time"]["after"]
    assert "arrive_time" not in created.changes
    assert row.status == Status.closed


async def test_a_change_of_many_is_one_update_per_chunk(
    app: FastAPI, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        ids = await seed_every_status(session, await scope_of(session, tenant))
    statements: list[str] = []

    def record_update(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE INCIDENTS"):
            statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record_update)
    try:
        async with sessions.begin() as session:
            changes = IncidentChanges(session, await scope_of(session, tenant))
            change = IncidentChange(
                status=StatusIntent.open, tags=TagChange.of(TagOperation.add, ["x"])
            )
            await changes.change(ids, change)
    finally:
        event.remove(engine, "before_cursor_execute", record_update)
    # SQLite takes its write lock with an UPDATE that writes nothing new; then the one change.
    assert len(statements) == (2 if engine.dialect.name == "sqlite" else 1)


async def test_references_are_checked_before_anything_is_written(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        ids = await seed_every_status(session, await scope_of(session, tenant))
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        with pytest.raises(ValidationFailed) as refused:
            await changes.change(ids, IncidentChange(source="nowhere", assignee=uuid.uuid4()))
    assert [d.field for d in refused.value.details] == ["source", "assigned_to"]


async def test_another_workspaces_incidents_cannot_be_changed_or_deleted(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    async with sessions.begin() as session:
        theirs = await seed_every_status(session, await scope_of(session, other))
    async with sessions.begin() as session:
        mine = IncidentChanges(session, await scope_of(session, tenant))
        with pytest.raises(NotFound):
            await mine.change(theirs, IncidentChange(status=StatusIntent.closed))
        assert await mine.delete(theirs) == []
    async with sessions() as session:
        actions = set((await session.scalars(select(IncidentEvent.action))).all())
    assert actions == {"create"}


async def test_risks_replace_the_set_and_a_delete_keeps_the_last_state(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        scope = await scope_of(session, tenant)
        ids = await seed_every_status(session, scope)
        risk = Risk(
            project_id=tenant.project_id, title="R", description="", creator_id=scope.user.id
        )
        session.add(risk)
    async with sessions.begin() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        await changes.change(ids[:2], IncidentChange(risks=[risk.id, risk.id]))
        deleted = await changes.delete([ids[0], uuid.uuid4()])
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        links = await changes.relations.risks.ids_of(ids[:2])
        events = (await session.scalars(select(IncidentEvent).order_by(IncidentEvent.at))).all()
    assert deleted == [ids[0]]
    assert links == {ids[0]: [], ids[1]: [str(risk.id)]}
    by_action = {(e.incident_id, e.action): e for e in events}
    assert by_action[ids[1], "update"].changes == {
        "risk_associations": {"before": [], "after": [str(risk.id)]}
    }
    snapshot = by_action[ids[0], "delete"].snapshot
    assert snapshot is not None
    assert (snapshot["id"], snapshot["version"]) == (str(ids[0]), "2")


@pytest.mark.parametrize(
    "change",
    [
        TagChange.of(TagOperation.add, ["new"]),
        TagChange.of(TagOperation.add, ["old"]),
        TagChange.of(TagOperation.remove, ["old"]),
        TagChange.of(TagOperation.remove, ["none"]),
        # Sorted by code point in the audit, as Python sorts: not by the database's collation.
        TagChange.of(TagOperation.add, ["b", "old", "A", "é", "Z-1", "z"]),
        TagChange.of(TagOperation.remove, ["old", "none", "old"]),
    ],
    ids=["add", "add had", "remove", "remove lacked", "add several", "remove several"],
)
async def test_a_tag_change_of_one_writes_what_the_change_path_writes(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo, change: TagChange
) -> None:
    async with sessions.begin() as session:
        first, second = (await seed_every_status(session, await scope_of(session, tenant)))[:2]
    async with sessions.begin() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        assert await changes.change_tags_of(first, change)
        await changes.apply(
            await changes.lock_ids([second]), await changes.prepare(IncidentChange(tags=change))
        )
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        stored = await changes.incidents.fresh([first, second])
        tags = await related(changes, [first, second], {"tags"})
        events = {
            e.incident_id: e
            for e in await session.scalars(
                select(IncidentEvent).where(IncidentEvent.action == "update")
            )
        }
    assert events[first].changes == events[second].changes
    assert tags[first] == tags[second]
    for incident_id in (first, second):
        assert stored[incident_id].version == 2
        assert stored[incident_id].update_time == events[incident_id].at
        assert stored[incident_id].updated_by_id == events[incident_id].actor_id


async def test_a_tag_change_waiting_on_anothers_lock_adds_what_is_still_missing(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo, database_url: str
) -> None:
    """PostgreSQL's one-statement tag change reads the tags before it waits for the row: the
    tag the other transaction added meanwhile is skipped, not a unique violation."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: no statement waits on a row lock")
    async with sessions.begin() as session:
        (first, *_) = await seed_every_status(session, await scope_of(session, tenant))

    async def add(session: AsyncSession, tags: list[str]) -> bool:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        return await changes.change_tags_of(first, TagChange.of(TagOperation.add, tags))

    async with sessions() as holder:
        async with holder.begin():
            assert await add(holder, ["x"])

            async def waiting() -> bool:
                async with sessions.begin() as session:
                    return await add(session, ["x", "y"])

            second = asyncio.create_task(waiting())
            await asyncio.sleep(0.3)
            assert not second.done()  # it waits on the row the holder locked
        assert await second
    async with sessions() as session:
        changes = IncidentChanges(session, await scope_of(session, tenant))
        tags = await related(changes, [first], {"tags"})
        stored = (await changes.incidents.fresh([first]))[first]
    assert tags[first]["tags"] == ["old", "x", "y"]
    assert stored.version == 3


async def test_a_tag_change_of_one_refuses_another_workspaces_incident(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    async with sessions.begin() as session:
        (theirs, *_) = await seed_every_status(session, await scope_of(session, other))
    async with sessions.begin() as session:
        mine = IncidentChanges(session, await scope_of(session, tenant))
        assert not await mine.change_tags_of(theirs, TagChange.of(TagOperation.add, ["x"]))
        severity = await mine.prepare(IncidentChange(columns={"severity": 1}))
        assert await mine.lock_and_apply([theirs], severity) == []
    async with sessions() as session:
        row = await session.get(Incident, theirs)
        actions = set((await session.scalars(select(IncidentEvent.action))).all())
    assert row is not None
    assert row.version == 1
    assert actions == {"create"}
