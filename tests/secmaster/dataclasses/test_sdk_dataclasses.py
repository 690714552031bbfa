"""The SDK's data-class calls get populated objects, and their query filters apply."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    ListDataclassFieldsRequest,
    ListDataclassFieldsResponse,
    ListDataclassRequest,
    ListDataclassResponse,
    ShowDataClassInfoRequest,
    ShowDataClassInfoResponse,
)

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
