"""Between the register's incident bodies and the domain: register names for severities and
statuses, and what a create or a PATCH asks of the change path in domain terms."""

from __future__ import annotations

from typing import Any

from socdesk.incidents import mapping
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.relations import TagChange, objective_key
from socdesk.incidents.relations import TagOperation as DomainTagOperation
from socdesk.incidents.rules import StatusIntent
from socdesk.incidents.writes import UNSET, IncidentChange, NewIncident
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import ErrorDetail, Problems, ValidationFailed
from socdesk.models import Severity, Status
from socdesk.register.incidents.schemas import (
    NOT_NULLABLE,
    IncidentPatch,
    RegisterIncidentCreate,
    RegisterSeverity,
    RegisterStatus,
    TagOperation,
)

REGISTER_SEVERITY = {
    Severity.tips: RegisterSeverity.informational,
    Severity.low: RegisterSeverity.low,
    Severity.medium: RegisterSeverity.medium,
    Severity.high: RegisterSeverity.high,
    Severity.fatal: RegisterSeverity.critical,
}
SEVERITY_OF = {name: rank for rank, name in REGISTER_SEVERITY.items()}
# Blocked has no register name: it reads as In Progress.
REGISTER_STATUS = {
    Status.new: RegisterStatus.new,
    Status.in_progress: RegisterStatus.in_progress,
    Status.blocked: RegisterStatus.in_progress,
    Status.review: RegisterStatus.review,
    Status.closed: RegisterStatus.closed,
}
STATUS_OF = {
    RegisterStatus.new: Status.new,
    RegisterStatus.in_progress: Status.in_progress,
    RegisterStatus.review: Status.review,
    RegisterStatus.closed: Status.closed,
}
# In Progress asks for `in_progress`, which leaves a blocked incident blocked (rules.py).
INTENT_OF = {
    RegisterStatus.new: StatusIntent.new,
    RegisterStatus.in_progress: StatusIntent.in_progress,
    RegisterStatus.review: StatusIntent.review,
    RegisterStatus.closed: StatusIntent.closed,
}

# What a register create fills SecMaster's mandatory fields with (docs/dialects.md).
DEFAULT_INCIDENT_TYPE = {"category": "Other", "incident_type": "Other"}
DEFAULT_SOURCE = "SOCdesk"
REGISTER_SOURCE_TYPE = 3
REGISTER_PRODUCT_FEATURE = "Register"

EDITABLE = frozenset(IncidentPatch.model_fields) - {"tag_operation"}
# Register field → incident column, where the value is stored as sent.
PLAIN_COLUMNS = {
    "title": "title",
    "severity_reasoning": "severity_reasoning",
    "occurred_date": "first_observed_time",
    "detected_date": "arrive_time",
    "responded_date": "responded_time",
    "contained_date": "contained_time",
}


def new_incident(body: RegisterIncidentCreate, source: str, owner: str | None) -> NewIncident:
    """The incident a register create opens, with `source` and `owner` already resolved."""
    status = STATUS_OF[body.status]
    optional = {"arrive_time": body.detected_date, "owner": owner}
    record = IncidentObject(
        title=body.title,
        description=body.description or body.title,
        severity=mapping.NAME_BY_SEVERITY[SEVERITY_OF[body.severity]],
        handle_status=mapping.HANDLE_STATUS_OF[status],
        incident_type=DEFAULT_INCIDENT_TYPE,
        data_source={
            "source_type": REGISTER_SOURCE_TYPE,
            "product_name": source,
            "product_feature": REGISTER_PRODUCT_FEATURE,
        },
        first_observed_time=body.occurred_date or utcnow(),
        **{k: v for k, v in optional.items() if v is not None},
    )
    return NewIncident(
        mapping.sent_fields(record),
        status=INTENT_OF[body.status],
        facts={
            "severity_reasoning": body.severity_reasoning,
            "responded_time": body.responded_date,
            "contained_time": body.contained_date,
        },
        tags=body.tags,
        objectives={objective_key(link) for link in body.threat_objectives},
    )


def patch_fields(change: IncidentPatch) -> set[str]:
    """The editable fields a PATCH writes; 400 for a PATCH that cannot apply to any incident,
    before any id is looked up."""
    fields = change.model_fields_set & EDITABLE
    if not fields:
        raise ValidationFailed(
            "the payload changes nothing: send at least one of " + ", ".join(sorted(EDITABLE))
        )
    problems = Problems()
    cleared = [name for name in NOT_NULLABLE if name in fields and getattr(change, name) is None]
    if cleared:
        problems.failures.append(
            ValidationFailed(
                "every incident has " + ", ".join(cleared) + ": they cannot be null",
                details=[ErrorDetail(name, "cannot be null") for name in cleared],
            )
        )
    if change.tag_operation is not None and "tags" not in fields:
        problems.failures.append(
            ValidationFailed.for_field("tag_operation", "says how to apply tags: send tags too")
        )
    problems.raise_any()
    return fields


def patch_change(change: IncidentPatch) -> IncidentChange:
    """The change a register PATCH asks for, in domain terms."""
    fields = patch_fields(change)
    columns: dict[str, Any] = {
        column: getattr(change, name) for name, column in PLAIN_COLUMNS.items() if name in fields
    }
    if "description" in fields:
        columns["description"] = change.description or ""
    if change.severity is not None:
        columns["severity"] = int(SEVERITY_OF[change.severity])
    tags = None
    if "tags" in fields:
        operation = DomainTagOperation((change.tag_operation or TagOperation.replace_).value)
        tags = TagChange.of(operation, change.tags or [])
    objectives = None
    if "threat_objectives" in fields:
        objectives = {objective_key(link) for link in change.threat_objectives or []}
    return IncidentChange(
        columns=columns,
        status=INTENT_OF[change.status] if change.status is not None else None,
        source=change.source if "source" in fields else UNSET,
        assignee=change.assigned_to if "assigned_to" in fields else UNSET,
        tags=tags,
        objectives=objectives,
    )
