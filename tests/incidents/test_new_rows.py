"""The row builder that creates and imports share, against a plain reference: what each sent
field fills, and the defaults a new incident gets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from socdesk.incidents import mapping
from socdesk.incidents.mapping import sent_fields
from socdesk.incidents.new_rows import NewIncidentRows, as_dict
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.rules import status_after
from socdesk.models import Status
from tests.secmaster.incidents.payloads import incident_object

SCOPE: Any = SimpleNamespace(
    workspace_id=uuid.uuid4(),
    project=SimpleNamespace(id=uuid.uuid4()),
    user=SimpleNamespace(id=uuid.uuid4(), email="analyst@example.com"),
)
NOW = datetime(2026, 11, 24, 6, 33, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "data",
    [
        incident_object(),
        incident_object(handle_status="Closed", severity="Fatal"),
        incident_object(handle_status="Closed", close_time="2026-11-21T00:00:00Z"),
        incident_object(
            handle_status="Block", creator="someone", create_time="2026-01-01T00:00:00Z"
        ),
        incident_object(
            environment={"region_id": "r"},
            network_list=[{"src_ip": "10.0.0.1", "src_port": 22}],
            system_info={"os": "linux"},
            confidence=0,
            criticality=100,
            count=7,
            sla="60",
            simulation=True,
            last_observed_time="2026-11-24T14:33:00+08:00",
            labels="a,b",
            id=str(uuid.uuid4()),
            version=3,
        ),
    ],
    ids=["plain", "closed", "closed-at", "blocked-created", "rich"],
)
def test_the_new_row_holds_each_sent_field_where_it_belongs(data: dict[str, Any]) -> None:
    sent = sent_fields(IncidentObject.model_validate(data))
    given = uuid.uuid4()

    built = as_dict(NewIncidentRows(SCOPE, NOW).build(sent, 41, given))

    expected = reference_row(sent, 41, given)
    assert built == expected
    assert list(built["document"]) == list(expected["document"])  # key order too


def reference_row(sent: dict[str, Any], number: int, given: uuid.UUID) -> dict[str, Any]:
    """The row written the slow, obvious way: column by column through `mapping`."""
    columns: dict[str, Any] = dict.fromkeys(mapping.CLIENT_COLUMNS)
    columns.update(mapping.column_values(sent))
    intent = mapping.status_intent(sent)
    assert intent is not None
    status = status_after(intent, None)
    columns["create_time"] = columns["create_time"] or NOW
    columns["creator"] = columns["creator"] or SCOPE.user.email
    if status is Status.closed:
        columns["close_time"] = columns["close_time"] or NOW
    columns["status"] = status.value
    return {
        "id": given,
        "workspace_id": SCOPE.workspace_id,
        "project_id": SCOPE.project.id,
        "number": number,
        "version": 1,
        "update_time": NOW,
        "opened_by_id": SCOPE.user.id,
        "updated_by_id": SCOPE.user.id,
        "document": mapping.document_values(sent),
        **columns,
    }
