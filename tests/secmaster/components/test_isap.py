"""ISAP components (`~/components`): the SDK's eight methods against a live server; settings
held to the operator's limits with nothing saved on a refusal; saves versioned, applications
choosing what runs use; viewers read only; another tenant's configuration stays its own;
running nodes listed while they beat and not once stale."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from huaweicloudsdksecmaster.v1 import (
    ConfigurationDetail,
    ConfigurationInfoDto,
    CreateComponentTemplateRequest,
    CreateConfigurationApplicationRequest,
    CreateConfigurationApplicationRequestBody,
    CreateConfigurationApplicationResponse,
    CreateTemplateReq,
    FileConfiguration,
    ListComponentConfigurationRequest,
    ListComponentConfigurationResponse,
    ListComponentTemplateRequest,
    ListComponentTemplateResponse,
    ListHistoryComponentConfigurationRequest,
    ListHistoryComponentConfigurationResponse,
    ListIsapComponentsRequest,
    ListIsapComponentsResponse,
    ListRunningNodesRequest,
    ListRunningNodesResponse,
    ShowIsapComponentRequest,
    ShowIsapComponentResponse,
    UpdateComponentConfigurationRequest,
    UpdateComponentConfigurationResponse,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.components import COMPONENTS, FLOW, HTTP
from socdesk.automation.runs.nodes import NodeKind, heartbeat
from socdesk.kit.clock import utcnow
from socdesk.models import Role, RunnerNode
from socdesk.settings import Settings
from tests.conftest import AdminSdk, settings_for
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.sdk_models import raw_body, unanswered

OPERATOR_HOSTS = ["*.example.com", "hooks.partner.test", "10.0.0.0/8"]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The operator's ceiling the workspaces narrow."""
    return settings_for(
        database_url,
        automation_http_allowed_hosts=OPERATOR_HOSTS,
        automation_http_timeout_seconds=10,
        automation_http_max_response_bytes=100_000,
    )


def component_path(tenant: TenantInfo, of: str = HTTP.name) -> str:
    return f"{tenant.workspaces_path}/{tenant.workspace_id}/components/{of}"


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return component_path(tenant)


def body(param: dict[str, str] | None, **file: Any) -> dict[str, Any]:
    entry: dict[str, Any] = dict(file)
    if param is not None:
        entry["param"] = param
    return {"configuration": [{"node_id": "", "list": [entry]}]}


async def _history(client: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    answer = await client.get(f"{path}/configurations/versions", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    records: list[dict[str, Any]] = answer.json()["records"]
    return records


def _sdk_body(param: dict[str, str] | None) -> list[ConfigurationDetail]:
    file = FileConfiguration(file_name="socdesk_http.yml", file_type="YML", param=param)
    return [ConfigurationDetail(node_id="", list=[file])]


async def test_the_sdk_lists_shows_configures_applies_and_lists_nodes_and_templates(
    admin_sdk: AdminSdk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    on = {**where, "component_id": HTTP.id}
    client.create_component_template(
        CreateComponentTemplateRequest(
            **where,
            body=CreateTemplateReq(
                component_id=HTTP.name,
                template_name="JSON post",
                task_config=json.dumps({"http_request": {"method": "POST"}}),
            ),
        )
    )
    async with heartbeat(sessions, NodeKind.worker) as node:
        listed = client.list_isap_components(ListIsapComponentsRequest(**where))
        shown = client.show_isap_component(ShowIsapComponentRequest(**on, offset=0, limit=10))
        before = client.list_component_configuration(ListComponentConfigurationRequest(**on))
        saved = client.update_component_configuration(
            UpdateComponentConfigurationRequest(
                **on,
                body=ConfigurationInfoDto(
                    configuration=_sdk_body({"allowed_hosts": "api.example.com"})
                ),
            )
        )
        pending = client.list_component_configuration(ListComponentConfigurationRequest(**on))
        applied = client.create_configuration_application(
            CreateConfigurationApplicationRequest(
                **on,
                body=CreateConfigurationApplicationRequestBody(
                    configuration=_sdk_body({"timeout_seconds": "2.5"})
                ),
            )
        )
        history = client.list_history_component_configuration(
            ListHistoryComponentConfigurationRequest(**on, offset=0, limit=10)
        )
        templates = client.list_component_template(
            ListComponentTemplateRequest(**on, file_type="YML")
        )
        nodes = client.list_running_nodes(ListRunningNodesRequest(**on, node_id=str(node.id)))

    answers = {
        ListIsapComponentsResponse: listed,
        ShowIsapComponentResponse: shown,
        ListComponentConfigurationResponse: pending,
        UpdateComponentConfigurationResponse: saved,
        CreateConfigurationApplicationResponse: applied,
        ListHistoryComponentConfigurationResponse: history,
        ListComponentTemplateResponse: templates,
        ListRunningNodesResponse: nodes,
    }
    assert {m.__name__: unanswered(m, raw_body(a)) for m, a in answers.items()} == {
        m.__name__: [] for m in answers
    }
    assert [c.component_name for c in listed.records] == [c.name for c in COMPONENTS]
    assert (shown.component_id, shown.component_name) == (HTTP.id, HTTP.name)
    (operator,) = before.records
    assert operator.config_status == "UN_SAVED"
    assert json.loads(operator.list[0].param)["allowed_hosts"] == ",".join(OPERATOR_HOSTS)
    assert saved.result == "SUCCESS"
    assert [(p.type, p.version) for p in pending.records[0].list] == [
        ("CURRENT_APPLY", 0),
        ("CURRENT_SAVE", 1),
    ]
    assert applied.apply_fail_list == []
    (done,) = applied.apply_success_list
    assert (done.config_status, done.list[0].version) == ("APPLIED", 2)
    assert json.loads(done.list[0].param) == {"timeout_seconds": "2.5"}
    versions = [
        (r.configuration_status, r.list[0].version, r.list[0].type) for r in history.records
    ]
    assert versions == [
        ("DEPLOYED", "2", "CURRENT_APPLY"),
        ("SAVE_AND_UN_DEPLOY", "1", "HISTORY"),
    ]
    assert [(t.file_name, json.loads(t.param)) for t in templates.records] == [
        ("JSON post", {"http_request": {"method": "POST"}})
    ]
    (running,) = nodes.records
    assert (running.node_id, running.specification) == (str(node.id), "worker")
    assert running.monitor.heart_beat == "ONLINE"
    assert running.list[0].version == 2


async def test_settings_are_held_to_the_operators_limits_and_nothing_is_saved_on_refusal(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    wrong = {
        "allowed_hosts": "api.example.com, evil.test",
        "timeout_seconds": "11",
        "max_response_bytes": "lots",
        "retries": "3",
    }
    answers = {
        "wrong settings": await admin_client.post(f"{path}/configurations", json=body(wrong)),
        "a wildcard wider": await admin_client.post(
            f"{path}/configurations", json=body({"allowed_hosts": "*"})
        ),
        "a range wider": await admin_client.post(
            f"{path}/configurations", json=body({"allowed_hosts": "10.0.0.0/7"})
        ),
        "no limit": await admin_client.post(
            f"{path}/configurations", json=body({"timeout_seconds": "nan"})
        ),
        "no settings": await admin_client.post(f"{path}/configurations", json=body(None)),
        "another file": await admin_client.post(
            f"{path}/configurations", json=body({}, file_name="log4j2.xml")
        ),
        "another type": await admin_client.post(
            f"{path}/configurations", json=body({}, file_type="JVM")
        ),
        "two entries": await admin_client.post(
            f"{path}/configurations",
            json={"configuration": body({})["configuration"] * 2},
        ),
        "an unknown field": await admin_client.post(
            f"{path}/configurations", json={**body({}), "extra": 1}
        ),
        "a setting of none": await admin_client.post(
            f"{component_path_of(path, FLOW.name)}/configurations", json=body({"seconds": "5"})
        ),
        "nothing to apply": await admin_client.post(
            f"{path}/configurations/application", json=body(None)
        ),
    }

    assert {k: a.status_code for k, a in answers.items()} == dict.fromkeys(answers, 400)
    fields = {e["field"] for e in answers["wrong settings"].json()["data"]["errors"]}
    at = "configuration.0.list.0"
    assert fields == {
        f"{at}.param.allowed_hosts",
        f"{at}.param.timeout_seconds",
        f"{at}.param.max_response_bytes",
        f"{at}.param.retries",
    }
    assert "evil.test" in answers["wrong settings"].text
    for name, field in {
        "a wildcard wider": "param.allowed_hosts",
        "a range wider": "param.allowed_hosts",
        "no limit": "param.timeout_seconds",
        "no settings": "param",
        "another file": "file_name",
        "another type": "file_type",
        "two entries": "configuration",
        "a setting of none": "param.seconds",
        "nothing to apply": "configuration",
    }.items():
        assert field in answers[name].text, (name, answers[name].text)
    assert await _history(admin_client, path) == []


def component_path_of(path: str, of: str) -> str:
    return path.rsplit("/", 1)[0] + f"/{of}"


async def test_applying_without_settings_applies_the_newest_saved_version(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    for hosts in ("a.example.com", "b.example.com"):
        saved = await admin_client.post(
            f"{path}/configurations", json=body({"allowed_hosts": hosts})
        )
        assert saved.status_code == 200, saved.text
    applied = await admin_client.post(f"{path}/configurations/application", json=body(None))
    shown = (await admin_client.get(f"{path}/configurations")).json()["records"][0]
    oldest_first = await admin_client.get(
        f"{path}/configurations/versions", params={"sort_dir": "asc"}
    )

    assert applied.status_code == 200, applied.text
    assert shown["config_status"] == "APPLIED"
    assert [(p["type"], p["version"], json.loads(p["param"])) for p in shown["list"]] == [
        ("CURRENT_APPLY", 2, {"allowed_hosts": "b.example.com"})
    ]
    assert [r["list"][0]["version"] for r in oldest_first.json()["records"]] == ["1", "2"]


async def test_viewers_read_configurations_but_cannot_save_or_apply(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    root = path.rsplit("/", 1)[0]

    reads = [
        await client.get(root, headers=viewer),
        await client.get(path, headers=viewer),
        await client.get(f"{path}/configurations", headers=viewer),
        await client.get(f"{path}/configurations/versions", headers=viewer),
        await client.get(f"{path}/templates", headers=viewer),
        await client.get(f"{path}/running-nodes", headers=viewer),
    ]
    writes = [
        await client.post(f"{path}/configurations", headers=viewer, json=body({})),
        await client.post(f"{path}/configurations/application", headers=viewer, json=body({})),
    ]

    assert [r.status_code for r in reads] == [200] * len(reads)
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert await _history(admin_client, path) == []


async def test_another_tenants_configuration_and_templates_stay_their_own(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    applied = await admin_client.post(
        f"{path}/configurations/application", json=body({"allowed_hosts": "a.example.com"})
    )
    template = await admin_client.post(
        path.rsplit("/components/", 1)[0] + "/soc/components/template",
        json={"component_id": HTTP.name, "template_name": "Mine", "task_config": "{}"},
    )
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = component_path(other)

    intruding = [
        await client.get(f"{path}/configurations"),
        await client.post(f"{path}/configurations", json=body({})),
        await client.post(f"{path}/configurations/application", json=body({})),
    ]
    own = (await client.get(f"{theirs}/configurations")).json()["records"][0]

    assert (applied.status_code, template.status_code) == (200, 200)
    assert [a.status_code for a in intruding] == [403] * len(intruding)
    assert own["config_status"] == "UN_SAVED"
    assert await _history(client, theirs) == []
    assert (await client.get(f"{theirs}/templates")).json() == {"count": 0, "records": []}
    assert len(await _history(admin_client, path)) == 1


async def test_unknown_components_and_unfit_queries_are_refused(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    nowhere = component_path_of(path, "nothing")
    answers = {
        "show": await admin_client.get(nowhere),
        "configurations": await admin_client.get(f"{nowhere}/configurations"),
        "save": await admin_client.post(f"{nowhere}/configurations", json=body({})),
        "nodes": await admin_client.get(f"{nowhere}/running-nodes"),
        "templates": await admin_client.get(f"{nowhere}/templates"),
    }
    unfit = {
        "node_id": await admin_client.get(f"{path}/running-nodes", params={"node_id": "x"}),
        "sort_key": await admin_client.get(f"{path}/running-nodes", params={"sort_key": "pid"}),
        "file_type": await admin_client.get(f"{path}/templates", params={"file_type": "XML"}),
        "sort_dir": await admin_client.get(
            f"{path}/configurations/versions", params={"sort_dir": "up"}
        ),
    }

    # (SecMaster answers an unknown id 400, as the vendor does.)
    assert {k: a.status_code for k, a in answers.items()} == dict.fromkeys(answers, 400)
    assert all("component_id" in a.text for a in answers.values())
    assert {k: a.status_code for k, a in unfit.items()} == dict.fromkeys(unfit, 400)
    assert all(k in a.text for k, a in unfit.items())


async def test_nodes_are_listed_while_they_beat_and_not_once_stale_or_stopped(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    long_ago = utcnow() - timedelta(minutes=5)
    async with sessions() as session, session.begin():
        session.add(
            RunnerNode(
                id=uuid.uuid4(),
                kind="worker",
                host="gone.example",
                pid=1,
                started_at=long_ago,
                last_seen_at=long_ago,
            )
        )
    nodes = f"{path}/running-nodes"
    async with (
        heartbeat(sessions, NodeKind.worker) as one,
        heartbeat(sessions, NodeKind.in_process) as two,
    ):
        listed = (await admin_client.get(nodes, params={"sort_key": "create_time"})).json()
        by_id = (await admin_client.get(nodes, params={"node_id": str(two.id)})).json()
        by_name = (await admin_client.get(nodes, params={"node_name": "gone.example"})).json()
    after = (await admin_client.get(nodes)).json()

    assert [r["node_id"] for r in listed["records"]] == [str(one.id), str(two.id)]
    assert listed["count"] == 2
    assert [(r["node_id"], r["specification"]) for r in by_id["records"]] == [
        (str(two.id), "in-process")
    ]
    assert by_name == {"count": 0, "records": []}
    assert after == {"count": 0, "records": []}


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"configuration": [{"list": [{"param": {"timeout_seconds": 5}}]}]}', "timeout_seconds"),
        ('{"configuration": [{"list": [{"param": {"allowed_hosts": "a\\u0000"}}]}]}', "NUL"),
        ('{"configuration": [{"list": [{"param": {"x": "' + "y" * 5000 + '"}}]}]}', "param.x"),
        ('{"configuration": [{"list": []}]}', "configuration.0.list"),
        ('{"configuration": []}', "configuration"),
        ('{"configuration": {"list": []}}', "configuration"),
        ("[" * 300 + "]" * 300, "body"),
        ('{"configuration": [{"list": [{"param": {"timeout_seconds": "1e999"}}]}]}', "timeout"),
    ],
)
async def test_hostile_configuration_bodies_are_refused_and_save_nothing(
    admin_client: httpx.AsyncClient, path: str, content: str, field: str
) -> None:
    headers = {"Content-Type": "application/json"}
    answers = [
        await admin_client.post(f"{path}/configurations", content=content, headers=headers),
        await admin_client.post(
            f"{path}/configurations/application", content=content, headers=headers
        ),
    ]

    assert [a.status_code for a in answers] == [400, 400], [a.text for a in answers]
    assert all(field in a.text for a in answers), [a.text for a in answers]
    assert await _history(admin_client, path) == []
