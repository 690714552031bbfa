"""Playbook triggers: a write of data objects starts the workflows of the enabled EVENT
playbooks of their class whose rule they pass (docs/playbooks.md).

`fire_playbooks` listens to the API sessions' change feed (kit/changefeed.py), so each run is
enqueued in the transaction of the change that caused it: a write rolled back starts nothing.
A run's own changes are made in sessions without listeners, and are skipped here as well by
their actor, so a workflow never fires playbooks again. Each version passed by each object is
one playbook instance (automation/playbooks/instances.py), all recorded by one INSERT, and the
runs of its actions carry its id. A request with `trigger_flag: false`
holds its session's triggers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.playbooks.evaluator import matches
from socdesk.automation.playbooks.instances import Firing, record_firings
from socdesk.automation.playbooks.repository import TriggerVersion, enabled_trigger_versions
from socdesk.automation.runs.requests import enqueue_runs
from socdesk.automation.runs.scope import acts_as_run
from socdesk.classes.registry import DataClass
from socdesk.kit.changefeed import ChangeKind, ObjectsChanged
from socdesk.models import TriggerType
from socdesk.objects.panel import DataPanel
from socdesk.workspaces.config_memo import recall
from socdesk.workspaces.scope import WorkspaceScope


async def fire_playbooks(session: AsyncSession, changed: ObjectsChanged) -> None:
    scope = changed.scope
    if acts_as_run(scope):
        return
    versions = await _firing_versions(session, scope, uuid.UUID(changed.class_id), changed.kind)
    if not versions:
        return
    panel = DataPanel(session, scope)
    data_class = await panel.data_class(changed.class_id)
    documents = await _documents(panel, data_class, changed, versions)
    firings = [
        Firing(version, object_id)
        for version in versions
        for object_id in changed.ids
        if _passes(version, documents.get(object_id))
    ]
    if firings:
        requests = await record_firings(
            session, scope.workspace_id, data_class.name, firings, TriggerType.EVENT
        )
        await enqueue_runs(session, requests)


async def _firing_versions(
    session: AsyncSession, scope: WorkspaceScope, class_id: uuid.UUID, kind: ChangeKind
) -> tuple[TriggerVersion, ...]:
    """The versions with actions a change of `kind` to objects of `class_id` may fire: asked
    of the store once per configuration revision of the workspace (workspaces/config_memo.py),
    not on every write."""

    async def load() -> tuple[TriggerVersion, ...]:
        found = await enabled_trigger_versions(session, scope.workspace_id, class_id, kind)
        return tuple(v for v in found if v.actions)

    return await recall(session, scope.workspace, ("triggers", class_id, kind), load)


def _passes(version: TriggerVersion, document: Mapping[str, Any] | None) -> bool:
    if not version.rule_enable or not version.rule:
        return True
    return document is not None and matches(version.rule, document)


async def _documents(
    panel: DataPanel,
    data_class: DataClass,
    changed: ObjectsChanged,
    versions: Sequence[TriggerVersion],
) -> Mapping[uuid.UUID, Mapping[str, Any]]:
    """The changed objects' data a rule reads: what the change path handed over, the rest read
    as the dialects show them, one read per chunk of ids (only when some version has a rule).
    A delete is told before its rows go, so its objects are read in their last state."""
    wanted = [i for i in changed.ids if i not in changed.documents]
    if not wanted or not any(v.rule_enable and v.rule for v in versions):
        return changed.documents
    shown = await panel.show_many(data_class, wanted)
    # An object gone meanwhile has no document: no rule passes.
    return {**changed.documents, **{i: r.data_object for i, r in shown.items()}}
