"""`~/components/{component_id}/configurations` and `.../running-nodes`: a workspace's
versioned settings of a component (automation/component_configurations.py) and the processes
that run workflows (automation/runs/nodes.py), as the SDK's ISAP methods show them
(docs/workflows.md "Component configuration", "Running nodes").

A save (POST `.../configurations`, as the SDK sends it) writes a new version; an application
(POST `.../configurations/application`) makes a version the one runs use: the settings it
carries (saved as a new version), or, when it carries none, the newest saved version. The node
fields of the SDK's bodies are accepted and ignored: a workspace's configuration is the same on
every node."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from socdesk.automation.component_configurations import ComponentConfigurationService
from socdesk.automation.component_settings import checked_settings, file_name
from socdesk.automation.components import Component, component
from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.nodes import NodeQuery, NodeSort, live_nodes
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import ComponentRefPath, LimitQuery, OffsetQuery
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.secmaster.components.isap import SortDir, descending
from socdesk.secmaster.components.isap_mapping import configuration_out, node_out, version_out
from socdesk.secmaster.components.isap_schemas import (
    ComponentConfigurationList,
    ConfigurationApplied,
    ConfigurationIn,
    ConfigurationSaved,
    ConfigurationVersionList,
)
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/components/{component_id}",
    tags=["SecMaster: ISAP components"],
    route_class=SecMasterRoute,
)
VersionSort = Annotated[
    Literal["version", "create_time"] | None,
    Query(description="Versions are made in order: both sort alike."),
]
_FILE = "configuration.0.list.0"


def _settings_given(of: Component, body: ConfigurationIn, ceiling: HttpLimits) -> str | None:
    """The body's settings, checked (None: it gives none)."""
    file = body.configuration[0].list[0]
    if file.file_name is not None and file.file_name != file_name(of):
        raise ValidationFailed.for_field(
            f"{_FILE}.file_name", f"{of.name}'s configuration is {file_name(of)!r}"
        )
    if file.file_type not in (None, "YML"):
        raise ValidationFailed.for_field(f"{_FILE}.file_type", "a component's file is YML")
    if file.param is None:
        return None
    return checked_settings(of, file.param, ceiling, f"{_FILE}.param")


@router.get("/configurations", summary="Show an ISAP component's configuration")
@may_answer(NotFound)
async def list_component_configuration(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    settings: SettingsDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: VersionSort = None,
    sort_dir: SortDir = None,
) -> ComponentConfigurationList:
    """One record, the workspace's: its applied version (`CURRENT_APPLY`; version 0 is the
    operator's settings, used while none is applied) and a newer saved one (`CURRENT_SAVE`)."""
    of = component(component_id)
    applied, newest = await ComponentConfigurationService(session, scope).state(of)
    record = configuration_out(of, applied, newest, HttpLimits.from_settings(settings))
    return ComponentConfigurationList(count=1, records=[record][offset : offset + limit])


@router.post("/configurations", summary="Save an ISAP component's configuration")
@may_answer(NotFound, Conflict)
async def update_component_configuration(
    component_id: ComponentRefPath,
    body: ConfigurationIn,
    scope: SecMasterWriter,
    session: SessionDep,
    settings: SettingsDep,
) -> ConfigurationSaved:
    """A new version of the settings (`param`, each held to the operator's limits), not yet
    used by runs: apply it with `POST .../configurations/application`."""
    of = component(component_id)
    given = _settings_given(of, body, HttpLimits.from_settings(settings))
    if given is None:
        raise ValidationFailed.for_field(f"{_FILE}.param", "is required: the settings to save")
    row = await ComponentConfigurationService(session, scope).save(of, given)
    return ConfigurationSaved(
        message=f"{of.name}: saved as version {row.version}", result="SUCCESS"
    )


@router.post("/configurations/application", summary="Apply an ISAP component's configuration")
@may_answer(NotFound, Conflict)
async def create_configuration_application(
    component_id: ComponentRefPath,
    body: ConfigurationIn,
    scope: SecMasterWriter,
    session: SessionDep,
    settings: SettingsDep,
) -> ConfigurationApplied:
    """The settings given (saved as a new version), or the newest saved version when `param`
    is left out, become the ones the workspace's runs use from their next step on."""
    of = component(component_id)
    ceiling = HttpLimits.from_settings(settings)
    service = ComponentConfigurationService(session, scope)
    applied = await service.apply(of, _settings_given(of, body, ceiling))
    return ConfigurationApplied(
        apply_fail_list=[], apply_success_list=[configuration_out(of, applied, applied, ceiling)]
    )


@router.get("/configurations/versions", summary="List an ISAP component's configuration versions")
@may_answer(NotFound)
async def list_history_component_configuration(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: VersionSort = None,
    sort_dir: Annotated[
        Literal["asc", "desc", "ASC", "DESC"] | None,
        Query(description="`desc` (the default: newest first) or `asc`."),
    ] = None,
) -> ConfigurationVersionList:
    """Every saved version: the applied one `DEPLOYED` (its file `CURRENT_APPLY`), a newer
    one `CURRENT_SAVE`, the others `HISTORY`."""
    of = component(component_id)
    service = ComponentConfigurationService(session, scope)
    applied, newest = await service.state(of)
    newest_first = sort_dir is None or descending(sort_dir)
    rows, total = await service.history(of, offset, limit, newest_first)
    return ConfigurationVersionList(
        count=total, records=[version_out(of, r, applied, newest) for r in rows]
    )


@router.get("/running-nodes", summary="List the nodes running an ISAP component")
@may_answer(NotFound)
async def list_running_nodes(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    settings: SettingsDep,
    node_id: Annotated[uuid.UUID | None, Query(description="One node's id.")] = None,
    node_name: Annotated[
        QueryText | None, Query(max_length=255, description="A part of the node's host name.")
    ] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: Annotated[
        NodeSort | None, Query(description="By start (the default), last heartbeat or host.")
    ] = None,
    sort_dir: SortDir = None,
) -> ComponentConfigurationList:
    """The processes running workflows (every component's actions) seen in the last minute:
    `socdesk worker`s and servers' in-process runners, each with the configuration its runs
    use here (the workspace's applied one)."""
    of = component(component_id)
    query = NodeQuery(
        node_id, node_name, sort_key or NodeSort.create_time, descending(sort_dir), offset, limit
    )
    nodes, total = await live_nodes(session, query)
    applied, _newest = await ComponentConfigurationService(session, scope).state(of)
    ceiling = HttpLimits.from_settings(settings)
    return ComponentConfigurationList(
        count=total, records=[node_out(of, n, applied, ceiling) for n in nodes]
    )
