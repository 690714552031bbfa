"""ORM models, one module per table; importing this package registers them all."""

from socdesk.models.access_key import AccessKey
from socdesk.models.attachment import Attachment
from socdesk.models.auth_token import AuthToken, TokenKind
from socdesk.models.automation_setting import AutomationSetting
from socdesk.models.base import Base
from socdesk.models.component_configuration import ComponentConfiguration
from socdesk.models.component_template import ComponentTemplate
from socdesk.models.custom_dataclass import CustomDataClass
from socdesk.models.data_object import DataObject
from socdesk.models.data_object_event import DataObjectEvent
from socdesk.models.data_object_link import DataObjectLink
from socdesk.models.data_object_note import DataObjectNote
from socdesk.models.dataclass_field import DataClassField
from socdesk.models.dataclass_type import DataClassType
from socdesk.models.incident import Incident, Severity, Status
from socdesk.models.incident_comment import IncidentComment
from socdesk.models.incident_event import IncidentAction, IncidentEvent
from socdesk.models.incident_risk import IncidentRisk
from socdesk.models.incident_tag import IncidentTag
from socdesk.models.incident_threat_objective import (
    IncidentThreatObjective,
    Relevance,
    ThreatObjective,
)
from socdesk.models.login_throttle import LoginThrottle
from socdesk.models.membership import Membership, Role
from socdesk.models.playbook import Playbook
from socdesk.models.playbook_action import PlaybookAction
from socdesk.models.playbook_approval import PlaybookApproval
from socdesk.models.playbook_instance import PlaybookInstance
from socdesk.models.playbook_tick import PlaybookTick
from socdesk.models.playbook_version import PlaybookStatus, PlaybookTrigger, PlaybookVersion
from socdesk.models.project import Project
from socdesk.models.risk import Risk
from socdesk.models.runner_node import RunnerNode
from socdesk.models.source import DEFAULT_SOURCES, Source
from socdesk.models.spent_signature import SpentSignature
from socdesk.models.user import User
from socdesk.models.user_avatar import UserAvatar
from socdesk.models.workflow import AopType, EngineType, Workflow
from socdesk.models.workflow_run import (
    DueHandle,
    RunStatus,
    TodoStatus,
    TriggerType,
    WorkflowRun,
    WorkflowRunTask,
    WorkflowTodo,
)
from socdesk.models.workflow_version import EMPTY_TASKCONFIG, VersionStatus, WorkflowVersion
from socdesk.models.workspace import Workspace
from socdesk.models.workspace_counter import WorkspaceCounter

__all__ = [
    "AccessKey",
    "AopType",
    "Attachment",
    "AutomationSetting",
    "AuthToken",
    "Base",
    "ComponentConfiguration",
    "ComponentTemplate",
    "CustomDataClass",
    "DataObject",
    "DataObjectEvent",
    "DataObjectLink",
    "DataObjectNote",
    "DataClassField",
    "DataClassType",
    "EMPTY_TASKCONFIG",
    "EngineType",
    "Incident",
    "IncidentAction",
    "IncidentComment",
    "IncidentEvent",
    "IncidentRisk",
    "IncidentTag",
    "IncidentThreatObjective",
    "LoginThrottle",
    "Membership",
    "Playbook",
    "PlaybookAction",
    "PlaybookApproval",
    "PlaybookInstance",
    "PlaybookStatus",
    "PlaybookTick",
    "PlaybookTrigger",
    "PlaybookVersion",
    "Project",
    "Relevance",
    "Risk",
    "RunnerNode",
    "Role",
    "DEFAULT_SOURCES",
    "Source",
    "Severity",
    "SpentSignature",
    "Status",
    "ThreatObjective",
    "TokenKind",
    "User",
    "UserAvatar",
    "VersionStatus",
    "Workflow",
    "WorkflowVersion",
    "DueHandle",
    "RunStatus",
    "TodoStatus",
    "TriggerType",
    "WorkflowRun",
    "WorkflowRunTask",
    "WorkflowTodo",
    "Workspace",
    "WorkspaceCounter",
]
