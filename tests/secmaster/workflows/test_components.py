"""~/soc/components: the system components and their actions, by id or name; the catalogue
has every action the workflows' service tasks may name."""

from __future__ import annotations

import json

import httpx

from tests.factories import TenantInfo


def _path(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/components"


async def test_the_catalogue_lists_each_system_action(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = _path(tenant)
    components = (await admin_client.get(path, params={"limit": 100})).json()["data"]
    names = set()
    for component in components:
        actions = await admin_client.get(f"{path}/{component['id']}/action")
        names |= {a["action_name"] for a in actions.json()["data"]}

    assert names == {
        "set_fields",
        "add_tag",
        "remove_tag",
        "add_note",
        "assign",
        "set_status",
        "set_severity",
        "batch_order",
        "link_objects",
        "wait",
        "http_request",
        "webhook",
    }


async def test_components_and_actions_are_found_by_name_and_unknown_ones_are_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = _path(tenant)

    by_name = await admin_client.get(f"{path}/socdesk_flow/action/wait")
    unknown_component = await admin_client.get(f"{path}/nope")
    unknown_action = await admin_client.get(f"{path}/socdesk_flow/action/nope")

    assert by_name.status_code == 200
    assert by_name.json()["data"]["action_name"] == "wait"
    assert [p["name"] for p in json.loads(by_name.json()["data"]["action_input"])] == ["seconds"]
    assert unknown_component.status_code == 400
    assert "component_id: no component 'nope'" in unknown_component.json()["message"]
    assert "action_id:" in unknown_action.json()["message"]
