"""The incident listing in the domain's terms: filters, orders, cursors and the index it uses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam.principal import AuthMethod, Principal
from socdesk.incidents.listing import KEYSETS, IncidentListing, ListFilters, Sort, SortKey
from socdesk.kit.errors import ValidationFailed
from socdesk.kit.keyset import page_statement
from socdesk.models import Project, Role, Severity, Status, User, Workspace
from socdesk.workspaces.scope import WorkspaceScope
from tests.factories import TenantInfo, make_tenant
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object

BY_NUMBER = Sort(SortKey.number)


async def _scope(session: AsyncSession, tenant: TenantInfo) -> WorkspaceScope:
    user = await session.get(User, tenant.admin_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    assert user is not None
    assert project is not None
    assert workspace is not None
    return WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)


async def _numbers(
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    filters: ListFilters,
    sort: Sort = BY_NUMBER,
) -> list[int]:
    async with sessions.begin() as session:
        listing = IncidentListing(session, await _scope(session, tenant))
        page = await listing.page(filters, sort, 50, None)
    return [row.number for row in page.rows]


async def test_filters_keep_what_they_name_in_canonical_terms(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(
        sessions,
        tenant,
        [
            incident_object(title="Ransom note", severity="Fatal"),
            incident_object(title="Port scan", severity="Low", handle_status="Block"),
            incident_object(title="Odd login", severity="Low", owner=tenant.admin_email.upper()),
        ],
    )
    await seed_incidents(sessions, await make_tenant(sessions), 2)

    assert await _numbers(sessions, tenant, ListFilters()) == [1, 2, 3]
    # Blocked is its own status here; only a dialect folds it into another name.
    assert await _numbers(sessions, tenant, ListFilters(statuses={Status.blocked})) == [2]
    assert await _numbers(sessions, tenant, ListFilters(statuses={Status.in_progress})) == []
    assert await _numbers(sessions, tenant, ListFilters(severities={Severity.low})) == [2, 3]
    assert await _numbers(sessions, tenant, ListFilters(text="rANSOM")) == [1]
    mine = ListFilters(assignee_id=tenant.admin_id)
    assert await _numbers(sessions, tenant, mine) == [3]
    assert await _numbers(sessions, tenant, ListFilters(assignee_id=uuid.uuid4())) == []
    assert await _numbers(sessions, tenant, ListFilters(tag="none yet")) == []
    by_gravity = Sort(SortKey.severity, descending=True)
    assert (await _numbers(sessions, tenant, ListFilters(), by_gravity))[0] == 1


async def test_every_order_pages_through_once_and_refuses_other_orders_cursors(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, 5)
    async with sessions.begin() as session:
        listing = IncidentListing(session, await _scope(session, tenant))
        for sort, keyset in KEYSETS.items():
            seen: list[int] = []
            cursor = None
            while True:
                page = await listing.page(ListFilters(), sort, 2, cursor)
                seen += [row.number for row in page.rows]
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert sorted(seen) == [1, 2, 3, 4, 5], keyset.name
        first = await listing.page(ListFilters(), BY_NUMBER, 1, None)
        assert first.next_cursor is not None
        for sort in (Sort(SortKey.number, descending=True), Sort(SortKey.create_time)):
            with pytest.raises(ValidationFailed) as refused:
                await listing.page(ListFilters(), sort, 1, first.next_cursor)
            assert refused.value.details[0].field == "cursor"


async def test_a_page_after_a_cursor_is_one_range_of_the_sort_index(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    """The (workspace_id, create_time, id) index answers the workspace filter, the row
    comparison after the cursor and the order: the plan reads it and sorts nothing."""
    await seed_incidents(sessions, tenant, 3)
    sort = Sort(SortKey.create_time, descending=True)
    keyset = KEYSETS[sort]
    cursor = keyset.encode(datetime(2030, 1, 1, tzinfo=UTC), uuid.uuid4())
    async with sessions.begin() as session:
        listing = IncidentListing(session, await _scope(session, tenant))
        statement = page_statement(await listing.query(ListFilters()), keyset, 50, cursor)
        connection = await session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            # A three-row table is cheapest to read whole; the question is what the index does.
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(
            str(row[-1]) for row in await connection.exec_driver_sql(explain + str(sql))
        )
    assert "ix_incidents_workspace_created" in plan, plan
    if postgres:
        assert "Index Cond" in plan, plan
        assert "Sort" not in plan, plan  # the index gives the order
    else:
        assert "TEMP B-TREE" not in plan, plan  # SQLite's word for sorting
