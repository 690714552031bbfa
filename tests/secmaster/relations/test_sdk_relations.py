"""The official SDK, unchanged, against a live server: the relation, note and batch-order
calls, each response object carrying the data."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    BatchCreateDataobjectRelationsRequest,
    BatchCreateDataobjectRelationsRequestBody,
    BatchCreateDataobjectRelationsResponse,
    CreateBatchOrderAlertsRequest,
    CreateBatchOrderAlertsResponse,
    CreateDataobjectRelationRequest,
    CreateDataobjectRelationRequestBody,
    CreateDataobjectRelationResponse,
    CreateDataobjectRequest,
    CreateIncidentRequest,
    CreateNoteRequest,
    CreateNoteRequestBody,
    CreateNoteResponse,
    DataObjectCreateForm,
    DataobjectSearch,
    DeleteDataobjectRelationRequest,
    DeleteDataobjectRelationResponse,
    DeleteNoteRequestBody,
    DeleteNotesRequest,
    DeleteNotesResponse,
    ListDataobjectRelationsRequest,
    ListDataobjectRelationsResponse,
    ListNotesRequest,
    ListNotesRequestBody,
    ListNotesResponse,
    OrderAlert,
    OrderAlertIncidentContent,
    OrderAlertIncidentContentIncidentType,
)

from tests.conftest import AdminSdk
from tests.objects.payloads import alert, indicator
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.payloads import incident_object

DATA_OBJECT = frozenset({"data_object"})


def _create(admin_sdk: AdminSdk, name: str, data: dict[str, object]) -> str:
    form = DataObjectCreateForm(data_object=data)
    client, where = admin_sdk.client, admin_sdk.where
    if name == "incidents":
        return str(client.create_incident(CreateIncidentRequest(**where, body=form)).data.id)
    request = CreateDataobjectRequest(**where, dataclass_name=name, body=form)
    return str(client.create_dataobject(request).data.id)


async def test_the_relation_calls(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    incident = _create(admin_sdk, "incidents", incident_object())
    alert_id = _create(admin_sdk, "alerts", alert())
    indicator_id = _create(admin_sdk, "indicators", indicator())

    linked = client.create_dataobject_relation(
        CreateDataobjectRelationRequest(
            **where,
            dataclass_type="incidents",
            data_object_id=incident,
            related_dataclass_type="alerts",
            body=CreateDataobjectRelationRequestBody(ids=[alert_id]),
        )
    )
    batch = client.batch_create_dataobject_relations(
        BatchCreateDataobjectRelationsRequest(
            **where,
            dataclass_type="alerts",
            related_dataclass_type="indicators",
            body=BatchCreateDataobjectRelationsRequestBody(
                dataobject_ids=[alert_id], related_dataobject_ids=[indicator_id]
            ),
        )
    )
    listed = client.list_dataobject_relations(
        ListDataobjectRelationsRequest(
            **where,
            dataclass_type="alerts",
            data_object_id=alert_id,
            related_dataclass_type="incidents",
            body=DataobjectSearch(limit=10),
        )
    )
    unlinked = client.delete_dataobject_relation(
        DeleteDataobjectRelationRequest(
            **where,
            dataclass_type="alerts",
            data_object_id=alert_id,
            related_dataclass_type="incidents",
            body=CreateDataobjectRelationRequestBody(ids=[incident]),
        )
    )

    assert unanswered(CreateDataobjectRelationResponse, raw_body(linked)) == []
    assert (linked.data.success_ids, linked.data.error_ids) == ([alert_id], [])
    assert unanswered(BatchCreateDataobjectRelationsResponse, raw_body(batch)) == []
    assert batch.data.success_ids == [alert_id]
    assert (
        unanswered(ListDataobjectRelationsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    )
    assert (listed.total, [d.id for d in listed.data]) == (1, [incident])
    assert listed.data[0].data_object["title"] == "Brute force on bastion"
    assert unanswered(DeleteDataobjectRelationResponse, raw_body(unlinked)) == []
    assert unlinked.data.success_ids == [incident]


async def test_the_note_calls(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    incident = _create(admin_sdk, "incidents", incident_object())

    created = client.create_note(
        CreateNoteRequest(
            **where,
            body=CreateNoteRequestBody(war_room_id=incident, content="seen", note_type="comment"),
        )
    )
    listed = client.list_notes(
        ListNotesRequest(**where, body=ListNotesRequestBody(war_room_id=incident, limit=5))
    )
    deleted = client.delete_notes(
        DeleteNotesRequest(**where, body=DeleteNoteRequestBody(batch_ids=[created.data.id]))
    )

    assert unanswered(CreateNoteResponse, raw_body(created)) == []
    assert (created.data.war_room_id, created.data.data.content) == (incident, "seen")
    assert created.data.user.name
    assert unanswered(ListNotesResponse, raw_body(listed)) == []
    assert (listed.total, [n.id for n in listed.data]) == (1, [created.data.id])
    assert unanswered(DeleteNotesResponse, raw_body(deleted)) == []
    assert deleted.data.success_ids == [created.data.id]


async def test_the_batch_order_call(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    ids = [_create(admin_sdk, "alerts", alert(severity=s)) for s in ("Low", "Fatal")]

    ordered = client.create_batch_order_alerts(
        CreateBatchOrderAlertsRequest(
            **where,
            body=OrderAlert(
                ids=ids,
                incident_content=OrderAlertIncidentContent(
                    title="From the SDK",
                    incident_type=OrderAlertIncidentContentIncidentType(
                        category="Intrusion", incident_type="Brute force"
                    ),
                ),
            ),
        )
    )

    assert isinstance(ordered, CreateBatchOrderAlertsResponse)
    assert unanswered(CreateBatchOrderAlertsResponse, raw_body(ordered)) == []
    assert (ordered.data.success_ids, ordered.data.error_ids) == (ids, [])
