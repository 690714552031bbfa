"""A tenant full of real objects for the fuzzer, put in through the API itself.

The fuzzer's path parameters and id lists draw from the ids recorded here, so its requests
reach real incidents, comments, risks, sources, avatars, API keys and access keys instead of
answering 404 to every random UUID.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.automation.runs.runner import Runner
from socdesk.models import Role
from socdesk.settings import Settings
from tests.automation.bpmn_files import TRIAGE_FILE
from tests.automation.runs.helpers import chain, runnable, service_task, started
from tests.avatars.images import tiny_jpeg, tiny_png
from tests.factories import PASSWORD, TenantInfo, login, make_member, make_tenant, password_body
from tests.objects.payloads import alert, indicator, vulnerability
from tests.secmaster.incidents.payloads import incident_object

SECMASTER_INCIDENTS = 4
REGISTER_INCIDENTS = 3
SOURCES = ("Mail gateway", "Firewall")
TAGGING = chain("fuzz tagging", ("tag", service_task("tag", "add_tag", tag="fuzzed")))
ASKING = chain("fuzz asking", ("ask", '<bpmn:userTask id="ask" name="Confirm"/>\n'))


@dataclass
class Seed:
    """What the seeded store holds: the fuzzer's own token and the ids its requests may name."""

    token: str
    project_hex: str
    workspace_ids: list[str]
    incident_uuids: list[str]
    incident_numbers: list[str]
    risk_ids: list[str]
    source_names: list[str]
    comment_ids: list[str]
    user_ids: list[str]
    api_key_ids: list[str]
    access_keys: list[str]
    dataclass_refs: list[str]
    # Types of the data classes (categories and sub-categories) in the main workspace.
    dataclass_type_ids: list[str] = field(default_factory=list)
    # Route names of the classes with generic routes, and alerts of the main workspace.
    dataclass_names: list[str] = field(default_factory=list)
    alert_ids: list[str] = field(default_factory=list)
    # Indicators and vulnerabilities of the main workspace (their own SDK routes).
    indicator_ids: list[str] = field(default_factory=list)
    vulnerability_ids: list[str] = field(default_factory=list)
    # Objects of the workspace's own class (Asset, route `assets`).
    asset_ids: list[str] = field(default_factory=list)
    # Workflows of the main workspace (the triage example, imported) and their versions.
    workflow_ids: list[str] = field(default_factory=list)
    workflow_version_ids: list[str] = field(default_factory=list)
    # Playbooks of the main workspace (EDITING versions with a rule and an action each).
    playbook_ids: list[str] = field(default_factory=list)
    playbook_version_ids: list[str] = field(default_factory=list)
    playbook_rule_ids: list[str] = field(default_factory=list)
    playbook_action_ids: list[str] = field(default_factory=list)
    # Component templates and attachments of the main workspace.
    template_ids: list[str] = field(default_factory=list)
    attachment_ids: list[str] = field(default_factory=list)
    # Runs of the triage and a user-task workflow, and the to-do the second opened.
    instance_ids: list[str] = field(default_factory=list)
    # An instance of a playbook that ran the tagging workflow on an incident (then disabled).
    playbook_instance_ids: list[str] = field(default_factory=list)
    todo_ids: list[str] = field(default_factory=list)
    # Tokens of the fuzzer's user and of a member; revoking them leaves the fuzzer's own token.
    spare_tokens: list[str] = field(default_factory=list)
    logins: list[dict[str, object]] = field(default_factory=list)

    @property
    def incident_ids(self) -> list[str]:
        """Register routes take `INC-00001` or the UUID."""
        return self.incident_uuids + self.incident_numbers


def _data(body: dict[str, object]) -> dict[str, object]:
    data = body["data"]
    assert isinstance(data, dict)
    return data


def _ok(response: httpx.Response) -> dict[str, object]:
    assert response.status_code < 300, f"seeding failed: {response.request.url} {response.text}"
    body: dict[str, object] = response.json() if response.content else {}
    return body


async def _dataclass_types(client: httpx.AsyncClient, classes_path: str) -> list[str]:
    """A class of the workspace's own (with a field added to it) and types of the classes."""
    field_of = {"field_key": "hostname", "name": "Host name", "field_type": "String"}
    _ok(
        await client.post(
            classes_path, json={"name": "Asset", "business_code": "Asset", "fields": [field_of]}
        )
    )
    added = {"fields": [{"field_key": "ticket", "name": "Ticket", "field_type": "String"}]}
    _ok(await client.post(f"{classes_path}/Alert/fields", json=added))
    bodies = {
        "Incident": {
            "category": "Intrusion",
            "category_code": "intrusion",
            "sub_category": "Brute force",
            "sub_category_code": "brute",
        },
        "Indicator": {"category": "IP", "category_code": "ip"},
        "Asset": {
            "name": "Server",
            "business_code": "server",
            "dataclass_business_code": "Asset",
            "level": 1,
        },
    }
    types = [
        _ok(await client.post(f"{classes_path}/{ref}/types", json=body))
        for ref, body in bodies.items()
    ]
    return [str(t["id"]) for t in types]


async def _secmaster_incidents(
    client: httpx.AsyncClient, tenant: TenantInfo, workspace: str
) -> list[str]:
    path = f"{tenant.workspaces_path}/{workspace}/soc/incidents"
    ids = []
    for n in range(SECMASTER_INCIDENTS):
        body = {
            "data_object": incident_object(
                title=f"Seeded incident {n}",
                labels="fuzz,seed",
                network_list=[{"src_ip": "10.0.0.1", "dest_ip": "10.0.0.2", "protocol": "TCP"}],
            )
        }
        created = _ok(await client.post(path, json=body))
        data = created["data"]
        assert isinstance(data, dict)
        ids.append(str(data["id"]))
    return ids


async def _register_incidents(client: httpx.AsyncClient) -> list[str]:
    """Incidents opened through the register; their `INC-00001` ids."""
    numbers = []
    for n in range(REGISTER_INCIDENTS):
        body = {
            "title": f"Register incident {n}",
            "severity": "High",
            "source": SOURCES[n % len(SOURCES)],
            "tags": ["phishing", f"wave-{n}"],
        }
        numbers.append(
            str(_field(_ok(await client.post("/v1/incidents", json=body)), "incident", "id"))
        )
    return numbers


async def seed_store(settings: Settings) -> Seed:
    """Build a tenant with every kind of object in the store `settings` names."""
    app = create_app(settings)
    sessions: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    try:
        tenant = await make_tenant(sessions)
        member = await make_member(sessions, tenant, Role.analyst)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
            token = await login(anon, tenant.admin_email, tenant.project_name)
            spare = [await login(anon, tenant.admin_email, tenant.project_name) for _ in range(2)]
            spare += [await login(anon, member, tenant.project_name) for _ in range(2)]
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"X-Auth-Token": token}
        ) as client:
            seed = await _seed_objects(client, tenant, member, token, spare)
            await _runs(client, sessions, seed, tenant)
            return seed
    finally:
        await app.state.engine.dispose()


async def _seed_objects(
    client: httpx.AsyncClient, tenant: TenantInfo, member: str, token: str, spare: list[str]
) -> Seed:
    main = str(tenant.workspace_id)
    second = _ok(
        await client.post(tenant.workspaces_path, json={"name": "second", "description": "fuzz"})
    )
    workspaces = [main, str(_data_id(second))]
    incidents = await _secmaster_incidents(client, tenant, main)
    sources = []
    for name in SOURCES:
        _ok(await client.post("/v1/sources", json={"name": name}))
        sources.append(name)
    numbers = await _register_incidents(client)
    risks = []
    for title in ("Data exfiltration", "Ransomware"):
        risk = _ok(await client.post("/v1/risks", json={"title": title, "description": "seed"}))
        risks.append(str(_field(risk, "risk", "id")))
    _ok(await client.put(f"/v1/incidents/{numbers[0]}/risks", json={"risk_ids": risks}))
    comments = []
    for n in range(3):
        path = f"/v1/incidents/{numbers[n % len(numbers)]}/comments"
        comment = _ok(await client.post(path, json={"content": f"Seeded comment {n}"}))
        comments.append(str(_field(comment, "comment", "id")))
    users = _ok(await client.get("/v1/users"))["users"]
    assert isinstance(users, list)
    user_ids = [str(u["id"]) for u in users]
    member_id = next(str(u["id"]) for u in users if u.get("email") == member)
    _ok(
        await client.put(
            f"/api/v1/users/{tenant.admin_id}/avatar",
            content=tiny_png(),
            headers={"Content-Type": "image/png"},
        )
    )
    _ok(
        await client.put(
            f"/api/v1/users/{member_id}/avatar",
            files={"file": ("me.jpg", tiny_jpeg(), "image/jpeg")},
        )
    )
    api_keys = []
    for name in ("ci", "soar"):
        created = _ok(await client.post("/v3/auth/api-keys", json={"name": name}))
        api_keys.append(str(_field(created, "api_key", "id")))
    access_keys = []
    for _ in range(2):
        created = _ok(await client.post("/v3/auth/access-keys"))
        access_keys.append(str(_field(created, "access_key", "access_key")))
    classes_path = f"{tenant.workspaces_path}/{main}/soc/dataclasses"
    type_ids = await _dataclass_types(client, classes_path)
    classes = _ok(await client.get(classes_path, params={"limit": 100}))
    details = classes["dataclass_details"]
    assert isinstance(details, list)
    refs = [str(c["id"]) for c in details] + [str(c["name"]) for c in details]
    alerts = _ok(
        await client.post(
            f"{tenant.workspaces_path}/{main}/soc/datapanel/Alert/data-objects/batch-create",
            json={"data_object": [alert(title=f"Seeded alert {n}") for n in range(3)]},
        )
    )
    assert isinstance(alerts, list)
    panel = f"{tenant.workspaces_path}/{main}/soc/datapanel"
    indicators = _ok(
        await client.post(
            f"{panel}/Indicator/data-objects/batch-create",
            json={"data_object": [indicator(name=f"Seeded indicator {n}") for n in range(2)]},
        )
    )
    vulnerabilities = _ok(
        await client.post(
            f"{panel}/Vulnerability/data-objects/batch-create",
            json={"data_object": [vulnerability(vul_name=f"CVE-2026-000{n}") for n in range(2)]},
        )
    )
    assets = _ok(
        await client.post(
            f"{panel}/Asset/data-objects/batch-create",
            json={"data_object": [{"hostname": f"web-{n}"} for n in range(2)]},
        )
    )
    assert isinstance(indicators, list)
    assert isinstance(vulnerabilities, list)
    assert isinstance(assets, list)
    workflow_ids, version_ids = await _workflows(client, f"{tenant.workspaces_path}/{main}")
    playbooks = await _playbooks(client, f"{tenant.workspaces_path}/{main}", workflow_ids)
    template = _ok(
        await client.post(
            f"{tenant.workspaces_path}/{main}/soc/components/template",
            json={
                "component_id": "socdesk_http",
                "template_name": "JSON post",
                "task_config": '{"http_request": {"method": "POST"}}',
            },
        )
    )
    attachment = _ok(
        await client.post(
            f"{tenant.workspaces_path}/{main}/soc/attachment/upload",
            data={"fileType": "user_task"},
            files={"uploadFile": ("note.txt", b"seen at 02:00")},
        )
    )
    return Seed(
        token=token,
        project_hex=tenant.project_hex,
        workspace_ids=workspaces,
        incident_uuids=incidents,
        incident_numbers=numbers,
        risk_ids=risks,
        source_names=sources,
        comment_ids=comments,
        user_ids=user_ids,
        api_key_ids=api_keys,
        access_keys=access_keys,
        dataclass_refs=refs,
        dataclass_type_ids=type_ids,
        dataclass_names=["alerts", "indicators", "vulnerabilities", "assets"],
        alert_ids=[str(a["id"]) for a in alerts],
        indicator_ids=[str(i["id"]) for i in indicators],
        vulnerability_ids=[str(v["id"]) for v in vulnerabilities],
        asset_ids=[str(a["id"]) for a in assets],
        workflow_ids=workflow_ids,
        workflow_version_ids=version_ids,
        playbook_ids=playbooks["playbooks"],
        playbook_version_ids=playbooks["versions"],
        playbook_rule_ids=playbooks["rules"],
        playbook_action_ids=playbooks["actions"],
        template_ids=[str(_data(template)["id"])],
        attachment_ids=[str(_data(attachment)["id"])],
        spare_tokens=spare,
        logins=[password_body(member, tenant.project_name, PASSWORD)],
    )


async def _workflows(client: httpx.AsyncClient, workspace: str) -> tuple[list[str], list[str]]:
    """The triage example imported twice (two versions of one workflow), and a second one."""
    path = f"{workspace}/soc/workflows"
    example = TRIAGE_FILE.read_bytes()
    for _ in range(2):
        _ok(await client.post(f"{path}/import", files={"uploadFile": ("t.bpmn", example)}))
    _ok(await client.post(path, json={"name": "Empty", "dataclass_id": "Alert"}))
    listed = _ok(await client.get(path, params={"limit": 100}))["data"]
    assert isinstance(listed, list)
    workflow_ids = [str(w["id"]) for w in listed]
    version_ids = []
    for workflow_id in workflow_ids:
        versions = _ok(await client.get(f"{path}/{workflow_id}/versions"))["data"]
        assert isinstance(versions, list)
        version_ids += [str(v["id"]) for v in versions]
    return workflow_ids, version_ids


async def _playbooks(
    client: httpx.AsyncClient, workspace: str, workflow_ids: list[str]
) -> dict[str, list[str]]:
    """Two playbooks, each with an EDITING version running the first (Incident) workflow
    under a rule."""
    path = f"{workspace}/soc/playbooks"
    found: dict[str, list[str]] = {"playbooks": [], "versions": [], "rules": [], "actions": []}
    incident_flows = [
        str(w["id"])
        for w in _ok(await client.get(f"{workspace}/soc/workflows", params={"limit": 100}))["data"]  # type: ignore[union-attr]
        if w["dataclass_name"] == "Incident" and str(w["id"]) in workflow_ids
    ]
    rule = {"conditions": [{"name": "high", "data": ["severity", "=", "High"]}]}
    for name in ("Seeded triage", "Seeded spare"):
        playbook = _data_id(_ok(await client.post(path, json={"name": name})))
        body = {
            "dataclass_id": "Incident",
            "dataobject_create": True,
            "rule_enable": True,
            "rule": {"rule": rule},
            "actions": [{"name": "triage", "action_id": incident_flows[0]}],
        }
        version = _ok(await client.post(f"{path}/{playbook}/versions", json=body))["data"]
        assert isinstance(version, dict)
        found["playbooks"].append(str(playbook))
        found["versions"].append(str(version["id"]))
        found["rules"].append(str(version["rule_id"]))
        found["actions"] += [str(a["id"]) for a in version["actions"]]
    return found


async def _runs(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    seed: Seed,
    tenant: TenantInfo,
) -> None:
    """A finished run of a tagging workflow and a run waiting on its to-do."""
    workspace = f"{tenant.workspaces_path}/{seed.workspace_ids[0]}"
    for bpmn, name in (
        (TAGGING, "fuzz tagging"),
        (ASKING, "fuzz asking"),
    ):
        seed.workflow_ids.append(await runnable(client, tenant, bpmn, name))
        run = await started(client, tenant, seed.workflow_ids[-1], seed.incident_uuids[0])
        seed.instance_ids.append(run)
    await _playbook_instance(client, workspace, seed.workflow_ids[-2])
    await Runner(sessions).drain()
    listed = _ok(await client.get(f"{workspace}/soc/playbooks/instances"))["instances"]
    assert isinstance(listed, list)
    seed.playbook_instance_ids = [str(i["id"]) for i in listed]
    todos = _ok(await client.get(f"{workspace}/soc/tasks"))["data"]
    assert isinstance(todos, list)
    seed.todo_ids = [str(t["id"]) for t in todos]


async def _playbook_instance(client: httpx.AsyncClient, workspace: str, workflow_id: str) -> None:
    """A playbook running `workflow_id` on every incident created, fired once, then disabled
    (so the fuzzer's own writes start nothing)."""
    soc = f"{workspace}/soc"
    _ok(await client.put(f"{soc}/workflows/{workflow_id}", json={"enabled": True}))
    playbook = _data_id(_ok(await client.post(f"{soc}/playbooks", json={"name": "fuzz fired"})))
    body = {
        "dataclass_id": "Incident",
        "trigger_type": "EVENT",
        "dataobject_create": True,
        "action_strategy": "ASYNC",
        "actions": [{"name": "tag", "action_type": "AOP_WORKFLOW", "action_id": workflow_id}],
    }
    version = _data_id(_ok(await client.post(f"{soc}/playbooks/{playbook}/versions", json=body)))
    versions = f"{soc}/playbooks/versions/{version}"
    _ok(await client.put(versions, json={"status": "APPROVING"}))
    _ok(await client.post(f"{versions}/approval", json={"result": "PASS", "content": "ok"}))
    enable = {"enabled": True, "active_version_id": str(version)}
    _ok(await client.put(f"{soc}/playbooks/{playbook}", json=enable))
    _ok(await client.post(f"{soc}/incidents", json={"data_object": incident_object()}))
    _ok(await client.put(f"{soc}/playbooks/{playbook}", json={"enabled": False}))


def _data_id(envelope: dict[str, object]) -> uuid.UUID:
    data = envelope.get("data", envelope)
    assert isinstance(data, dict)
    return uuid.UUID(str(data["id"]))


def _field(body: dict[str, object], key: str, name: str) -> object:
    inner = body[key]
    assert isinstance(inner, dict)
    return inner[name]
