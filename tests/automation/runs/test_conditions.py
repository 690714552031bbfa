"""Gateway conditions: evaluated over the data object by the safe evaluator, never `eval`."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.bpmn import read_taskflow
from socdesk.automation.runs.engine import EngineError, RunEngine, load_process
from socdesk.automation.runs.expressions import ExpressionRefused, evaluate
from socdesk.models import IncidentTag
from tests.automation.runs.helpers import HEAD, instance, runnable, runner, service_task, started
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object
from tests.secmaster.workflows.helpers import upload, workflows, workflows_path


def gateway(condition: str) -> str:
    return (
        f'{HEAD}<bpmn:process id="routed" name="routed" isExecutable="true">\n'
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:exclusiveGateway id="gw" default="to_other"/>\n'
        + service_task("high", "add_tag", tag="high")
        + service_task("other", "add_tag", tag="other")
        + '<bpmn:endEvent id="end"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>\n'
        '<bpmn:sequenceFlow id="to_high" sourceRef="gw" targetRef="high">'
        f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="to_other" sourceRef="gw" targetRef="other"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="high" targetRef="end"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="other" targetRef="end"/>\n'
        "</bpmn:process>\n</bpmn:definitions>\n"
    )


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('severity == "High"', True),
        ('severity in ["High", "Fatal"] and not closed', True),
        ("data_source.source_type >= 3", True),
        ("missing.field == None", True),
        ("confidence > 80", False),
        ("-1 < 0", True),
    ],
)
def test_the_evaluator_reads_fields_and_compares(expression: str, value: bool) -> None:
    data = {"severity": "High", "closed": False, "data_source": {"source_type": 3}}
    assert evaluate(expression, data) is value


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('id')",
        "severity.upper()",
        "[x for x in y]",
        "a[0]",
        "lambda: 1",
        "-" * 1990 + "1",
        "a" + ".b" * 990,
        "x" * 2001,
    ],
)
def test_the_evaluator_refuses_anything_but_comparisons(expression: str) -> None:
    with pytest.raises(ExpressionRefused):
        evaluate(expression, {"a": [1]})


async def _tags(sessions: async_sessionmaker[AsyncSession], incident_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(IncidentTag.content).where(IncidentTag.incident_id == uuid.UUID(incident_id))
        )
        return sorted(rows)


async def test_a_gateway_routes_on_the_incident(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    routed = await runnable(admin_client, tenant, gateway('severity == "High"'), "routed")
    high, low = await seed_incidents(
        sessions, tenant, [incident_object(severity="High"), incident_object(severity="Low")]
    )
    first = await started(admin_client, tenant, routed, high)
    second = await started(admin_client, tenant, routed, low)
    await runner(sessions).drain()
    assert (await instance(admin_client, tenant, first))["status"] == "FINISHED"
    assert (await instance(admin_client, tenant, second))["status"] == "FINISHED"
    assert await _tags(sessions, high) == ["high"]
    assert await _tags(sessions, low) == ["other"]


HOSTILE = gateway("__import__(&apos;os&apos;).getpid() == 1").replace(
    'id="routed" name="routed"', 'id="hostile" name="hostile"'
)


async def test_a_hostile_condition_is_refused_at_import_naming_its_flow(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = workflows_path(tenant)
    refused = await upload(admin_client, path, HOSTILE, "hostile.bpmn")
    assert refused.status_code == 400
    assert "sequenceFlow 'to_high'" in refused.json()["message"]
    assert "Call is not allowed" in refused.json()["message"]
    assert await workflows(admin_client, path) == []


def test_the_engine_refuses_a_hostile_condition_stored_before_the_check() -> None:
    engine = RunEngine(load_process(read_taskflow(HOSTILE).xml), "", {"severity": "High"})
    with pytest.raises(EngineError, match="Call is not allowed"):
        engine.advance(100)
