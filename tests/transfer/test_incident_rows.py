"""The rows an import builds are the rows a create builds (`IncidentService._new_row`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from socdesk.incidents.mapping import sent_fields
from socdesk.incidents.schemas import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.transfer.incident_rows import NewIncidentRows, as_dict
from tests.incidents.payloads import incident_object

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
def test_an_import_row_is_the_row_a_create_builds(data: dict[str, Any]) -> None:
    validated = IncidentObject.model_validate(data)
    given = uuid.uuid4()
    service = IncidentService(None, SCOPE)  # type: ignore[arg-type]  # builds rows only

    expected, _sent = service._new_row(validated, 41, NOW, given)
    built = as_dict(NewIncidentRows(SCOPE, NOW).build(sent_fields(validated), 41, given))

    assert built == expected
    assert list(built["document"]) == list(expected["document"])
