"""Importing incidents: every format, every kind of bad cell, all or nothing."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.models import Incident, IncidentEvent
from tests.factories import TenantInfo, login, make_tenant
from tests.secmaster.incidents.payloads import incidents_path
from tests.transfer.files import HEADER, csv_file, good_row, json_file, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


async def upload(
    client: httpx.AsyncClient, path: str, content: bytes, name: str = "incidents.xlsx"
) -> httpx.Response:
    return await client.post(f"{path}/import", files={"uploadFile": (name, content)})


async def incident_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Incident)) or 0)


@pytest.mark.parametrize(
    "content",
    [
        xlsx_file(HEADER, [good_row("one"), good_row("two")]),
        csv_file(HEADER, [good_row("one"), good_row("two")]),
        csv_file(HEADER, [good_row("one"), good_row("two")], delimiter=";", bom=True),
    ],
    ids=["xlsx", "csv", "csv-semicolon-bom"],
)
async def test_good_files_import_in_file_order(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
    content: bytes,
) -> None:
    response = await upload(admin_client, path, content, name="no-extension")

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["message"]) == ("00000000", "")
    ids = body["data"]["ids"]
    shown = [(await admin_client.get(f"{path}/{i}")).json()["data"]["data_object"] for i in ids]
    assert [s["title"] for s in shown] == ["one", "two"]
    assert shown[0]["data_source"] == {
        "source_type": 3,
        "product_name": "EDR",
        "product_feature": "process",
    }
    assert shown[0]["network_list"] == [{"src_ip": "10.1.1.1", "src_port": 443}]
    assert shown[0]["confidence"] == 55
    history = (await admin_client.get(f"{path}/{ids[0]}/history")).json()["data"]
    assert [(e["action"], e["source"], e["snapshot"]) for e in history] == [
        ("import", "no-extension", None)
    ]


async def test_a_json_array_of_data_objects_imports(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    from tests.secmaster.incidents.payloads import incident_object

    chosen = str(uuid.uuid4())
    content = json_file([incident_object(title="j1", id=chosen), incident_object(title="j2")])

    response = await upload(admin_client, path, content, name="x.xlsx")

    ids = response.json()["data"]["ids"]
    assert ids[0] == chosen
    assert len(ids) == 2


async def test_a_json_object_with_a_key_incidents_do_not_have_is_refused(
    admin_client: httpx.AsyncClient, path: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from tests.secmaster.incidents.payloads import incident_object

    before = await incident_count(sessions)
    content = json_file([incident_object(title="fine"), incident_object(colour="red")])

    response = await upload(admin_client, path, content, name="x.json")

    assert response.status_code == 400, response.text
    assert "colour" in response.text
    assert await incident_count(sessions) == before


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (good_row(title=None), "title", "mandatory"),
        (good_row(severity="Severe"), "severity", "Input should be"),
        (good_row(first_observed_time="31/12/2026"), "first_observed_time", "not a time"),
        (good_row(confidence="many"), "confidence", "whole number"),
        (good_row(confidence=101), "confidence", "less than or equal"),
        (good_row(network_list="[{oops"), "network_list", "not valid JSON"),
        (good_row(**{"data_source.source_type": 9}), "data_source.source_type", "Input should be"),
    ],
    ids=[
        "missing-mandatory",
        "bad-enum",
        "bad-time",
        "bad-number",
        "out-of-range",
        "bad-json",
        "bad-source-type",
    ],
)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
async def test_each_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
    row: list[Any],
    field: str,
    message: str,
    kind: str,
) -> None:
    rows = [good_row("fine"), row, good_row("also fine")]
    content = xlsx_file(HEADER, rows) if kind == "xlsx" else csv_file(HEADER, rows)

    response = await upload(admin_client, path, content)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "SecMaster.20000400"
    errors = body["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, field)]
    assert message in errors[0]["message"]
    assert await incident_count(sessions) == 0


async def test_every_problem_is_listed_across_rows(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    rows = [good_row("ok")] * 2500 + [good_row(severity="x"), good_row(title=None, confidence=-1)]

    response = await upload(admin_client, path, csv_file(HEADER, rows))

    errors = response.json()["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (2502, "severity"),
        (2503, "title"),
        (2503, "confidence"),
    ]
    assert "3 problems" in response.json()["message"]
    assert await incident_count(sessions) == 0  # the first 2,000 rows were rolled back


async def test_unknown_and_repeated_columns_are_refused(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    header = [*HEADER, "Colour", "title"]

    response = await upload(admin_client, path, csv_file(header, [good_row() + ["red", "x"]]))

    errors = response.json()["data"]["errors"]
    assert {(e["row"], e["field"], e["message"]) for e in errors} == {
        (1, "Colour", "unknown column"),
        (1, "title", "the column appears twice"),
    }


async def test_duplicate_and_existing_ids_are_refused(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    existing = (await upload(admin_client, path, csv_file(HEADER, [good_row()]))).json()
    taken = existing["data"]["ids"][0]
    fresh = str(uuid.uuid4())
    header = [*HEADER, "id"]
    rows = [
        good_row() + [fresh],
        good_row() + [fresh],
        good_row() + [taken],
        good_row() + ["not-a-uuid"],
    ]

    response = await upload(admin_client, path, csv_file(header, rows))

    errors = response.json()["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "id"), (4, "id"), (5, "id")]
    assert await incident_count(sessions) == 1


async def test_formula_quotes_are_stripped_on_import(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    response = await upload(admin_client, path, csv_file(HEADER, [good_row("'=1+2")]))

    incident_id = response.json()["data"]["ids"][0]
    shown = (await admin_client.get(f"{path}/{incident_id}")).json()["data"]["data_object"]
    assert shown["title"] == "=1+2"


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "status", "expected"),
    [
        (zip_bomb(), 400, "zip bomb"),
        (b"PK\x03\x04 this is no archive", 400, "damaged"),
        (b"\x00\x01\x02\xff\xfe garbage", 400, "not an XLSX, CSV or JSON"),
        (b"", 400, "empty"),
        (b'{"title": "not an array"}', 400, "header"),
        (b"[1, 2", 400, "JSON file cannot be read"),
        (b"title\n", 400, "no incidents"),
    ],
    ids=["zip-bomb", "broken-zip", "binary", "empty", "json-object", "broken-json", "no-rows"],
)
async def test_unreadable_files_are_refused_quickly(
    admin_client: httpx.AsyncClient, path: str, content: bytes, status: int, expected: str
) -> None:
    response = await upload(admin_client, path, content)

    assert response.status_code == status
    assert expected in response.text


async def test_limits_on_size_and_rows(
    app: Any, admin_client: httpx.AsyncClient, path: str
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"import_max_bytes": 2000, "import_max_rows": 3}
    )

    too_big = await upload(admin_client, path, b"x" * 5000)
    too_many = await upload(admin_client, path, csv_file(HEADER[:1], [["a"]] * 4))

    assert too_big.status_code == 413
    assert "uploadFile" in too_big.json()["message"]
    assert too_many.status_code == 400
    assert "more than 3 rows" in too_many.json()["message"]


async def test_a_json_body_instead_of_a_file_is_400_naming_upload_file(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    response = await admin_client.post(f"{path}/import", json={"data_object": {}})

    assert response.status_code == 400
    assert "uploadFile" in response.json()["message"]


async def test_the_template_filled_in_imports(admin_client: httpx.AsyncClient, path: str) -> None:
    template = await admin_client.get(f"{path}/template/download")
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["Incidents"]
    labels = [c.value for c in sheet[1]]
    sample = [c.value for c in sheet[2]]
    sheet.append([("Second " + v) if labels[i] == "Title *" else v for i, v in enumerate(sample)])
    filled = io.BytesIO()
    workbook.save(filled)

    response = await upload(admin_client, path, filled.getvalue())

    assert template.headers["content-type"] == XLSX
    assert "Title *" in labels
    assert "Fields" in workbook.sheetnames
    assert workbook["Incidents"].data_validations.dataValidation  # enum drop-downs
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["ids"]) == 2


async def test_the_csv_template_imports_as_it_is(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    template = await admin_client.get(f"{path}/template/download", params={"format": "csv"})

    response = await upload(admin_client, path, template.content, name="t.csv")

    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["ids"]) == 1


async def test_imported_rows_write_one_audit_event_each(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    await upload(admin_client, path, csv_file(HEADER, [good_row()] * 300), name="big.csv")

    async with sessions() as session:
        events = (
            await session.execute(
                select(IncidentEvent.action, IncidentEvent.source, func.count()).group_by(
                    IncidentEvent.action, IncidentEvent.source
                )
            )
        ).all()
    assert [tuple(e) for e in events] == [("import", "big.csv", 300)]


async def test_a_file_of_many_chunks_imports_in_order_with_numbers_and_events(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    rows = [good_row(f"n{i}") for i in range(4100)]

    response = await upload(admin_client, path, csv_file(HEADER, rows), name="many.csv")

    assert response.status_code == 200, response.text
    ids = response.json()["data"]["ids"]
    async with sessions() as session:
        stored = (await session.execute(select(Incident.id, Incident.number, Incident.title))).all()
        events = await session.scalar(
            select(func.count())
            .select_from(IncidentEvent)
            .where(IncidentEvent.source == "many.csv")
        )
    by_id = {str(i): (number, title) for i, number, title in stored}
    assert [by_id[i] for i in ids] == [(n + 1, f"n{n}") for n in range(4100)]
    assert events == 4100


async def test_imported_rows_carry_the_importer_and_ascending_version_7_ids(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
    tenant: TenantInfo,
) -> None:
    """The columns every imported row shares (converted once per COPY on PostgreSQL) hold the
    importer's values, and new ids ascend in file order, as do their events' ids."""
    rows = [good_row(f"n{i}") for i in range(2500)]

    response = await upload(admin_client, path, csv_file(HEADER, rows), name="shared.csv")

    assert response.status_code == 200, response.text
    ids = [uuid.UUID(i) for i in response.json()["data"]["ids"]]
    assert ids == sorted(ids)
    assert {i.version for i in ids} == {7}
    async with sessions() as session:
        shared = (
            await session.execute(
                select(
                    Incident.workspace_id,
                    Incident.project_id,
                    Incident.opened_by_id,
                    Incident.updated_by_id,
                    Incident.version,
                    Incident.update_time,
                ).distinct()
            )
        ).all()
        events = (
            await session.execute(
                select(IncidentEvent.id, IncidentEvent.incident_id).order_by(
                    IncidentEvent.incident_id
                )
            )
        ).all()
    assert len(shared) == 1
    workspace, project, opened_by, updated_by, version, _update_time = shared[0]
    assert (workspace, project, opened_by, updated_by, version) == (
        tenant.workspace_id,
        tenant.project_id,
        tenant.admin_id,
        tenant.admin_id,
        1,
    )
    assert [e.incident_id for e in events] == ids
    assert len({e.id for e in events}) == len(ids)


async def test_a_failure_after_chunks_were_written_leaves_nothing_and_the_counter_as_it_was(
    app: Any,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"import_max_rows": 4500})

    too_many = await upload(admin_client, path, csv_file(HEADER, [good_row()] * 4600))
    after = await upload(admin_client, path, csv_file(HEADER, [good_row("after")]))

    assert too_many.status_code == 400
    assert "more than 4500 rows" in too_many.json()["message"]
    async with sessions() as session:
        stored = (await session.execute(select(Incident.title, Incident.number))).all()
        events = await session.scalar(select(func.count()).select_from(IncidentEvent))
    assert [tuple(s) for s in stored] == [("after", 1)]
    assert events == 1
    assert after.status_code == 200


async def test_an_upload_over_the_limit_names_the_configured_limit(
    settings: Any, tenant: TenantInfo
) -> None:
    small = create_app(settings.model_copy(update={"import_max_bytes": 2000}))
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://testserver"
        ) as client:
            response = await upload(client, path, b"x" * 100_000)
    finally:
        await small.state.engine.dispose()

    assert response.status_code == 413
    message = response.json()["message"]
    assert "2000 bytes" in message
    assert "SOCDESK_IMPORT_MAX_BYTES" in message
    assert str(2000 + 64 * 1024) not in message


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ('the "weekly" export.csv', 'the "weekly" export.csv'),
        ("a\r\nb.csv", "a\r\nb.csv"),
        ("100% done.csv", "100% done.csv"),
        ("x" * 300 + ".csv", "x" * 255),
    ],
    ids=["quotes", "line-break", "percent", "long"],
)
async def test_the_audit_event_names_the_file_as_the_user_sent_it(
    admin_client: httpx.AsyncClient, path: str, name: str, source: str
) -> None:
    response = await upload(admin_client, path, csv_file(HEADER, [good_row()]), name=name)

    incident_id = response.json()["data"]["ids"][0]
    history = (await admin_client.get(f"{path}/{incident_id}/history")).json()["data"]
    assert [e["source"] for e in history] == [source]


async def test_an_id_used_in_another_workspace_is_free_here(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    other = await make_tenant(sessions)
    token = await login(client, other.admin_email, other.project_name)
    theirs = await client.post(
        f"{incidents_path(other.project_hex, other.workspace_id)}/import",
        files={"uploadFile": ("a.csv", csv_file(HEADER, [good_row()]))},
        headers={"X-Auth-Token": token},
    )
    taken = theirs.json()["data"]["ids"][0]

    response = await upload(admin_client, path, csv_file([*HEADER, "id"], [good_row() + [taken]]))

    # Ids are unique within a workspace (DESIGN §2): each workspace has its own incident.
    assert response.status_code == 200, response.text
    assert response.json()["data"]["ids"] == [taken]
    ours = await admin_client.get(f"{path}/{taken}")
    assert ours.json()["data"]["workspace_id"] != str(other.workspace_id)
