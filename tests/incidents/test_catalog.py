"""The field catalogue is the one source of truth: the schema, the SDK and the docs agree."""

from __future__ import annotations

from pathlib import Path

from huaweicloudsdksecmaster.v1 import Incident as SdkIncident

from socdesk.incidents.catalog import FIELDS_BY_KEY, INCIDENT_FIELDS, SEARCHABLE
from socdesk.incidents.record import IncidentObject
from socdesk.models import Incident

DOC = Path(__file__).parents[2] / "docs" / "incident-fields.md"


def test_every_sdk_incident_field_is_in_the_catalogue_and_the_schema() -> None:
    sdk_fields = set(SdkIncident.openapi_types)

    assert sdk_fields <= set(FIELDS_BY_KEY)
    assert sdk_fields <= set(IncidentObject.model_fields)


def test_top_level_catalogue_fields_are_exactly_the_schema_fields() -> None:
    top_level = {f.key for f in INCIDENT_FIELDS if "." not in f.key}

    assert top_level == set(IncidentObject.model_fields)


def test_searchable_fields_name_real_columns() -> None:
    columns = set(Incident.__table__.columns.keys())

    assert {f.column for f in SEARCHABLE.values()} <= columns


def test_the_docs_list_every_field() -> None:
    text = DOC.read_text()

    assert all(f"| `{f.key}` |" in text for f in INCIDENT_FIELDS)
