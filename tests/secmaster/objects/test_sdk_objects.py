"""The official SDK, unchanged, against a live server: the generic data-object calls on a
class other than Incident and the data-panel calls (seed 003), each response object carrying
the data."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    BatchCreateDatapanelObjectsRequest,
    BatchCreateDatapanelObjectsResponse,
    CreateDataobjectRequest,
    CreateDataobjectResponse,
    DataObjectBatchCreateForm,
    DataObjectBatchUpdateForm,
    DataObjectCreateForm,
    DataObjectCreateUpdateResponse,
    DataObjectDeleteForm,
    DataobjectSearch,
    DataobjectSearchCondition,
    DataobjectSearchConditionConditions,
    DeleteDataobjectsRequest,
    DeleteDataobjectsResponse,
    ListDataobjectsRequest,
    ListDataobjectsResponse,
    ListDatapanelObjectsRequest,
    ListDatapanelObjectsResponse,
    ShowDataobjectRequest,
    ShowDataobjectResponse,
    ShowDatapanelObjectRequest,
    ShowDatapanelObjectResponse,
    UpdateDataobjectRequest,
    UpdateDataobjectResponse,
)

from tests.conftest import AdminSdk
from tests.objects.payloads import alert, indicator
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.payloads import incident_object

DATA_OBJECT = frozenset({"data_object"})


async def test_the_generic_calls_create_show_update_list_and_delete_alerts(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    created = client.create_dataobject(
        CreateDataobjectRequest(
            **where,
            dataclass_name="alerts",
            body=DataObjectCreateForm(
                format_version=1, name="sdk", type="Alert", trigger_flag=False, data_object=alert()
            ),
        )
    )
    new_id = created.data.id
    shown = client.show_dataobject(
        ShowDataobjectRequest(**where, dataclass_name="alerts", data_object_id=new_id)
    )
    updated = client.update_dataobject(
        UpdateDataobjectRequest(
            **where,
            dataclass_name="alerts",
            data_object_id=new_id,
            body=DataObjectBatchUpdateForm(
                batch_ids=[new_id], trigger_flag=False, data_object={"severity": "Fatal"}
            ),
        )
    )
    condition = DataobjectSearchCondition(
        conditions=[DataobjectSearchConditionConditions(name="c", data=["severity", ">=", "High"])],
        logics=["c"],
    )
    listed = client.list_dataobjects(
        ListDataobjectsRequest(
            **where,
            dataclass_name="alerts",
            body=DataobjectSearch(
                limit=5, sort_by="create_time", order="DESC", condition=condition
            ),
        )
    )
    deleted = client.delete_dataobjects(
        DeleteDataobjectsRequest(
            **where, dataclass_name="alerts", body=DataObjectDeleteForm(batch_ids=[new_id, "x"])
        )
    )

    assert unanswered(CreateDataobjectResponse, raw_body(created)) == []
    assert (created.success, created.data.event_id) == (True, None)
    assert unanswered(ShowDataobjectResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.data.id, shown.data.version, shown.data.dataclass_ref.name) == (
        new_id,
        1,
        "Alert",
    )
    assert shown.data.data_object["title"] == "Brute force on bastion"
    assert unanswered(UpdateDataobjectResponse, raw_body(updated), open_keys=DATA_OBJECT) == []
    assert (updated.data.version, updated.data.data_object["severity"]) == (2, "Fatal")
    assert unanswered(ListDataobjectsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert (listed.total, [d.id for d in listed.data]) == (1, [new_id])
    assert unanswered(DeleteDataobjectsResponse, raw_body(deleted)) == []
    assert (deleted.success_ids, deleted.error_ids) == ([new_id], ["x"])


async def test_the_data_panel_calls_batch_create_list_and_show(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    incident = client.batch_create_datapanel_objects(
        BatchCreateDatapanelObjectsRequest(
            **where,
            dataclass="Incident",
            body=DataObjectBatchCreateForm(data_object_list=[incident_object()]),
        )
    )
    (incident_id,) = [item.id for item in incident.body]
    created = client.batch_create_datapanel_objects(
        BatchCreateDatapanelObjectsRequest(
            **where,
            dataclass="Indicator",
            body=DataObjectBatchCreateForm(
                format_version=1,
                name="feed",
                type="intel",
                trigger_flag=False,
                data_object_list=[
                    indicator(name="one", incident_id=incident_id),
                    indicator(name="two"),
                ],
            ),
        )
    )
    ids = [item.id for item in created.body]
    listed = client.list_datapanel_objects(
        ListDatapanelObjectsRequest(
            **where, dataclass="Indicator", body=DataobjectSearch(limit=10, order="ASC")
        )
    )
    shown = client.show_datapanel_object(
        ShowDatapanelObjectRequest(**where, dataclass="Indicator", dataobject_id=ids[1])
    )

    assert isinstance(created, BatchCreateDatapanelObjectsResponse)
    assert len(ids) == 2
    assert all(ids)
    # Each item of the bare array is a whole DataObjectCreateUpdateResponse: id and event_id.
    raw = raw_body(created)
    assert isinstance(raw, list)
    assert len(raw) == len(created.body) == 2
    assert all(isinstance(item, DataObjectCreateUpdateResponse) for item in created.body)
    assert [unanswered(DataObjectCreateUpdateResponse, item) for item in raw] == [[], []]
    assert [(item.id, item.event_id) for item in created.body] == [
        (item["id"], item["event_id"]) for item in raw
    ]
    assert [item.event_id for item in created.body] == [incident_id, None]
    assert [item.event_id for item in incident.body] == [incident_id]
    assert created.x_request_id
    assert unanswered(ListDatapanelObjectsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert sorted(d.id for d in listed.data) == sorted(ids)
    assert listed.total == 2
    assert unanswered(ShowDatapanelObjectResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.data.id, shown.data.data_object["name"]) == (ids[1], "two")
    assert shown.x_request_id
