"""Seed 001: POST ~/soc/workflows/import takes a workflow file in multipart `uploadFile` — a
JSON export whose taskflows are in any accepted encoding, or a bare .bpmn file — all or
nothing, and export → import into another workspace gives the same workflow."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.automation.bpmn_files import BILLION_LAUGHS, TRIAGE, as_base64, as_secmaster, triage
from tests.factories import TenantInfo, login, make_tenant
from tests.secmaster.workflows.helpers import (
    export_file,
    upload,
    upload_example,
    versions,
    workflows,
    workflows_path,
)


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return workflows_path(tenant)


ENCODINGS: dict[str, Callable[[str], str]] = {
    "plain BPMN XML": lambda xml: xml,
    "base64 BPMN XML": as_base64,
    "SecMaster's base64 xml-js JSON": as_secmaster,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_an_export_in_each_encoding_imports_as_seed_001_answers(
    admin_client: httpx.AsyncClient, path: str, encoding: str
) -> None:
    file = export_file(taskflow=ENCODINGS[encoding](TRIAGE))

    answer = await upload(admin_client, path, json.dumps(file))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["code"], body["message"], body["success"]) == ("00000000", "", True)
    assert body["request_id"] == answer.headers["X-request-id"]
    [workflow] = await workflows(admin_client, path)
    assert (workflow["name"], workflow["dataclass_name"], workflow["labels"]) == (
        "Triage",
        "Incident",
        "triage",
    )
    [version] = await versions(admin_client, path, workflow["id"])
    # An import passes no review: its versions are drafts.
    assert (version["name"], version["status"], version["version"]) == (
        "first",
        "pending_submit",
        "V1",
    )


async def test_a_bare_bpmn_file_takes_its_name_and_data_class_from_the_process(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    alert_flow = triage(('socdesk:dataclass="Incident"', 'socdesk:dataclass="Alert"'))

    example = await upload_example(admin_client, path)
    alerts = await upload(
        admin_client,
        path,
        alert_flow.replace('name="Triage high severity"', 'name="Alert triage"'),
        "alerts.bpmn",
    )
    default = await upload(
        admin_client,
        path,
        TRIAGE.replace(' socdesk:dataclass="Incident"', "").replace(
            'name="Triage high severity"', 'name="Plain"'
        ),
        "plain.bpmn",
    )

    assert [example.status_code, alerts.status_code, default.status_code] == [200, 200, 200]
    classes = {w["name"]: w["dataclass_name"] for w in await workflows(admin_client, path)}
    assert classes == {
        "Triage high severity": "Incident",
        "Alert triage": "Alert",
        "Plain": "Incident",
    }


async def test_importing_a_name_the_workspace_has_adds_the_files_versions(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    await upload(admin_client, path, json.dumps(export_file()))
    again = await upload(admin_client, path, json.dumps(export_file()))

    assert again.status_code == 200, again.text
    [workflow] = await workflows(admin_client, path)
    listed = await versions(admin_client, path, workflow["id"])
    assert [v["version"] for v in listed] == ["V1", "V2"]


async def test_a_json_body_is_told_to_send_the_file_in_multipart_upload_file(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    # The seed's own example request.
    answer = await admin_client.post(f"{path}/import", json={"uploadFile": "Test.json"})

    assert answer.status_code == 400
    assert answer.json()["code"] == "SecMaster.20000400"
    assert "multipart/form-data in the field uploadFile" in answer.json()["message"]


REJECTIONS = {
    "malformed JSON": ("{oops", "malformed JSON"),
    "malformed XML": (triage(("</bpmn:process>", "")), "malformed XML at line"),
    "no start event": (triage(("bpmn:startEvent", "bpmn:task")), "has no start event"),
    "no end event": (triage(("bpmn:endEvent", "bpmn:task")), "has no end event"),
    "unknown action": (
        triage(('name="add_tag"', 'name="wipe_disk"')),
        "serviceTask 'tag' (Tag for triage): unknown component action 'wipe_disk'",
    ),
    "missing parameter": (
        triage(('<socdesk:param name="tag">triage</socdesk:param>', "")),
        "action add_tag misses parameter 'tag'",
    ),
    "unreachable element": (
        triage(("</bpmn:process>", '<bpmn:task id="island"/></bpmn:process>')),
        "task 'island' is unreachable from the start event",
    ),
    "cycle without a way out": (
        triage(('sourceRef="note" targetRef="end"', 'sourceRef="note" targetRef="tag"')),
        "is in a cycle without a way out",
    ),
    "script task": (
        triage(("</bpmn:process>", '<bpmn:scriptTask id="run"/></bpmn:process>')),
        "scriptTask 'run': script tasks are refused",
    ),
    "unknown data class": (
        triage(('socdesk:dataclass="Incident"', 'socdesk:dataclass="Starship"')),
        "dataclass_name: unknown data class 'Starship'",
    ),
    "billion laughs": (BILLION_LAUGHS, "document type declaration"),
}


@pytest.mark.parametrize("case", REJECTIONS)
@pytest.mark.parametrize("as_json", [False, True], ids=["bpmn file", "json export"])
async def test_each_rejection_names_its_fault_and_creates_nothing(
    admin_client: httpx.AsyncClient, path: str, case: str, as_json: bool
) -> None:
    content, expected = REJECTIONS[case]
    if as_json and content.startswith("<"):
        content = json.dumps(
            export_file(
                taskflow=as_secmaster(content)
                if case not in ("malformed XML", "billion laughs")
                else content
            )
        )
        if case == "unknown data class":
            content = json.dumps(export_file(dataclass_name="Starship"))

    answer = await upload(admin_client, path, content, "flow.bpmn")

    assert answer.status_code == 400, answer.text
    assert set(answer.json()) >= {"code", "message"}
    assert expected in answer.json()["message"]
    assert await workflows(admin_client, path) == []


async def test_a_file_with_one_bad_version_creates_none_of_the_good_ones(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    good = export_file(name="Good")
    bad = export_file(name="Bad", taskflow=triage(("bpmn:endEvent", "bpmn:task")))

    answer = await upload(admin_client, path, json.dumps([good, bad]))

    assert answer.status_code == 400
    assert "[1].versions[0]: taskflow:" in answer.json()["message"]
    assert await workflows(admin_client, path) == []


async def test_export_then_import_into_another_workspace_gives_the_same_workflow(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    await upload_example(admin_client, path)
    [original] = await workflows(admin_client, path)
    exported = await admin_client.post(f"{path}/export", json={"id": [original["id"]]})
    assert exported.status_code == 200, exported.text
    assert "attachment" in exported.headers["Content-Disposition"]
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    other_path = workflows_path(other)

    imported = await upload(client, other_path, exported.content, "export.json")

    assert imported.status_code == 200, imported.text
    [copy] = await workflows(client, other_path)
    keys = ("name", "description", "dataclass_name", "dataclass_id", "aop_type", "labels")
    assert {k: copy[k] for k in keys} == {k: original[k] for k in keys}
    [first] = await versions(admin_client, path, original["id"])
    [second] = await versions(client, other_path, copy["id"])
    same = ("name", "taskflow", "taskconfig", "taskflow_type", "aop_type")
    assert {k: second[k] for k in same} == {k: first[k] for k in same}
    again = await client.post(f"{other_path}/export", json={"id": [copy["id"]]})
    assert again.json() == exported.json()


async def test_exporting_an_id_of_no_workflow_here_is_a_400_naming_it(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    missing = "0b0f1c2e-0000-4000-8000-000000000000"

    answer = await admin_client.post(f"{path}/export", json={"id": [missing]})

    assert answer.status_code == 400
    assert answer.json()["code"] == "SecMaster.20040611"
    assert missing in answer.json()["message"]
