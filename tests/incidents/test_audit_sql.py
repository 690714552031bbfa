"""The set-based audit (audit_sql.py, built by the database) against the Python audit (audit.py),
row by row, on generated changes and deletes, on both stores: the same fields, values, key order
(of the changes, of each {before, after}, of a snapshot) and time form, or the test fails."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.incidents import mapping
from socdesk.incidents.audit import state_changes, state_of
from socdesk.incidents.audit_sql import AuditSql
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.relations import TagChange, TagOperation
from socdesk.incidents.rules import StatusIntent
from socdesk.incidents.writes import UNSET, IncidentChange, NewIncident
from socdesk.kit.ids import hex_id
from socdesk.models import IncidentEvent
from tests.factories import TenantInfo
from tests.incidents.test_changes import record, related
from tests.secmaster.incidents.factories import scope_of

RUNS = 24
BASE = datetime(2026, 11, 3, 4, 5, 6, tzinfo=UTC)
# Sub-millisecond parts: the audit cuts them (999 µs must not round up to the next ms).
MOMENTS = [BASE + timedelta(microseconds=us, days=d) for us, d in ((0, 0), (999, 1), (123456, 2))]
TEXTS = ["Plain", "ünïcode ✓ 中文", 'a "quote" and \\ backslash', ""]
PEOPLE = [None, "ann@example.com", "bob@example.com"]
DOCUMENTS: dict[str, list[Any]] = {
    "remediation": [None, {"recommendation": "patch"}, {"recommendation": None, "url": "u"}],
    "network_list": [None, [], [{"src_ip": "203.0.113.9", "dest_port": "22"}]],
    "simulation": [None, True, False, "yes"],
    "sla": [None, 5, "5"],
    "region_id": [None, "eu-1", "ap-2"],
    "environment": [None, {"vendor_type": "HWC", "region_id": None}],
    "malware": [None, {"malware_family": "Emotet"}],
    # Mandatory on create (never None there); a change may also set a source on it (a path).
    "data_source": [
        {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        {"source_type": 1, "product_name": "EDR", "product_feature": "av", "company_name": "ACME"},
    ],
    "incident_type": [{"category": "Intrusion", "incident_type": "Brute force"}],
    # Free-form: its audit fields differ by row, so this change is audited in Python.
    "system_info": [None, {"host": "h1", "nested": {"a": 1}}],
}
TAGS = ["old", "new", "Zeta", "alpha", "ä"]
OBJECTIVES = [("Fraud", "High"), ("Sabotage", None), ("Extortion", "Low")]


def seeded_records(rng: random.Random) -> list[NewIncident]:
    """Incidents in every status, with varied documents, facts, tags and objectives."""
    out = []
    for index, intent in enumerate([StatusIntent(s) for s in StatusIntent] * 2):
        fields: dict[str, Any] = {"title": rng.choice(TEXTS) or "t", "owner": rng.choice(PEOPLE)}
        for key, options in DOCUMENTS.items():
            value = rng.choice(options)
            if value is not None:
                fields[key] = value
        if index % 2:
            fields["close_time"] = "2026-11-01T00:00:00.000Z"
            fields["confidence"] = rng.randrange(101)
        out.append(
            NewIncident(
                record(**fields),
                status=intent,
                facts={"responded_time": rng.choice([None, *MOMENTS])},
                tags=rng.sample(TAGS, rng.randrange(3)),
                objectives=set(rng.sample(OBJECTIVES, rng.randrange(3))),
            )
        )
    return out


def generated_change(rng: random.Random) -> IncidentChange:
    """A change touching a random few columns, document fields, the status and relations."""
    columns: dict[str, Any] = {}
    options: dict[str, list[Any]] = {
        "title": [t for t in TEXTS if t],
        "description": TEXTS,
        "severity": [0, 1, 2, 3, 4],
        "confidence": [None, 0, 50, 100],
        "owner": PEOPLE,
        "labels": [None, "a,b"],
        "first_observed_time": MOMENTS,
        "arrive_time": [None, *MOMENTS],
        "close_time": [None, *MOMENTS],
        "responded_time": [None, *MOMENTS],
        "severity_reasoning": [None, *TEXTS],
        "product_name": ["EDR"],  # not viewed: shown through the document only
    }
    for name in rng.sample(sorted(options), rng.randrange(4)):
        columns[name] = rng.choice(options[name])
    document = {
        key: rng.choice(DOCUMENTS[key]) for key in rng.sample(sorted(DOCUMENTS), rng.randrange(3))
    }
    tags = None
    if rng.random() < 0.5:
        tags = TagChange.of(rng.choice(list(TagOperation)), rng.sample(TAGS, rng.randrange(3)))
    return IncidentChange(
        columns=columns,
        document=document,
        status=rng.choice([None, *StatusIntent]),
        source=rng.choice([UNSET, UNSET, None, "EDR"]),
        tags=tags,
        objectives=(set(rng.sample(OBJECTIVES, rng.randrange(3))) if rng.random() < 0.4 else None),
    )


def touched(change: IncidentChange) -> set[str]:
    return {
        key
        for key, part in (
            ("tags", change.tags),
            ("threat_objectives", change.objectives),
            ("risk_associations", change.risks),
        )
        if part is not None
    }


def assert_same_json(built: Any, expected: Any, where: str) -> None:
    """Equal values, and every object's keys in the same order."""
    assert built == expected, where
    if isinstance(expected, dict):
        assert list(built) == list(expected), where
        for key in expected:
            assert_same_json(built[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        for index, (one, other) in enumerate(zip(built, expected, strict=True)):
            assert_same_json(one, other, f"{where}[{index}]")


async def new_events(session: AsyncSession, action: str, seen: set[uuid.UUID]) -> list[Any]:
    events = [
        e
        for e in await session.scalars(select(IncidentEvent).where(IncidentEvent.action == action))
        if e.id not in seen
    ]
    seen.update(e.id for e in events)
    return events


async def test_generated_changes_audit_as_the_python_path_does(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    rng = random.Random(20261202)
    async with sessions.begin() as session:
        ids = await IncidentChanges(session, await scope_of(session, tenant)).create(
            seeded_records(rng)
        )
    seen: set[uuid.UUID] = set()
    built_in_sql = 0
    for run in range(RUNS):
        change = generated_change(rng)
        chosen: Sequence[uuid.UUID] = rng.sample(ids, rng.randrange(1, len(ids) + 1))
        keys = touched(change)
        async with sessions.begin() as session:
            changes = IncidentChanges(session, await scope_of(session, tenant))
            writes = await changes.prepare(change)
            built_in_sql += AuditSql.can_build(writes)
            states = {row.id: state_of(row) for row in await changes.lock(chosen)}
            before = await related(changes, chosen, keys)
            await changes.apply(await changes.lock_ids(chosen), writes)
            after = await related(changes, chosen, keys)
        async with sessions() as session:
            events = {e.incident_id: e for e in await new_events(session, "update", seen)}
        assert set(events) == set(chosen)
        for incident_id in chosen:
            event = events[incident_id]
            pairs = {k: (before[incident_id][k], after[incident_id][k]) for k in keys}
            state = states[incident_id]
            expected = state_changes(state, writes.after(state, event.at), pairs)
            assert_same_json(event.changes, expected, f"run {run}: {change}")
    assert built_in_sql >= RUNS // 2  # most generated changes take the set-based path


async def test_a_delete_snapshot_is_the_data_object(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    rng = random.Random(20261203)
    async with sessions.begin() as session:
        scope = await scope_of(session, tenant)
        ids = await IncidentChanges(session, scope).create(seeded_records(rng))
    async with sessions.begin() as session:  # versions, facts and times move on
        changes = IncidentChanges(session, await scope_of(session, tenant))
        await changes.change(ids[::2], generated_change(rng))
    async with sessions.begin() as session:
        scope = await scope_of(session, tenant)
        changes = IncidentChanges(session, scope)
        rows = await changes.incidents.fresh(ids)
        expected = {i: mapping.data_object(rows[i], hex_id(scope.project.id)) for i in ids}
        assert await changes.delete([*ids, uuid.uuid4()]) == ids
    async with sessions() as session:
        events = {e.incident_id: e for e in await new_events(session, "delete", set())}
    assert set(events) == set(ids)
    for incident_id in ids:
        assert events[incident_id].changes == {}
        assert_same_json(events[incident_id].snapshot, expected[incident_id], str(incident_id))
