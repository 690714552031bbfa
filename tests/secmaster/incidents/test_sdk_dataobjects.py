"""Every SDK call on the incident routes gets a populated response object: the answer has each
key the SDK's response model declares, and the request models' own fields are accepted."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    ChangeIncidentRequestBody,
    ChangeIncidentsRequest,
    ChangeIncidentsResponse,
    CreateDataobjectRequest,
    CreateDataobjectResponse,
    CreateIncidentRequest,
    CreateIncidentRequestBody,
    CreateIncidentResponse,
    DataObjectBatchUpdateForm,
    DataObjectCreateForm,
    DataObjectDeleteForm,
    DataobjectSearch,
    DeleteDataobjectsRequest,
    DeleteDataobjectsResponse,
    DeleteIncidentRequest,
    DeleteIncidentRequestBody,
    DeleteIncidentResponse,
    DeleteIncidentsRequest,
    DeleteIncidentsResponse,
    Incident,
    ListDataobjectsRequest,
    ListDataobjectsResponse,
    ListIncidentsRequest,
    ListIncidentsResponse,
    ShowDataobjectRequest,
    ShowDataobjectResponse,
    ShowIncidentRequest,
    ShowIncidentResponse,
    UpdateDataobjectRequest,
    UpdateDataobjectResponse,
)

from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.test_sdk_incidents import full_incident

DATA_OBJECT = frozenset({"data_object"})


def _create(admin_sdk: AdminSdk, title: str) -> str:
    created = admin_sdk.client.create_incident(
        CreateIncidentRequest(
            **admin_sdk.where,
            body=CreateIncidentRequestBody(data_object=full_incident(title)),
        )
    )
    assert unanswered(CreateIncidentResponse, raw_body(created), open_keys=DATA_OBJECT) == []
    return str(created.data.id)


async def test_change_incidents_answers_the_sdk_an_incident_detail(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    ids = [_create(admin_sdk, f"batch {i}") for i in range(2)]

    batch = client.change_incidents(
        ChangeIncidentsRequest(
            **where,
            body=ChangeIncidentRequestBody(
                batch_ids=ids, data_object=Incident(owner="bob@x.example")
            ),
        )
    )

    raw = raw_body(batch)
    assert unanswered(ChangeIncidentsResponse, raw, open_keys=DATA_OBJECT) == []
    assert batch.data.id == ids[0]
    assert batch.data.version == 2
    assert batch.data.data_object.owner == "bob@x.example"
    assert batch.data.data_object.title == "batch 0"
    # The ids the batch changed stay in the answer for clients that read them.
    assert (raw["data"]["success_ids"], raw["data"]["error_ids"]) == (ids, [])


async def test_delete_dataobjects_gets_its_ids_at_the_top_and_delete_incident_under_data(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    ids = [_create(admin_sdk, f"doomed {i}") for i in range(3)]

    generic = client.delete_dataobjects(
        DeleteDataobjectsRequest(
            **where, dataclass_name="incidents", body=DataObjectDeleteForm(batch_ids=[ids[0], "x"])
        )
    )
    specific = client.delete_incident(
        DeleteIncidentRequest(**where, body=DeleteIncidentRequestBody(batch_ids=[ids[1]]))
    )
    batch = client.delete_incidents(
        DeleteIncidentsRequest(**where, body=DeleteIncidentRequestBody(batch_ids=[ids[2]]))
    )

    assert unanswered(DeleteDataobjectsResponse, raw_body(generic)) == []
    assert (generic.success_ids, generic.error_ids) == ([ids[0]], ["x"])
    assert unanswered(DeleteIncidentResponse, raw_body(specific)) == []
    assert (specific.data.success_ids, specific.data.error_ids) == ([ids[1]], [])
    # POST batch-delete keeps the seed's body exactly.
    assert raw_body(batch) == {
        "code": "00000000",
        "message": "",
        "data": {"success_ids": [ids[2]], "error_ids": []},
    }
    assert unanswered(DeleteIncidentsResponse, raw_body(batch)) == []


async def test_the_generic_data_object_calls_create_show_update_and_list_incidents(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    data_object = full_incident("generic").to_dict()

    created = client.create_dataobject(
        CreateDataobjectRequest(
            **where,
            dataclass_name="incidents",
            body=DataObjectCreateForm(
                format_version=1,
                name="generic",
                type="Incident",
                trigger_flag=True,
                data_object={k: v for k, v in data_object.items() if v is not None},
            ),
        )
    )
    new_id = created.data.id
    shown = client.show_dataobject(
        ShowDataobjectRequest(**where, dataclass_name="incidents", data_object_id=new_id)
    )
    updated = client.update_dataobject(
        UpdateDataobjectRequest(
            **where,
            dataclass_name="incidents",
            data_object_id=new_id,
            body=DataObjectBatchUpdateForm(
                batch_ids=[new_id], trigger_flag=False, data_object={"owner": "eve@x.example"}
            ),
        )
    )
    listed = client.list_dataobjects(
        ListDataobjectsRequest(**where, dataclass_name="incidents", body=DataobjectSearch(limit=5))
    )

    assert unanswered(CreateDataobjectResponse, raw_body(created)) == []
    assert created.success is True
    assert created.data.event_id == new_id
    assert unanswered(ShowDataobjectResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.success, shown.data.id, shown.data.version) == (True, new_id, 1)
    assert shown.data.data_object["title"] == "generic"
    assert unanswered(UpdateDataobjectResponse, raw_body(updated), open_keys=DATA_OBJECT) == []
    assert (updated.success, updated.data.id, updated.data.version) == (True, new_id, 2)
    assert updated.data.data_object["owner"] == "eve@x.example"
    assert unanswered(ListDataobjectsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert [d.id for d in listed.data] == [new_id]


async def test_the_incident_calls_answer_every_key_of_their_models(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    new_id = _create(admin_sdk, "shape")

    shown = client.show_incident(ShowIncidentRequest(**where, incident_id=new_id))
    listed = client.list_incidents(ListIncidentsRequest(**where, body=DataobjectSearch(limit=5)))

    assert unanswered(ShowIncidentResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert unanswered(ListIncidentsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert shown.data.id == listed.data[0].id == new_id
