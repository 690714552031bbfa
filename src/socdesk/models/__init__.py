"""ORM models, one module per table; importing this package registers them all."""

from socdesk.models.access_key import AccessKey
from socdesk.models.auth_token import AuthToken, TokenKind
from socdesk.models.base import Base
from socdesk.models.incident import Incident, Severity, Status
from socdesk.models.incident_event import IncidentAction, IncidentEvent
from socdesk.models.login_throttle import LoginThrottle
from socdesk.models.membership import Membership, Role
from socdesk.models.project import Project
from socdesk.models.source import DEFAULT_SOURCES, Source
from socdesk.models.user import User
from socdesk.models.workspace import Workspace
from socdesk.models.workspace_counter import WorkspaceCounter

__all__ = [
    "AccessKey",
    "AuthToken",
    "Base",
    "Incident",
    "IncidentAction",
    "IncidentEvent",
    "LoginThrottle",
    "Membership",
    "Project",
    "Role",
    "DEFAULT_SOURCES",
    "Source",
    "Severity",
    "Status",
    "TokenKind",
    "User",
    "Workspace",
    "WorkspaceCounter",
]
