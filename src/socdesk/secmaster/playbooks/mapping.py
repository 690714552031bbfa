"""Playbooks, versions, rules and actions as the SDK's PlaybookInfo, PlaybookVersionInfo,
RuleInfo and ActionInfo show them."""

from __future__ import annotations

from collections.abc import Sequence

from socdesk.automation.playbooks.repository import VersionSummary
from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import Playbook, PlaybookAction, PlaybookStatus, PlaybookVersion
from socdesk.secmaster.playbooks.schemas import (
    ActionOut,
    PlaybookOut,
    RuleOut,
    VersionListItem,
    VersionOut,
)
from socdesk.workspaces.scope import WorkspaceScope


def _text(value: object) -> str:
    return "" if value is None else str(value)


def playbook_out(
    row: Playbook, scope: WorkspaceScope, summary: VersionSummary | None = None
) -> PlaybookOut:
    summary = summary or VersionSummary()
    return PlaybookOut(
        id=str(row.id),
        name=row.name,
        description=row.description,
        create_time=format_time(row.created_at),
        update_time=format_time(row.updated_at),
        project_id=hex_id(scope.project.id),
        version_id=_text(row.version_id),
        enabled=row.enabled,
        workspace_id=str(row.workspace_id),
        approve_role="",
        user_role="",
        edit_role="",
        owner_id=_text(row.creator_id),
        version=summary.active_label,
        dataclass_name=row.dataclass_name,
        dataclass_id=_text(row.dataclass_id),
        unaudited_version_id=summary.approving_id,
        reject_version_id=summary.unpassed_id,
    )


def action_out(row: PlaybookAction, scope: WorkspaceScope) -> ActionOut:
    return ActionOut(
        id=str(row.id),
        name=row.name,
        description=row.description,
        action_type=row.action_type,
        action_id=str(row.workflow_id),
        playbook_id=str(row.playbook_id),
        playbook_version_id=str(row.version_id),
        project_id=hex_id(scope.project.id),
        sort_order=str(row.sort_order),
    )


def rule_out(row: PlaybookVersion, scope: WorkspaceScope) -> RuleOut:
    return RuleOut(id=_text(row.rule_id), project_id=hex_id(scope.project.id), rule=row.rule or "")


def _fields(row: PlaybookVersion, playbook: Playbook, scope: WorkspaceScope) -> dict[str, object]:
    return {
        "id": str(row.id),
        "description": row.description,
        "create_time": format_time(row.created_at),
        "update_time": format_time(row.updated_at),
        "project_id": hex_id(scope.project.id),
        "creator_id": _text(row.creator_id),
        "modifier_id": _text(row.modifier_id),
        "playbook_id": str(row.playbook_id),
        "version": f"v{row.number}",
        "enabled": playbook.enabled and playbook.version_id == row.id,
        "status": row.status,
        "action_strategy": row.action_strategy,
        "rule_enable": row.rule_enable,
        "dataclass_id": str(row.dataclass_id),
        "trigger_type": row.trigger_type,
        "dataobject_create": row.dataobject_create,
        "dataobject_update": row.dataobject_update,
        "dataobject_delete": row.dataobject_delete,
        "version_type": 1 if row.status == PlaybookStatus.PUBLISHED.value else 0,
        "rule_id": _text(row.rule_id),
        "dataclass_name": row.dataclass_name,
        "approve_name": row.approver_name,
    }


def version_item(
    row: PlaybookVersion, playbook: Playbook, scope: WorkspaceScope
) -> VersionListItem:
    return VersionListItem.model_validate(_fields(row, playbook, scope))


def version_out(
    row: PlaybookVersion,
    playbook: Playbook,
    actions: Sequence[PlaybookAction],
    scope: WorkspaceScope,
) -> VersionOut:
    return VersionOut.model_validate(
        {
            **_fields(row, playbook, scope),
            "actions": [action_out(a, scope) for a in actions],
            "rules": rule_out(row, scope),
        }
    )
