"""`~/soc/playbooks/instances...` (list, show, RETRY|TERMINATE, topology, audit logs) and
`~/soc/playbooks/{id}/monitor`, in the SDK's shapes (docs/playbooks.md, "Instances").
Registered before the playbooks router, whose `~/soc/playbooks/{playbook_id}` would match
`instances`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from socdesk.automation.playbooks.instances import (
    AuditLogFilter,
    DateType,
    InstanceFilter,
    PlaybookInstanceFigures,
    PlaybookInstanceService,
)
from socdesk.automation.playbooks.service import PlaybookService
from socdesk.kit.clock import parse_time
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import LimitQuery, OffsetQuery, PlaybookIdPath, PlaybookInstanceIdPath
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.models import RunStatus, TriggerType
from socdesk.secmaster.playbook_instances.mapping import audit_log_out, instance_out, topology_out
from socdesk.secmaster.playbook_instances.schemas import (
    AuditLogList,
    AuditLogQuery,
    InstanceList,
    InstanceOut,
    OperationBody,
    TopologyOut,
)
from socdesk.secmaster.playbooks.schemas import MonitorEnvelope, MonitorOut, RunStatistics
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks",
    tags=["SecMaster: playbook instances"],
    route_class=SecMasterRoute,
)
Name = Annotated[QueryText | None, Query(max_length=128)]
TimeText = Annotated[
    QueryText | None, Query(max_length=64, description="ISO 8601 with an offset, or `...Z+0800`.")
]


def _time(field: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_time(value)
    except ValueError as error:
        raise ValidationFailed.for_field(field, str(error)) from None


@router.get("/instances", summary="List playbook instances")
async def list_playbook_instances(
    scope: SecMasterReader,
    session: SessionDep,
    status: Annotated[RunStatus | None, Query(description="Derived from its runs.")] = None,
    name: Name = None,
    playbook_name: Name = None,
    dataclass_name: Name = None,
    dataobject_name: Annotated[
        QueryText | None, Query(max_length=64, description="The data object's id.")
    ] = None,
    trigger_type: Literal["EVENT", "TIMER"] | None = None,
    from_date: TimeText = None,
    to_date: TimeText = None,
    date_type: Annotated[
        DateType, Query(description="START: from/to bound the start; END: the end.")
    ] = DateType.START,
    limit: LimitQuery = 10,
    offset: OffsetQuery = 0,
) -> InstanceList:
    """Newest first; the filters combine (names: contained)."""
    where = InstanceFilter(
        status=status,
        name=name,
        playbook_name=playbook_name,
        dataclass_name=dataclass_name,
        dataobject_name=dataobject_name,
        trigger_type=TriggerType(trigger_type) if trigger_type else None,
        from_date=_time("from_date", from_date),
        to_date=_time("to_date", to_date),
        date_type=date_type,
    )
    rows, total = await PlaybookInstanceService(session, scope).listing(where, offset, limit)
    return InstanceList(count=total, instances=[instance_out(r, scope) for r in rows])


@router.post("/instances/auditlogs", summary="List the audit logs of playbook instances")
async def list_playbook_audit_logs(
    body: AuditLogQuery,
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: Literal["start_time", "end_time"] = "start_time",
    sort_dir: Literal["ASC", "DESC"] = "ASC",
) -> AuditLogList:
    """One log per task a playbook instance's runs ran, with its input, output and error; the
    body's fields narrow them (docs/playbooks.md)."""
    where = AuditLogFilter(
        instance_id=body.instance_id,
        run_id=body.parent_instance_id,
        element_id=body.action_id,
        element_type=body.instance_type,
        element_name=body.action_name,
        status=body.status,
        log_level=body.log_level,
        trigger_type=body.trigger_type,
        since=_time("start_time", body.start_time),
        until=_time("end_time", body.end_time),
    )
    rows, total = await PlaybookInstanceFigures(session, scope).audit_logs(
        where, sort_key == "end_time", sort_dir == "ASC", offset, limit
    )
    return AuditLogList(count=total, audit_logs=[audit_log_out(r) for r in rows])


@router.get("/instances/{instance_id}", summary="Show a playbook instance")
@may_answer(NotFound)
async def show_playbook_instance(
    instance_id: PlaybookInstanceIdPath, scope: SecMasterReader, session: SessionDep
) -> InstanceOut:
    row = await PlaybookInstanceService(session, scope).show(instance_id)
    return instance_out(row, scope)


@router.post("/instances/{instance_id}/operation", summary="Retry or terminate an instance")
@may_answer(NotFound, Conflict)
async def change_playbook_instance(
    instance_id: PlaybookInstanceIdPath,
    body: OperationBody,
    scope: SecMasterWriter,
    session: SessionDep,
) -> InstanceOut:
    """RETRY takes its failed and terminated runs again from their last committed task;
    TERMINATE ends its live runs. 409 when it has no such run."""
    row = await PlaybookInstanceService(session, scope).operate(instance_id, body.operation)
    return instance_out(row, scope)


@router.get("/instances/{instance_id}/topology", summary="A playbook instance's runs and tasks")
@may_answer(NotFound)
async def show_playbook_topology(
    instance_id: PlaybookInstanceIdPath, scope: SecMasterReader, session: SessionDep
) -> TopologyOut:
    """Per run (one per action of the version): the run, then each task it ran."""
    topology = await PlaybookInstanceService(session, scope).topology(instance_id)
    return topology_out(topology, scope)


@router.get("/{playbook_id}/monitor", summary="A playbook's run figures")
@may_answer(NotFound)
async def show_playbook_monitors(
    playbook_id: PlaybookIdPath,
    scope: SecMasterReader,
    session: SessionDep,
    start_time: TimeText = None,
    end_time: TimeText = None,
    version_query_type: Annotated[
        Literal["ALL", "VALID", "DELETED"] | None,
        Query(description="Instances of ALL versions, of VALID (existing) or DELETED ones."),
    ] = None,
) -> MonitorEnvelope:
    """Counts of the playbook's instances (created between the times, when given); run times
    in seconds, of ended instances."""
    playbook = await PlaybookService(session, scope).find(playbook_id)
    found, extremes = await PlaybookInstanceFigures(session, scope).monitor(
        playbook.id,
        _time("start_time", start_time),
        _time("end_time", end_time),
        version_query_type,
    )

    def statistics(index: int) -> RunStatistics:
        if len(extremes) <= index:
            return RunStatistics()
        row = extremes[index]
        # Ended instances only: both times are set.
        assert row.started_at is not None
        assert row.ended_at is not None
        return RunStatistics(
            playbook_instance_id=str(row.instance.id),
            playbook_instance_name=row.instance.name,
            playbook_instance_run_time=(row.ended_at - row.started_at).total_seconds(),
        )

    return MonitorEnvelope(
        data=MonitorOut(
            total_instance_run_num=int(found["total"]),
            schedule_instance_run_num=int(found["timer"]),
            event_instance_run_num=int(found["event"]),
            average_run_time=float(found["average"]),
            min_run_time_instance=statistics(0),
            max_run_time_instance=statistics(1),
            total_instance_num=int(found["total"]),
            success_instance_num=int(found["finished"]),
            fail_instance_num=int(found["failed"]),
            terminate_instance_num=int(found["terminated"]),
            running_instance_num=int(found["live"]),
        )
    )
