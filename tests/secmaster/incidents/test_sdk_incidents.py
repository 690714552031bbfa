"""The official SecMaster SDK, unchanged, drives the incident routes of a live SOCdesk."""

from __future__ import annotations

import json
from typing import Any

from huaweicloudsdksecmaster.v1 import (
    AlertDataSource,
    AlertFileInfo,
    AlertMalware,
    AlertNetworkList,
    AlertProcess,
    AlertRemediation,
    AlertSrcGeo,
    AlertUserInfo,
    ChangeIncidentRequest,
    ChangeIncidentRequestBody,
    ChangeIncidentsRequest,
    CreateIncidentRequest,
    CreateIncidentRequestBody,
    DataobjectSearch,
    DataobjectSearchCondition,
    DataobjectSearchConditionConditions,
    DeleteIncidentRequest,
    DeleteIncidentRequestBody,
    DeleteIncidentsRequest,
    Incident,
    IncidentEnvironment,
    IncidentIncidentType,
    IncidentResourceList,
    ListDataclassFieldsRequest,
    ListDataclassRequest,
    ListIncidentsRequest,
    ShowIncidentRequest,
)

from tests.conftest import AdminSdk


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def full_incident(title: str, severity: str = "High") -> Incident:
    return Incident(
        title=title,
        description="seen by the SDK test",
        severity=severity,
        handle_status="Open",
        first_observed_time="2023-04-18T13:00:00.000Z+0800",
        last_observed_time="2023-04-18T14:00:00.000Z+0800",
        arrive_time="2023-04-18T14:05:00.000Z+0800",
        incident_type=IncidentIncidentType(category="Intrusion", incident_type="Brute force"),
        data_source=AlertDataSource(
            source_type=3, product_name="HSS", product_feature="login", company_name="Huawei"
        ),
        environment=IncidentEnvironment(vendor_type="HWC", region_id="cn-north-4"),
        network_list=[
            AlertNetworkList(
                direction="IN",
                src_ip="10.0.0.1",
                src_port=22,
                dest_port="22",
                src_geo=AlertSrcGeo(latitude=31.2, longitude=121.5, country_code="CN"),
            )
        ],
        resource_list=[IncidentResourceList(id="vm-1", name="bastion", type="ecs")],
        remediation=AlertRemediation(recommendation="block it", url="https://x.example"),
        malware=AlertMalware(malware_family="Mirai", malware_class="Botnet"),
        process=[AlertProcess(process_name="sshd", process_pid=22)],
        user_info=[AlertUserInfo(user_id="0", user_name="root")],
        file_info=[AlertFileInfo(file_path="/etc/shadow", file_md5="0" * 32)],
        confidence=80,
        criticality=70,
        count=3,
        verification_state="Unknown",
        ipdrr_phase="Detection and Analysis",
        labels="ssh",
        sla="60",
        simulation="false",
        owner="ann@x.example",
        source_url="https://hss.example/1",
        system_info={"os": "linux"},
    )


async def test_the_sdk_creates_shows_lists_changes_and_deletes_incidents(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    created = [
        client.create_incident(
            CreateIncidentRequest(
                **where,
                body=CreateIncidentRequestBody(data_object=full_incident(f"sdk {i}", severity)),
            )
        )
        for i, severity in enumerate(["High", "Low", "High"])
    ]
    shown = client.show_incident(ShowIncidentRequest(**where, incident_id=created[0].data.id))
    listed = client.list_incidents(
        ListIncidentsRequest(
            **where,
            body=DataobjectSearch(
                limit=10,
                offset=0,
                sort_by="create_time",
                order="ASC",
                condition=DataobjectSearchCondition(
                    conditions=[
                        DataobjectSearchConditionConditions(
                            name="sev", data=["severity", "=", "High"]
                        )
                    ],
                    logics=["sev"],
                ),
            ),
        )
    )
    changed = client.change_incident(
        ChangeIncidentRequest(
            **where,
            incident_id=created[0].data.id,
            body=ChangeIncidentRequestBody(
                data_object=Incident(handle_status="Block", version="1")
            ),
        )
    )
    batch = client.change_incidents(
        ChangeIncidentsRequest(
            **where,
            body=ChangeIncidentRequestBody(
                batch_ids=[c.data.id for c in created[:2]],
                data_object=Incident(owner="bob@x.example"),
            ),
        )
    )
    deleted = client.delete_incident(
        DeleteIncidentRequest(
            **where, body=DeleteIncidentRequestBody(batch_ids=[created[1].data.id])
        )
    )
    batch_deleted = client.delete_incidents(
        DeleteIncidentsRequest(
            **where, body=DeleteIncidentRequestBody(batch_ids=[created[2].data.id, "nope"])
        )
    )

    data = shown.data.data_object
    assert (data.title, data.severity, data.handle_status) == ("sdk 0", "High", "Open")
    assert data.first_observed_time == "2023-04-18T05:00:00.000Z"
    assert data.network_list[0].src_geo.latitude == 31.2
    assert data.malware.malware_family == "Mirai"
    assert listed.total == 2
    assert [d.data_object.title for d in listed.data] == ["sdk 0", "sdk 2"]
    assert changed.data.data_object.handle_status == "Block"
    assert changed.data.version == 2
    assert batch.code == "00000000"
    assert deleted.data.success_ids == [created[1].data.id]
    assert batch_deleted.data.success_ids == [created[2].data.id]
    assert batch_deleted.data.error_ids == ["nope"]
    # The SDK's models lose nothing of what we answer.
    for response in (created[0], shown, listed, changed):
        raw = json.loads(response.raw_content)
        if response is created[0]:
            # The create route also serves create_dataobject, whose model reads event_id.
            assert raw["data"].pop("event_id") == raw["data"]["id"]
        parsed = response.to_dict()
        assert without_nulls(parsed["data"]) == raw["data"]


async def test_the_sdk_reads_the_incident_data_class_and_its_fields(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    classes = client.list_dataclass(ListDataclassRequest(**where))
    fields = client.list_dataclass_fields(
        ListDataclassFieldsRequest(**where, dataclass_id=classes.dataclass_details[0].id)
    )

    # Incident first, then the other built-in classes (tests/secmaster/dataclasses/).
    assert classes.dataclass_details[0].name == "Incident"
    by_key = {f.field_key: f for f in fields.field_details}
    assert by_key["title"].required is True
    assert by_key["severity"].searchable is True
    assert json.loads(by_key["severity"].extra_json)["enum"] == [
        "Tips",
        "Low",
        "Medium",
        "High",
        "Fatal",
    ]
    assert set(Incident.openapi_types) <= set(by_key)
