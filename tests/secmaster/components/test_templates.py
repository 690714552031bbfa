"""Component templates: the SDK's five methods against a live server; every task_config value
held to its parameter's rule with nothing stored on a refusal; names unique per component;
viewers read only; another tenant's templates name nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from huaweicloudsdksecmaster.v1 import (
    CreateComponentTemplateRequest,
    CreateComponentTemplateResponse,
    CreateTemplateReq,
    DeleteComponentTemplateRequest,
    DeleteComponentTemplateResponse,
    ListComponentTemplatesRequest,
    ListComponentTemplatesResponse,
    ShowComponentTemplateRequest,
    ShowComponentTemplateResponse,
    UpdateComponentTemplateRequest,
    UpdateComponentTemplateResponse,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.components import DATA_OBJECTS, HTTP
from socdesk.models import Role
from tests.conftest import AdminSdk
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.sdk_models import raw_body, unanswered

POST_JSON = {"http_request": {"method": "POST", "headers": {"Content-Type": "application/json"}}}


def templates_path(tenant: TenantInfo) -> str:
    return f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/components/template"


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return templates_path(tenant)


def template(name: str = "JSON post", config: Any = POST_JSON, component: str = HTTP.name) -> Any:
    text = config if isinstance(config, str) else json.dumps(config)
    return {"component_id": component, "template_name": name, "task_config": text}


async def _names(client: httpx.AsyncClient, path: str) -> list[str]:
    answer = await client.get(path, params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    return [t["template_name"] for t in answer.json()["data"]]


async def test_the_sdk_creates_lists_shows_updates_and_deletes_templates(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    body = CreateTemplateReq(**template())

    created = client.create_component_template(CreateComponentTemplateRequest(**where, body=body))
    client.create_component_template(
        CreateComponentTemplateRequest(
            **where,
            body=CreateTemplateReq(
                **template("Tag it", {"add_tag": {"tag": "x"}}, DATA_OBJECTS.id)
            ),
        )
    )
    listed = client.list_component_templates(
        ListComponentTemplatesRequest(**where, search_value="json", offset=0, limit=10)
    )
    shown = client.show_component_template(
        ShowComponentTemplateRequest(**where, template_id=created.data.id)
    )
    changed = template("JSON put", {"http_request": {"method": "PUT"}})
    updated = client.update_component_template(
        UpdateComponentTemplateRequest(
            **where, template_id=created.data.id, body=CreateTemplateReq(**changed)
        )
    )
    deleted = client.delete_component_template(
        DeleteComponentTemplateRequest(**where, template_id=created.data.id)
    )
    left = client.list_component_templates(ListComponentTemplatesRequest(**where))

    assert unanswered(CreateComponentTemplateResponse, raw_body(created)) == []
    assert unanswered(ListComponentTemplatesResponse, raw_body(listed)) == []
    assert unanswered(ShowComponentTemplateResponse, raw_body(shown)) == []
    assert unanswered(UpdateComponentTemplateResponse, raw_body(updated)) == []
    assert unanswered(DeleteComponentTemplateResponse, raw_body(deleted)) == []
    assert created.data.component_id == HTTP.id
    assert json.loads(created.data.task_config) == POST_JSON
    assert (listed.total, [t.template_name for t in listed.data]) == (1, ["JSON post"])
    assert shown.data.template_name == "JSON post"
    assert (updated.data.template_name, json.loads(updated.data.task_config)) == (
        "JSON put",
        {"http_request": {"method": "PUT"}},
    )
    assert deleted.success is True
    assert [t.template_name for t in left.data] == ["Tag it"]


async def test_every_value_is_held_to_its_parameters_rule_and_nothing_is_stored_on_refusal(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    wrong = {
        "http_request": {"method": "FETCH", "headers": "not an object", "timeout": "5"},
        "ftp_upload": {},
        "webhook": ["url"],
    }
    answers = {
        "unknown component": await admin_client.post(path, json=template(component="nothing")),
        "not JSON": await admin_client.post(path, json=template(config="{method: GET}")),
        "not an object": await admin_client.post(path, json=template(config="[1, 2]")),
        "wrong values": await admin_client.post(path, json=template(config=wrong)),
        "too deep": await admin_client.post(path, json=template(config="[" * 500 + "]" * 500)),
        "a flag": await admin_client.post(
            path, json=template(config={"http_request": {"body": True}})
        ),
    }

    assert {k: a.status_code for k, a in answers.items()} == dict.fromkeys(answers, 400)
    assert "component_id" in answers["unknown component"].text
    assert "task_config" in answers["not JSON"].text
    fields = {e["field"] for e in answers["wrong values"].json()["data"]["errors"]}
    assert fields == {
        "task_config.http_request.method",
        "task_config.http_request.headers",
        "task_config.http_request.timeout",
        "task_config.ftp_upload",
        "task_config.webhook",
    }
    assert await _names(admin_client, path) == []


async def test_a_name_is_unique_per_component_also_on_update(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    first = (await admin_client.post(path, json=template("Default"))).json()["data"]
    other = await admin_client.post(
        path, json=template("Default", {"wait": {"seconds": 5}}, "socdesk_flow")
    )
    second = (await admin_client.post(path, json=template("Second"))).json()["data"]

    again = await admin_client.post(path, json=template("Default"))
    renamed = await admin_client.put(f"{path}/{second['id']}", json=template("Default"))
    shown = await admin_client.get(f"{path}/{second['id']}")

    assert other.status_code == 200, other.text
    assert (again.status_code, renamed.status_code) == (409, 409)
    assert "template_name" in renamed.text
    assert shown.json()["data"]["template_name"] == "Second"
    assert first["id"] != second["id"]
    assert sorted(await _names(admin_client, path)) == ["Default", "Default", "Second"]


async def test_viewers_read_templates_but_cannot_change_them(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    made = (await admin_client.post(path, json=template())).json()["data"]
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    reads = [
        await client.get(path, headers=viewer),
        await client.get(f"{path}/{made['id']}", headers=viewer),
    ]
    writes = [
        await client.post(path, headers=viewer, json=template("Mine")),
        await client.put(f"{path}/{made['id']}", headers=viewer, json=template("Mine")),
        await client.delete(f"{path}/{made['id']}", headers=viewer),
    ]

    assert [r.status_code for r in reads] == [200, 200]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert await _names(admin_client, path) == ["JSON post"]


async def test_another_tenants_templates_name_nothing(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    made = (await admin_client.post(path, json=template())).json()["data"]
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = templates_path(other)

    answers = [
        await client.get(f"{theirs}/{made['id']}"),
        await client.put(f"{theirs}/{made['id']}", json=template("Stolen")),
        await client.delete(f"{theirs}/{made['id']}"),
    ]

    assert [a.status_code for a in answers] == [400] * len(answers)
    assert all("template_id" in a.text for a in answers)
    assert await _names(client, theirs) == []
    shown = await admin_client.get(f"{path}/{made['id']}")
    assert shown.json()["data"]["template_name"] == "JSON post"
