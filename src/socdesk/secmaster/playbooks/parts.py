"""`~/soc/playbooks/versions/{version_id}/rules` and `/actions`: a version's rule and the
workflows it runs (docs/playbooks.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from socdesk.automation.playbooks.parts import ActionChange, VersionParts
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import (
    LimitQuery,
    OffsetQuery,
    PlaybookActionIdPath,
    PlaybookRuleIdPath,
    PlaybookVersionIdPath,
)
from socdesk.kit.routes import SecMasterRoute
from socdesk.secmaster.playbooks.endpoints import action_specs
from socdesk.secmaster.playbooks.mapping import action_out, rule_out
from socdesk.secmaster.playbooks.schemas import (
    MAX_ACTIONS,
    ActionCreate,
    ActionEnvelope,
    ActionList,
    ActionsEnvelope,
    ActionUpdate,
    Envelope,
    RuleBody,
    RuleEnvelope,
)
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks/versions/{version_id}",
    tags=["SecMaster: playbooks"],
    route_class=SecMasterRoute,
)
ActionsBody = Annotated[
    list[ActionCreate],
    Body(min_length=1, max_length=MAX_ACTIONS, description="The actions: a JSON array."),
]


@router.post("/rules", summary="Give a playbook version its rule")
@may_answer(NotFound, Conflict)
async def create_playbook_rule(
    version_id: PlaybookVersionIdPath, body: RuleBody, scope: SecMasterWriter, session: SessionDep
) -> RuleEnvelope:
    """`rule` is SecMaster's ConditionInfo, as an object or as JSON text; a version has one
    rule (409 if it has one already)."""
    row = await VersionParts(session, scope).create_rule(version_id, body.rule)
    return RuleEnvelope(data=rule_out(row, scope))


@router.get("/rules/{rule_id}", summary="Show a playbook version's rule")
@may_answer(NotFound)
async def show_playbook_rule(
    version_id: PlaybookVersionIdPath,
    rule_id: PlaybookRuleIdPath,
    scope: SecMasterReader,
    session: SessionDep,
) -> RuleEnvelope:
    row = await VersionParts(session, scope).find_rule(version_id, rule_id)
    return RuleEnvelope(data=rule_out(row, scope))


@router.put("/rules/{rule_id}", summary="Change a playbook version's rule")
@may_answer(NotFound, Conflict)
async def update_playbook_rule(
    version_id: PlaybookVersionIdPath,
    rule_id: PlaybookRuleIdPath,
    body: RuleBody,
    scope: SecMasterWriter,
    session: SessionDep,
) -> RuleEnvelope:
    row = await VersionParts(session, scope).update_rule(version_id, rule_id, body.rule)
    return RuleEnvelope(data=rule_out(row, scope))


@router.delete("/rules/{rule_id}", summary="Remove a playbook version's rule")
@may_answer(NotFound, Conflict)
async def delete_playbook_rule(
    version_id: PlaybookVersionIdPath,
    rule_id: PlaybookRuleIdPath,
    scope: SecMasterWriter,
    session: SessionDep,
) -> Envelope:
    """The version's `rule_enable` goes off with it."""
    await VersionParts(session, scope).delete_rule(version_id, rule_id)
    return Envelope()


@router.post("/actions", summary="Add actions (workflows to run) to a playbook version")
@may_answer(NotFound, Conflict)
async def create_playbook_action(
    version_id: PlaybookVersionIdPath,
    body: ActionsBody,
    scope: SecMasterWriter,
    session: SessionDep,
) -> ActionsEnvelope:
    """The body is a JSON array (as the SDK sends it); each `action_id` is a workflow of this
    workspace and of the version's data class."""
    parts = VersionParts(session, scope)
    rows = await parts.create_actions(version_id, action_specs(body))
    return ActionsEnvelope(data=[action_out(r, scope) for r in rows])


@router.get("/actions", summary="List a playbook version's actions")
@may_answer(NotFound)
async def list_playbook_actions(
    version_id: PlaybookVersionIdPath,
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
) -> ActionList:
    """In the order they run (`sort_order`)."""
    parts = VersionParts(session, scope)
    row = await parts.version(version_id)
    rows, total = await parts.actions.page_of_version(row.id, offset, limit)
    data = [action_out(r, scope) for r in rows]
    return ActionList(total=total, size=len(data), page=offset // limit + 1, data=data)


@router.put("/actions/{action_id}", summary="Change an action of a playbook version")
@may_answer(NotFound, Conflict)
async def update_playbook_action(
    version_id: PlaybookVersionIdPath,
    action_id: PlaybookActionIdPath,
    body: ActionUpdate,
    scope: SecMasterWriter,
    session: SessionDep,
) -> ActionEnvelope:
    change = ActionChange(
        name=body.name,
        description=body.description,
        workflow_ref=body.action_id,
        sort_order=int(body.sort_order) if body.sort_order is not None else None,
    )
    row = await VersionParts(session, scope).update_action(version_id, action_id, change)
    return ActionEnvelope(data=action_out(row, scope))


@router.delete("/actions/{action_id}", summary="Remove an action from a playbook version")
@may_answer(NotFound, Conflict)
async def delete_playbook_action(
    version_id: PlaybookVersionIdPath,
    action_id: PlaybookActionIdPath,
    scope: SecMasterWriter,
    session: SessionDep,
) -> Envelope:
    await VersionParts(session, scope).delete_action(version_id, action_id)
    return Envelope()
