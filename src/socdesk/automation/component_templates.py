"""Component templates (SecMaster's plugin configuration templates): named, saved parameter
values for the actions of one system component, which a workflow author picks to fill a
service task's `socdesk:param`s instead of typing them again (docs/workflows.md).

`task_config` is a JSON object keyed by the component's action names, each holding parameter
values: `{"http_request": {"method": "POST", "headers": {"X-Team": "soc"}}}`. Every value is
held to its parameter's rule exactly as a service task's is (automation/checks.py), so a
template never holds a value a workflow would be refused for; a template need not give every
required parameter (the task gives the rest)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.checks import parameter_problem
from socdesk.automation.components import Component, component
from socdesk.automation.repository import contains
from socdesk.kit import jsonbody
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse, flush_or_refuse
from socdesk.kit.errors import Conflict, ErrorDetail, NotFound, ValidationFailed
from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import ComponentTemplate
from socdesk.workspaces.scope import WorkspaceScope

# The longest task_config a request may carry (its schema holds it to this).
MAX_TASK_CONFIG_CHARS = 65_536


@dataclass(frozen=True, slots=True)
class NewTemplate:
    component_ref: str
    template_name: str
    task_config: str


class ComponentTemplateRepository(WorkspaceScoped[ComponentTemplate]):
    model = ComponentTemplate

    async def listing(
        self, name_part: str | None, offset: int, limit: int
    ) -> tuple[Sequence[ComponentTemplate], int]:
        """A page of the workspace's templates (those whose name has `name_part`, without
        case), newest first, and how many there are."""
        statement = self.select()
        if name_part:
            statement = statement.where(contains(ComponentTemplate.template_name, name_part))
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(ComponentTemplate.created_at.desc(), ComponentTemplate.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), total or 0

    async def of_component(
        self, component_id: uuid.UUID, offset: int, limit: int, order: Sequence[Any]
    ) -> tuple[Sequence[ComponentTemplate], int]:
        """A page of the workspace's templates of one component, in `order`, and how many."""
        statement = self.select().where(ComponentTemplate.component_id == component_id)
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(*order, ComponentTemplate.id).offset(offset).limit(limit)
        )
        return rows.all(), total or 0


def _component(ref: str) -> Component:
    try:
        return component(ref)
    except NotFound:
        raise ValidationFailed.for_field(
            "component_id", f"no component {ref[:100]!r}", ref[:100]
        ) from None


def _as_parameter_text(value: Any) -> str | None:
    """A template value as a service task's parameter text holds it (None: not a value)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


def checked_task_config(of: Component, text: str) -> str:
    """`text` when it is a task_config for `of`; else a 400 listing every problem."""
    try:
        # The JSON rule of every body (depth, finite 64-bit numbers), for the text inside too.
        parsed = jsonbody.loads(text)
    except ValidationFailed as unfit:
        message = "; ".join(d.message for d in unfit.details)
        raise ValidationFailed.for_field("task_config", message) from None
    except ValueError as bad:
        raise ValidationFailed.for_field("task_config", f"is not JSON ({bad})") from None
    if not isinstance(parsed, dict):
        raise ValidationFailed.for_field(
            "task_config", "must be a JSON object of action names and their parameter values"
        )
    problems: list[ErrorDetail] = []
    actions = {a.name: a for a in of.actions}
    for action_name, values in parsed.items():
        where = f"task_config.{action_name}"
        action = actions.get(action_name)
        if action is None:
            known = ", ".join(actions)
            problems.append(ErrorDetail(where, f"{of.name} has no action of that name ({known})"))
            continue
        if not isinstance(values, dict):
            problems.append(ErrorDetail(where, "must be an object of parameter values"))
            continue
        for key, value in values.items():
            spec = action.param(key)
            if spec is None:
                known = ", ".join(p.name for p in action.params)
                problems.append(ErrorDetail(f"{where}.{key}", f"is no parameter ({known})"))
                continue
            given = _as_parameter_text(value)
            wrong = (
                "must be text, a number, an object or an array"
                if given is None
                else parameter_problem(spec.type, spec.enum, given)
            )
            if wrong is not None:
                problems.append(ErrorDetail(f"{where}.{key}", wrong))
    if problems:
        raise ValidationFailed.combining(
            [ValidationFailed(f"{p.field}: {p.message}", details=[p]) for p in problems]
        )
    return text


class ComponentTemplateService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.templates = ComponentTemplateRepository(session, scope.workspace_id)
        self.workspace_id = scope.workspace_id

    async def create(self, new: NewTemplate) -> ComponentTemplate:
        of = _component(new.component_ref)
        row = ComponentTemplate(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            component_id=uuid.UUID(of.id),
            template_name=new.template_name,
            task_config=checked_task_config(of, new.task_config),
        )
        await add_or_refuse(self.session, row, _name_taken(of, new.template_name))
        return row

    async def find(self, template_id: uuid.UUID) -> ComponentTemplate:
        row = await self.templates.get(template_id)
        if row is None:
            raise NotFound(f"template_id: no component template {str(template_id)!r}")
        return row

    async def page(
        self, name_part: str | None, offset: int, limit: int
    ) -> tuple[Sequence[ComponentTemplate], int]:
        return await self.templates.listing(name_part, offset, limit)

    async def page_of(
        self, of: Component, offset: int, limit: int, order: Sequence[Any]
    ) -> tuple[Sequence[ComponentTemplate], int]:
        return await self.templates.of_component(uuid.UUID(of.id), offset, limit, order)

    async def update(self, template_id: uuid.UUID, new: NewTemplate) -> ComponentTemplate:
        """Replace a template's component, name and configuration (the SDK sends all three)."""
        row = await self.find(template_id)
        of = _component(new.component_ref)
        row.component_id = uuid.UUID(of.id)
        row.template_name = new.template_name
        row.task_config = checked_task_config(of, new.task_config)
        row.updated_at = utcnow()
        await flush_or_refuse(self.session, _name_taken(of, new.template_name))
        return row

    async def delete(self, template_id: uuid.UUID) -> None:
        row = await self.find(template_id)
        await self.session.execute(self.templates.delete().where(ComponentTemplate.id == row.id))


def _name_taken(of: Component, name: str) -> Conflict:
    return Conflict(f"template_name: {of.name} has a template named {name[:64]!r}")
