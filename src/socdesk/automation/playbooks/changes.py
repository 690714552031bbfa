"""What a playbook or version change asks for, in the domain's terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from socdesk.automation.playbooks.parts import ActionSpec
from socdesk.automation.playbooks.rules import ConditionInfo
from socdesk.models import PlaybookStatus, PlaybookTrigger


@dataclass(frozen=True, slots=True)
class PlaybookChange:
    """Only the fields given (not None) change."""

    name: str | None = None
    description: str | None = None
    enabled: bool | None = None
    active_version_id: str | None = None


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """A new version; `actions` and `rule` are made with it."""

    dataclass_ref: str
    description: str = ""
    trigger_type: PlaybookTrigger = PlaybookTrigger.EVENT
    dataobject_create: bool = False
    dataobject_update: bool = False
    dataobject_delete: bool = False
    rule_enable: bool = False
    action_strategy: str = "ASYNC"
    actions: Sequence[ActionSpec] = ()
    rule: ConditionInfo | None = None


@dataclass(frozen=True, slots=True)
class VersionChange:
    """Only the fields given (not None) change; `actions` and `rule` replace the version's;
    `status` moves it (statuses.py); `enabled` makes a published version the one its playbook
    runs (or stops the playbook running it)."""

    description: str | None = None
    dataclass_ref: str | None = None
    trigger_type: PlaybookTrigger | None = None
    dataobject_create: bool | None = None
    dataobject_update: bool | None = None
    dataobject_delete: bool | None = None
    rule_enable: bool | None = None
    action_strategy: str | None = None
    actions: Sequence[ActionSpec] | None = None
    rule: ConditionInfo | None = None
    status: PlaybookStatus | None = None
    enabled: bool | None = None

    def fields(self) -> list[str]:
        names = (
            "description",
            "dataclass_ref",
            "trigger_type",
            "dataobject_create",
            "dataobject_update",
            "dataobject_delete",
            "rule_enable",
            "action_strategy",
            "actions",
            "rule",
        )
        return [n.replace("_ref", "_id") for n in names if getattr(self, n) is not None]
