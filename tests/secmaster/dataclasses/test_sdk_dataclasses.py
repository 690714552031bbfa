"""The SDK's data-class calls get populated objects, and their query filters apply."""

from __future__ import annotations

import json

from huaweicloudsdksecmaster.v1 import (
    AlertDataSource,
    CreateDataclassTypeRequest,
    CreateDataclassTypeRequestBody,
    CreateDataclassTypeResponse,
    CreateIncidentRequest,
    CreateIncidentRequestBody,
    DeleteDataclassTypeRequest,
    DeleteDataclassTypeRequestBody,
    DeleteRelationResource,
    EnableDataclassTypeRequest,
    EnableDataclassTypeRequestBody,
    Incident,
    IncidentIncidentType,
    ListDataclassFieldsRequest,
    ListDataclassFieldsResponse,
    ListDataclassRequest,
    ListDataclassResponse,
    ShowDataClassInfoRequest,
    ShowDataClassInfoResponse,
)

from socdesk.classes.registry import INDICATOR
from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered


async def test_show_data_class_info_answers_the_class_at_the_top_level(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    listed = client.list_dataclass(ListDataclassRequest(**where))
    class_id = listed.dataclass_details[0].id

    by_id = client.show_data_class_info(ShowDataClassInfoRequest(**where, dataclass_id=class_id))
    by_name = client.show_data_class_info(
        ShowDataClassInfoRequest(**where, dataclass_id="Incident")
    )

    assert unanswered(ShowDataClassInfoResponse, raw_body(by_id)) == []
    assert (by_id.id, by_id.name, by_id.is_built_in) == (class_id, "Incident", True)
    assert by_id.workspace_id == where["workspace_id"]
    assert by_id.project_id == where["project_id"]
    assert by_name.to_dict() == by_id.to_dict()


async def test_the_data_class_lists_answer_every_key_and_filter_as_asked(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    everything = client.list_dataclass(ListDataclassRequest(**where))
    built_in = client.list_dataclass(
        ListDataclassRequest(**where, is_built_in=True, business_code="Incident")
    )
    user_defined = client.list_dataclass(ListDataclassRequest(**where, is_built_in=False))
    by_description = client.list_dataclass(ListDataclassRequest(**where, description="nothing"))
    class_id = everything.dataclass_details[0].id
    fields = client.list_dataclass_fields(
        ListDataclassFieldsRequest(**where, dataclass_id=class_id)
    )
    named = client.list_dataclass_fields(
        ListDataclassFieldsRequest(**where, dataclass_id=class_id, name="severity")
    )
    custom = client.list_dataclass_fields(
        ListDataclassFieldsRequest(**where, dataclass_id=class_id, is_built_in=False)
    )
    mapped = client.list_dataclass_fields(
        ListDataclassFieldsRequest(**where, dataclass_id=class_id, mapping=True, limit=3)
    )

    assert unanswered(ListDataclassResponse, raw_body(everything)) == []
    assert unanswered(ListDataclassFieldsResponse, raw_body(fields)) == []
    assert [c.id for c in built_in.dataclass_details] == [class_id]
    assert (user_defined.total, user_defined.dataclass_details) == (0, [])
    assert by_description.total == 0
    assert {f.field_key for f in named.field_details} == {"severity"}
    assert custom.total == 0
    assert len(mapped.field_details) == 3
    severity = next(f for f in fields.field_details if f.field_key == "severity")
    assert severity.create_time
    assert severity.update_time
    assert (severity.business_type, severity.business_id) == ("DataClass", class_id)
    assert severity.field_type == "Enum"
    assert severity.case_sensitive is True


async def test_every_built_in_class_is_listed_shown_and_described(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    listed = client.list_dataclass(ListDataclassRequest(**where, limit=100))
    shown = [
        client.show_data_class_info(ShowDataClassInfoRequest(**where, dataclass_id=route))
        for route in ("incidents", "alerts", "indicators", "vulnerabilities")
    ]
    fields = {
        c.name: client.list_dataclass_fields(ListDataclassFieldsRequest(**where, dataclass_id=c.id))
        for c in listed.dataclass_details
    }

    assert [c.name for c in listed.dataclass_details] == [
        "Incident",
        "Alert",
        "Indicator",
        "Vulnerability",
    ]
    assert listed.total == 4
    assert [s.id for s in shown] == [c.id for c in listed.dataclass_details]
    assert all(unanswered(ShowDataClassInfoResponse, raw_body(s)) == [] for s in shown)
    for answer in fields.values():
        assert unanswered(ListDataclassFieldsResponse, raw_body(answer)) == []
        assert answer.total == len(answer.field_details) > 10
    alert_keys = {f.field_key: f for f in fields["Alert"].field_details}
    assert alert_keys["alert_type.alert_type"].required is True
    severity = json.loads(alert_keys["severity"].extra_json)
    assert severity == {"enum": ["Tips", "Low", "Medium", "High", "Fatal"]}
    indicator = {f.field_key: f for f in fields["Indicator"].field_details}
    assert (indicator["defanged"].field_type, indicator["verdict"].field_type) == (
        "Boolean",
        "Enum",
    )
    vulnerability = {f.field_key: f for f in fields["Vulnerability"].field_details}
    assert vulnerability["vulnerability.tags"].field_type == "List<String>"


async def test_types_are_created_enabled_and_deleted_through_the_sdk(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    intrusion = client.create_dataclass_type(
        CreateDataclassTypeRequest(
            **where,
            dataclass_id="Incident",
            body=CreateDataclassTypeRequestBody(
                category="Intrusion",
                category_code="intrusion",
                sub_category="Brute force",
                sub_category_code="brute_force",
                sla=4,
                description="Password guessing",
            ),
        )
    )
    malicious_ip = client.create_dataclass_type(
        CreateDataclassTypeRequest(
            **where,
            dataclass_id="indicators",
            body=CreateDataclassTypeRequestBody(category="IP", category_code="ip"),
        )
    )
    client.create_incident(
        CreateIncidentRequest(**where, body=CreateIncidentRequestBody(data_object=_incident()))
    )

    disabled = client.enable_dataclass_type(
        EnableDataclassTypeRequest(
            **where,
            dataclass_id="Incident",
            body=EnableDataclassTypeRequestBody(enable=False, ids=[intrusion.id]),
        )
    )
    checked = client.delete_dataclass_type(
        DeleteDataclassTypeRequest(
            **where,
            dataclass_id="Incident",
            body=DeleteDataclassTypeRequestBody(is_delete=False, ids=[intrusion.id]),
        )
    )
    deleted = client.delete_dataclass_type(
        DeleteDataclassTypeRequest(
            **where,
            dataclass_id="Incident",
            body=DeleteDataclassTypeRequestBody(is_delete=True, ids=[intrusion.id]),
        )
    )

    assert unanswered(CreateDataclassTypeResponse, raw_body(intrusion)) == []
    assert (intrusion.level, intrusion.sla, intrusion.enabled) == (2, 4, True)
    assert intrusion.dataclass_business_code == "Incident"
    assert (malicious_ip.level, malicious_ip.dataclass_id) == (1, INDICATOR.id)
    assert disabled.success is True
    assert disabled.data == intrusion.id
    for answer in (checked, deleted):
        assert [(r.type, r.count) for r in answer.body] == [("DATAOBJECT", 1)]
        assert unanswered(DeleteRelationResource, raw_body(answer)[0]) == []
        assert answer.body[0].data[0].name == "Brute force on bastion"


def _incident() -> Incident:
    """An incident of the Intrusion / Brute force type."""
    return Incident(
        title="Brute force on bastion",
        description="Repeated failed SSH logins.",
        severity="High",
        handle_status="Open",
        first_observed_time="2026-11-20T08:00:00.000Z",
        incident_type=IncidentIncidentType(category="Intrusion", incident_type="Brute force"),
        data_source=AlertDataSource(source_type=3, product_name="HSS", product_feature="login"),
    )
