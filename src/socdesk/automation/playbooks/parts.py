"""A playbook version's parts: its one rule (SecMaster's rule routes) and its actions, the
workflows it runs in order. Both change only while the version is EDITING or UNPASSED."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.playbooks.evaluator import refuse_bad_rule
from socdesk.automation.playbooks.repository import (
    PlaybookActionRepository,
    PlaybookVersionRepository,
)
from socdesk.automation.playbooks.rules import ConditionInfo, has_cron, rule_text, stored_rule
from socdesk.automation.playbooks.statuses import check_editable
from socdesk.automation.repository import WorkflowRepository
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.models import (
    PlaybookAction,
    PlaybookStatus,
    PlaybookTrigger,
    PlaybookVersion,
    Workflow,
)
from socdesk.workspaces.scope import WorkspaceScope

ACTION_TYPE = "AOP_WORKFLOW"
MAX_ACTIONS = 50


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action: `workflow_ref` is SecMaster's `action_id`, a workflow of the workspace."""

    name: str
    workflow_ref: str
    description: str = ""
    action_type: str = ACTION_TYPE
    sort_order: int = 0


@dataclass(frozen=True, slots=True)
class ActionChange:
    name: str | None = None
    description: str | None = None
    workflow_ref: str | None = None
    sort_order: int | None = None


def _uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except (ValueError, AttributeError, TypeError):
        return None


class VersionParts:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.versions = PlaybookVersionRepository(session, scope.workspace_id)
        self.actions = PlaybookActionRepository(session, scope.workspace_id)
        self.workflows = WorkflowRepository(session, scope.workspace_id)

    async def version(self, ref: str) -> PlaybookVersion:
        key = _uuid(ref)
        row = await self.versions.get(key) if key else None
        if row is None:
            raise NotFound(f"version_id: no playbook version {ref[:100]!r} in this workspace")
        return row

    async def _editable(self, ref: str, what: str) -> PlaybookVersion:
        row = await self.version(ref)
        check_editable(f"v{row.number}", PlaybookStatus(row.status), [what])
        return row

    def _touched(self, row: PlaybookVersion) -> None:
        row.modifier_id = self.scope.user.id
        row.updated_at = utcnow()

    # The rule

    def set_rule(self, row: PlaybookVersion, rule: ConditionInfo) -> None:
        """The version's rule becomes `rule` (checked first; its id stays if it had one)."""
        refuse_bad_rule(rule)
        row.rule = rule_text(rule)
        row.rule_id = row.rule_id or uuid.uuid4()

    @staticmethod
    def rule_of(row: PlaybookVersion) -> ConditionInfo | None:
        return stored_rule(row.rule)

    async def create_rule(self, version_ref: str, rule: ConditionInfo) -> PlaybookVersion:
        """The version's rule (409 if it has one: change that one)."""
        row = await self._editable(version_ref, "rule")
        if row.rule_id is not None:
            raise Conflict(f"version v{row.number} has a rule ({row.rule_id}): change it with PUT")
        self.set_rule(row, rule)
        self._touched(row)
        await self.session.flush()
        return row

    async def find_rule(self, version_ref: str, rule_ref: str) -> PlaybookVersion:
        """The version whose rule is `rule_ref`."""
        row = await self.version(version_ref)
        if row.rule_id is None or row.rule_id != _uuid(rule_ref):
            raise NotFound(f"rule_id: no rule {rule_ref[:100]!r} of this playbook version")
        return row

    async def update_rule(
        self, version_ref: str, rule_ref: str, rule: ConditionInfo
    ) -> PlaybookVersion:
        row = await self.find_rule(version_ref, rule_ref)
        check_editable(f"v{row.number}", PlaybookStatus(row.status), ["rule"])
        self.set_rule(row, rule)
        self._touched(row)
        await self.session.flush()
        return row

    async def delete_rule(self, version_ref: str, rule_ref: str) -> PlaybookVersion:
        row = await self.find_rule(version_ref, rule_ref)
        check_editable(f"v{row.number}", PlaybookStatus(row.status), ["rule"])
        row.rule, row.rule_id, row.rule_enable = None, None, False
        self._touched(row)
        await self.session.flush()
        return row

    # Actions

    async def _workflows_for(
        self, row: PlaybookVersion, refs: Sequence[tuple[str, str]]
    ) -> dict[str, Workflow]:
        """The workflows `refs` ((where, ref) pairs) name, each of the workspace and of the
        version's class; one query, every problem reported at once."""
        keys = {ref: _uuid(ref) for _, ref in refs}
        found = await self.workflows.of_ids([k for k in keys.values() if k is not None])
        by_id = {w.id: w for w in found}
        problems: list[ValidationFailed] = []
        workflows: dict[str, Workflow] = {}
        for where, ref in refs:
            key = keys[ref]
            workflow = by_id.get(key) if key is not None else None
            if workflow is None:
                problems.append(
                    ValidationFailed.for_field(
                        where, f"no workflow {ref[:100]!r} in this workspace", ref[:100]
                    )
                )
            elif workflow.dataclass_id != row.dataclass_id:
                problems.append(
                    ValidationFailed.for_field(
                        where,
                        f"workflow {workflow.name!r} is of class {workflow.dataclass_name}, "
                        f"the version of {row.dataclass_name}",
                    )
                )
            else:
                workflows[ref] = workflow
        if problems:
            raise ValidationFailed.combining(problems)
        return workflows

    async def add_actions(
        self, row: PlaybookVersion, specs: Sequence[ActionSpec], prefix: str = "actions"
    ) -> list[PlaybookAction]:
        """Add actions to `row` (one INSERT for all)."""
        existing = len(await self.actions.of_version(row.id))
        if existing + len(specs) > MAX_ACTIONS:
            raise ValidationFailed.for_field(
                prefix, f"a version runs at most {MAX_ACTIONS} workflows"
            )
        workflows = await self._workflows_for(
            row, [(f"{prefix}[{i}].action_id", s.workflow_ref) for i, s in enumerate(specs)]
        )
        added = [
            PlaybookAction(
                id=uuid.uuid4(),
                workspace_id=self.scope.workspace_id,
                version_id=row.id,
                playbook_id=row.playbook_id,
                name=spec.name,
                description=spec.description,
                action_type=spec.action_type,
                workflow_id=workflows[spec.workflow_ref].id,
                sort_order=spec.sort_order,
            )
            for spec in specs
        ]
        self.session.add_all(added)
        await self.session.flush()
        return added

    async def replace_actions(self, row: PlaybookVersion, specs: Sequence[ActionSpec]) -> None:
        await self.actions.remove_of_version(row.id)
        await self.add_actions(row, specs)

    async def create_actions(
        self, version_ref: str, specs: Sequence[ActionSpec]
    ) -> list[PlaybookAction]:
        row = await self._editable(version_ref, "actions")
        added = await self.add_actions(row, specs, prefix="body")
        self._touched(row)
        return added

    async def find_action(self, version_ref: str, action_ref: str) -> PlaybookAction:
        row = await self.version(version_ref)
        key = _uuid(action_ref)
        action = await self.actions.get(key) if key else None
        if action is None or action.version_id != row.id:
            raise NotFound(f"action_id: no action {action_ref[:100]!r} of this playbook version")
        return action

    async def update_action(
        self, version_ref: str, action_ref: str, change: ActionChange
    ) -> PlaybookAction:
        row = await self._editable(version_ref, "actions")
        action = await self.find_action(version_ref, action_ref)
        if change.workflow_ref is not None:
            workflows = await self._workflows_for(row, [("action_id", change.workflow_ref)])
            action.workflow_id = workflows[change.workflow_ref].id
        if change.name is not None:
            action.name = change.name
        if change.description is not None:
            action.description = change.description
        if change.sort_order is not None:
            action.sort_order = change.sort_order
        action.updated_at = utcnow()
        self._touched(row)
        await self.session.flush()
        return action

    async def delete_action(self, version_ref: str, action_ref: str) -> PlaybookAction:
        row = await self._editable(version_ref, "actions")
        action = await self.find_action(version_ref, action_ref)
        await self.session.execute(self.actions.delete().where(PlaybookAction.id == action.id))
        self._touched(row)
        return action

    async def disabled_workflows(self, actions: Sequence[PlaybookAction]) -> list[str]:
        """The names of the workflows `actions` run that are not enabled."""
        found = await self.workflows.of_ids(list({a.workflow_id for a in actions}))
        return sorted(w.name for w in found if not w.enabled)

    async def check_submittable(self, row: PlaybookVersion) -> None:
        """What SecMaster asks of a version sent for approval: actions whose workflows are
        enabled, an event to fire on (EVENT) or a cron (TIMER), a rule where it is enabled."""
        problems: list[ValidationFailed] = []
        actions = await self.actions.of_version(row.id)
        if not actions:
            problems.append(
                ValidationFailed.for_field("actions", "the version runs no workflow: add one")
            )
        disabled = await self.disabled_workflows(actions)
        if disabled:
            problems.append(
                ValidationFailed.for_field(
                    "actions",
                    f"workflows not enabled: {', '.join(repr(n) for n in disabled)}: enable "
                    "them (an activated version) before submitting",
                )
            )
        rule = self.rule_of(row)
        if row.trigger_type == PlaybookTrigger.EVENT.value:
            if not (row.dataobject_create or row.dataobject_update or row.dataobject_delete):
                problems.append(
                    ValidationFailed.for_field(
                        "dataobject_create",
                        "an EVENT version fires on dataobject_create, _update or _delete: "
                        "choose one",
                    )
                )
            if row.rule_enable and rule is None:
                problems.append(
                    ValidationFailed.for_field("rule", "rule_enable is on but there is no rule")
                )
        elif not has_cron(rule):
            problems.append(ValidationFailed.for_field("rule.cron", "a TIMER version needs a cron"))
        if problems:
            raise ValidationFailed.combining(problems)
