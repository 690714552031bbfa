"""The official SDK, unchanged, against a live server: every alert call SOCdesk serves
(create, show, change, batch-update, search, delete and batch-delete), each response object
carrying the data. Show, change, search and delete are the generic data-object routes: the
SDK's alert shapes are theirs."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    Alert,
    AlertAlertType,
    AlertDataSource,
    BatchChangeAlertRequestBody,
    ChangeAlertRequest,
    ChangeAlertRequestBody,
    ChangeAlertResponse,
    ChangeAlertsRequest,
    ChangeAlertsResponse,
    CreateAlertRequest,
    CreateAlertRequestBody,
    CreateAlertResponse,
    DataobjectSearch,
    DataobjectSearchCondition,
    DataobjectSearchConditionConditions,
    DeleteAlertRequest,
    DeleteAlertRequestBody,
    DeleteAlertResponse,
    DeleteAlertsRequest,
    DeleteAlertsResponse,
    ListAlertsRequest,
    ListAlertsResponse,
    ShowAlertRequest,
    ShowAlertResponse,
)

from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered

DATA_OBJECT = frozenset({"data_object"})


def _alert(title: str, severity: str = "High") -> Alert:
    return Alert(
        title=title,
        description="Repeated failed SSH logins from one address.",
        severity=severity,
        handle_status="Open",
        alert_type=AlertAlertType(category="Intrusion", alert_type="Brute force"),
        first_observed_time="2026-11-20T08:00:00.000Z",
        data_source=AlertDataSource(source_type=3, product_name="HSS", product_feature="login"),
    )


async def test_every_alert_call_the_sdk_has_but_transfer_and_batch_order(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    created = [
        client.create_alert(
            CreateAlertRequest(**where, body=CreateAlertRequestBody(data_object=_alert(title)))
        )
        for title in ("Brute force on bastion", "Port scan", "Beaconing")
    ]
    first, second, third = (c.data.id for c in created)
    shown = client.show_alert(ShowAlertRequest(**where, alert_id=first))
    changed = client.change_alert(
        ChangeAlertRequest(
            **where,
            alert_id=first,
            body=ChangeAlertRequestBody(data_object=Alert(severity="Fatal")),
        )
    )
    batch_changed = client.change_alerts(
        ChangeAlertsRequest(
            **where,
            body=BatchChangeAlertRequestBody(
                batch_ids=[second, third], data_object=Alert(handle_status="Block")
            ),
        )
    )
    condition = DataobjectSearchCondition(
        conditions=[
            DataobjectSearchConditionConditions(name="c", data=["handle_status", "=", "Block"])
        ],
        logics=["c"],
    )
    listed = client.list_alerts(
        ListAlertsRequest(
            **where,
            body=DataobjectSearch(
                limit=10, offset=0, sort_by="create_time", order="ASC", condition=condition
            ),
        )
    )
    deleted = client.delete_alert(
        DeleteAlertRequest(**where, body=DeleteAlertRequestBody(batch_ids=[first, "x"]))
    )
    batch_deleted = client.delete_alerts(
        DeleteAlertsRequest(**where, body=DeleteAlertRequestBody(batch_ids=[second, first]))
    )

    for response in created:
        assert unanswered(CreateAlertResponse, raw_body(response), open_keys=DATA_OBJECT) == []
    assert created[0].data.data_object.title == "Brute force on bastion"
    assert (created[0].data.type, created[0].data.version) == ("MANUAL", 1)
    assert created[0].x_request_id
    assert unanswered(ShowAlertResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.data.id, shown.data.dataclass_ref.name) == (first, "Alert")
    assert shown.data.data_object.alert_type.alert_type == "Brute force"
    assert unanswered(ChangeAlertResponse, raw_body(changed), open_keys=DATA_OBJECT) == []
    assert (changed.data.version, changed.data.data_object.severity) == (2, "Fatal")
    assert changed.data.data_object.title == "Brute force on bastion"
    assert unanswered(ChangeAlertsResponse, raw_body(batch_changed), open_keys=DATA_OBJECT) == []
    assert batch_changed.data.id in (second, third)
    assert batch_changed.data.data_object.handle_status == "Block"
    assert unanswered(ListAlertsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert (listed.total, [d.id for d in listed.data]) == (2, [second, third])
    assert [d.data_object.title for d in listed.data] == ["Port scan", "Beaconing"]
    assert unanswered(DeleteAlertResponse, raw_body(deleted)) == []
    assert (deleted.data.success_ids, deleted.data.error_ids) == ([first], ["x"])
    assert unanswered(DeleteAlertsResponse, raw_body(batch_deleted)) == []
    assert (batch_deleted.data.success_ids, batch_deleted.data.error_ids) == ([second], [first])
