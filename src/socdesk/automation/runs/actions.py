"""The component actions a run's service tasks perform, through the same domain services as the
APIs (so each change is audited with the run as its actor, `workflow:<run id>`).

`DISPATCH` maps an action's name to its function. The HTTP actions call out through
`automation/http_calls.py` (the operator's allow-list and limits, RunLimits.http): at least
once, not exactly once — a run resumed after a crash may call again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation import http_calls
from socdesk.automation.components import ACTIONS, ParamType
from socdesk.automation.http_calls import HttpLimits
from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.relations import TagChange, TagOperation
from socdesk.incidents.service import IncidentService
from socdesk.kit.errors import AppError
from socdesk.notes.service import NoteService
from socdesk.objects.changes import Batch
from socdesk.objects.service import DataObjectService
from socdesk.relations.ordering import AlertOrdering, OrderContent
from socdesk.relations.service import LinkService
from socdesk.workspaces.scope import WorkspaceScope


class ActionFailed(Exception):
    """The action could not be done; the run fails with this message."""


@dataclass(frozen=True, slots=True)
class ActionContext:
    session: AsyncSession
    scope: WorkspaceScope
    data_class: DataClass
    object_id: uuid.UUID | None
    http: HttpLimits = HttpLimits()


Action = Callable[[ActionContext, dict[str, Any]], Awaitable[dict[str, Any]]]


def typed_params(name: str, raw: dict[str, str]) -> dict[str, Any]:
    """The task's parameters (text in the BPMN) as their types (the checks held them)."""
    action = ACTIONS[name]
    typed: dict[str, Any] = {}
    for key, text in raw.items():
        spec = action.param(key)
        if spec is None:
            continue
        if spec.type is ParamType.integer:
            typed[key] = int(text)
        elif spec.type in (ParamType.object, ParamType.list):
            typed[key] = json.loads(text)
        else:
            typed[key] = text
    return typed


def _target(ctx: ActionContext, params: dict[str, Any]) -> uuid.UUID:
    target = str(params.get("target") or "trigger")
    if target == "trigger":
        if ctx.object_id is None:
            raise ActionFailed("the run has no data object to act on (target: trigger)")
        return ctx.object_id
    try:
        return uuid.UUID(target)
    except ValueError:
        raise ActionFailed(f"target: {target[:100]!r} is no object id") from None


def _is_incident(ctx: ActionContext) -> bool:
    return ctx.data_class.id == INCIDENT.id


async def _set(ctx: ActionContext, params: dict[str, Any], fields: dict[str, Any]) -> None:
    object_id = _target(ctx, params)
    if _is_incident(ctx):
        try:
            record = IncidentObject.model_validate(fields)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
            )
            raise ActionFailed(f"fields: {problems}") from None
        await IncidentService(ctx.session, ctx.scope).change_unanswered(str(object_id), record)
    else:
        await DataObjectService(ctx.session, ctx.scope).change(
            ctx.data_class, str(object_id), dict(fields), Batch()
        )


async def set_fields(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    fields = params["fields"]
    await _set(ctx, params, fields)
    return {"fields": sorted(fields)}


async def set_status(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    await _set(ctx, params, {"handle_status": params["status"]})
    return {"handle_status": params["status"]}


async def set_severity(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    await _set(ctx, params, {"severity": params["severity"]})
    return {"severity": params["severity"]}


async def assign(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    await _set(ctx, params, {"owner": params["owner"]})
    return {"owner": params["owner"]}


async def _tag(ctx: ActionContext, params: dict[str, Any], operation: TagOperation) -> None:
    object_id = _target(ctx, params)
    tag = str(params["tag"]).strip()
    if not tag:
        raise ActionFailed("tag: must not be empty")
    if _is_incident(ctx):
        changes = IncidentChanges(ctx.session, ctx.scope)
        if not await changes.change_tags_of(object_id, TagChange.of(operation, [tag])):
            raise ActionFailed(f"no incident {object_id} in this workspace")
        return
    # Other classes keep their tags in `labels`, comma-separated (SecMaster's form).
    service = DataObjectService(ctx.session, ctx.scope)
    shown = await service.show(ctx.data_class, str(object_id))
    labels = [t for t in str(shown.data_object.get("labels") or "").split(",") if t]
    if operation is TagOperation.add and tag not in labels:
        labels.append(tag)
    elif operation is TagOperation.remove:
        labels = [t for t in labels if t != tag]
    await service.change(ctx.data_class, str(object_id), {"labels": ",".join(labels)}, Batch())


async def add_tag(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    await _tag(ctx, params, TagOperation.add)
    return {"tag": params["tag"]}


async def remove_tag(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    await _tag(ctx, params, TagOperation.remove)
    return {"tag": params["tag"]}


async def add_note(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    note = await NoteService(ctx.session, ctx.scope).add(
        str(_target(ctx, params)), str(params["text"]), None, None
    )
    return {"note_id": str(note.id)}


async def batch_order(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("alert_ids") or ([str(ctx.object_id)] if ctx.object_id else [])
    title = str(params.get("title") or "Incident from alerts")
    content = OrderContent(title, params.get("category"), params.get("incident_type"))
    outcome = await AlertOrdering(ctx.session, ctx.scope).order(ids, content)
    if not outcome.success_ids:
        raise ActionFailed(f"alert_ids: no open alert to order among {ids[:10]}")
    return {"incident_id": outcome.success_ids[0], "error_ids": outcome.error_ids}


async def link_objects(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    service = LinkService(ctx.session, ctx.scope)
    related = await service.data_class(str(params["related_type"]), "related_type")
    outcome = await service.link(
        ctx.data_class, str(_target(ctx, params)), related, list(params["ids"])
    )
    return {"linked": outcome.success_ids, "error_ids": outcome.error_ids}


async def http_request(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        return await http_calls.http_request(params, ctx.http)
    except http_calls.HttpCallError as error:
        raise ActionFailed(str(error)) from None


async def webhook(ctx: ActionContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        return await http_calls.webhook(params, ctx.http)
    except http_calls.HttpCallError as error:
        raise ActionFailed(str(error)) from None


DISPATCH: dict[str, Action] = {
    "set_fields": set_fields,
    "add_tag": add_tag,
    "remove_tag": remove_tag,
    "add_note": add_note,
    "assign": assign,
    "set_status": set_status,
    "set_severity": set_severity,
    "batch_order": batch_order,
    "link_objects": link_objects,
    "http_request": http_request,
    "webhook": webhook,
}
# `wait` is the runner's own: the run sleeps in the database (runner.py).
WAIT = "wait"
# The actions that call out of the store: each gets a transaction of its own (runner.py).
CALLS_OUT = frozenset({"http_request", "webhook"})


def acts_on_trigger(name: str, raw: dict[str, str]) -> bool:
    """Whether the action's object is the run's own data object: a `target` of `trigger` (the
    default), or a batch order that lists no alerts."""
    if name == "batch_order":
        return not raw.get("alert_ids")
    action = ACTIONS.get(name)
    takes_target = action is not None and action.param("target") is not None
    return takes_target and (raw.get("target") or "trigger") == "trigger"


async def perform(ctx: ActionContext, name: str, raw: dict[str, str]) -> dict[str, Any]:
    """Do the action; ActionFailed with the reason when it cannot be done."""
    action = DISPATCH.get(name)
    if action is None:
        raise ActionFailed(f"unknown component action {name!r}")
    try:
        return await action(ctx, typed_params(name, raw))
    except AppError as error:
        raise ActionFailed(str(error)) from None
    except (ValueError, KeyError, TypeError) as error:
        raise ActionFailed(f"{type(error).__name__}: {error}") from None
    except SQLAlchemyError as error:
        # Rolled back to the task's savepoint: the run fails with the reason, nothing written.
        raise ActionFailed(f"the store refused the change: {type(error).__name__}") from None
