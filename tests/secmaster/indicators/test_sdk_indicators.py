"""The official SDK, unchanged, against a live server: every indicator call SOCdesk serves
(create, show, update, search with its own body, delete) and the vulnerability search and
show, each response object carrying the data."""

from __future__ import annotations

import httpx
from huaweicloudsdksecmaster.v1 import (
    CreateIndicatorDetail,
    CreateIndicatorDetailDataSource,
    CreateIndicatorDetailIndicatorType,
    CreateIndicatorRequest,
    CreateIndicatorResponse,
    DataobjectSearchCondition,
    DataobjectSearchConditionConditions,
    DeleteIndicatorRequest,
    DeleteIndicatorRequestBody,
    DeleteIndicatorResponse,
    IndicatorCreateRequest,
    IndicatorDataObjectDetail,
    IndicatorListSearchRequest,
    ListIndicatorsRequest,
    ListIndicatorsResponse,
    ListVulnerabilitiesRequest,
    ListVulnerabilitiesResponse,
    ShowIndicatorDetailRequest,
    ShowIndicatorDetailResponse,
    ShowVulnerabilityRequest,
    ShowVulnerabilityResponse,
    UpdateIndicatorRequest,
    UpdateIndicatorRequestBody,
    UpdateIndicatorResponse,
    VulnerabilityDataObjectSearch,
)

from socdesk.classes.registry import INDICATOR
from tests.conftest import AdminSdk
from tests.objects.payloads import vulnerability
from tests.sdk_models import raw_body, unanswered

DATA_OBJECT = frozenset({"data_object"})


def _indicator(name: str, value: str, verdict: str = "Black") -> CreateIndicatorDetail:
    return CreateIndicatorDetail(
        name=name,
        value=value,
        verdict=verdict,
        status="Open",
        confidence=90,
        granular_marking="2",
        indicator_type=CreateIndicatorDetailIndicatorType(indicator_type="ip"),
        data_source=CreateIndicatorDetailDataSource(source_type=1, product_name="SecMaster"),
        first_report_time="2026-11-20T08:00:00.000Z",
    )


async def test_every_indicator_call_the_sdk_has_but_transfer(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    created = [
        client.create_indicator(
            CreateIndicatorRequest(
                **where,
                body=IndicatorCreateRequest(data_object=_indicator(name, value, verdict)),
            )
        )
        for name, value, verdict in (
            ("C2 address", "203.0.113.7", "Black"),
            ("Resolver", "198.51.100.53", "White"),
            ("Scanner", "192.0.2.10", "Black"),
        )
    ]
    first, second, third = (c.data.id for c in created)
    shown = client.show_indicator_detail(ShowIndicatorDetailRequest(**where, indicator_id=first))
    updated = client.update_indicator(
        UpdateIndicatorRequest(
            **where,
            indicator_id=first,
            body=UpdateIndicatorRequestBody(
                data_object=IndicatorDataObjectDetail(status="Closed", confidence=95)
            ),
        )
    )
    condition = DataobjectSearchCondition(
        conditions=[DataobjectSearchConditionConditions(name="c", data=["verdict", "=", "Black"])],
        logics=["c"],
    )
    listed = client.list_indicators(
        ListIndicatorsRequest(
            **where,
            body=IndicatorListSearchRequest(
                dataclass_id=INDICATOR.id,
                condition=condition,
                offset=0,
                limit=10,
                sort_by="create_time",
            ),
        )
    )
    by_ids = client.list_indicators(
        ListIndicatorsRequest(
            **where, body=IndicatorListSearchRequest(ids=[second, third], offset=0, limit=10)
        )
    )
    deleted = client.delete_indicator(
        DeleteIndicatorRequest(**where, body=DeleteIndicatorRequestBody(batch_ids=[first, "x"]))
    )
    after = client.list_indicators(
        ListIndicatorsRequest(**where, body=IndicatorListSearchRequest(offset=0, limit=10))
    )

    for response in created:
        assert unanswered(CreateIndicatorResponse, raw_body(response), open_keys=DATA_OBJECT) == []
        assert response.x_request_id
    assert (created[0].data.name, created[0].data.dataclass_ref.name) == (
        "C2 address",
        "Indicator",
    )
    assert created[0].data.data_object.value == "203.0.113.7"
    assert created[0].data.data_object.indicator_type.indicator_type == "ip"
    assert unanswered(ShowIndicatorDetailResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.data.id, shown.data.name) == (first, "C2 address")
    assert shown.data.data_object.granular_marking == 2
    assert shown.data.data_object.data_source.product_name == "SecMaster"
    assert unanswered(UpdateIndicatorResponse, raw_body(updated), open_keys=DATA_OBJECT) == []
    assert (updated.data.data_object.status, updated.data.data_object.confidence) == (
        "Closed",
        95,
    )
    assert updated.data.data_object.value == "203.0.113.7"
    assert unanswered(ListIndicatorsResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert listed.total == 2
    assert {d.id for d in listed.data} == {first, third}
    assert all(d.data_object.verdict == "Black" for d in listed.data)
    assert (by_ids.total, {d.id for d in by_ids.data}) == (2, {second, third})
    assert unanswered(DeleteIndicatorResponse, raw_body(deleted)) == []
    assert (deleted.data.success_ids, deleted.data.error_ids) == ([first], ["x"])
    assert (after.total, {d.name for d in after.data}) == (2, {"Resolver", "Scanner"})


async def test_the_sdk_searches_and_shows_vulnerabilities(
    admin_sdk: AdminSdk, admin_client: httpx.AsyncClient, soc: str
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    made = [
        await admin_client.post(
            f"{soc}/vulnerabilities", json={"data_object": vulnerability(vul_name=name, count=n)}
        )
        for name, n in (("CVE-2026-0001 in openssl", 3), ("CVE-2026-0002 in glibc", 1))
    ]
    ids = [m.json()["data"]["id"] for m in made]

    listed = client.list_vulnerabilities(
        ListVulnerabilitiesRequest(
            **where,
            body=VulnerabilityDataObjectSearch(
                limit=10,
                offset=0,
                sort_by="create_time",
                order="ASC",
                condition=DataobjectSearchCondition(
                    conditions=[
                        DataobjectSearchConditionConditions(
                            name="n", data=["vul_name", "contains", "glibc"]
                        )
                    ],
                    logics=["n"],
                ),
            ),
        )
    )
    everything = client.list_vulnerabilities(
        ListVulnerabilitiesRequest(
            **where, body=VulnerabilityDataObjectSearch(limit=10, offset=0, order="ASC")
        )
    )
    shown = client.show_vulnerability(ShowVulnerabilityRequest(**where, vul_id=ids[0]))

    assert unanswered(ListVulnerabilitiesResponse, raw_body(listed), open_keys=DATA_OBJECT) == []
    assert (listed.total, [d.id for d in listed.data]) == (1, [ids[1]])
    assert listed.data[0].data_object.vul_name == "CVE-2026-0002 in glibc"
    assert [d.id for d in everything.data] == ids
    assert unanswered(ShowVulnerabilityResponse, raw_body(shown), open_keys=DATA_OBJECT) == []
    assert (shown.data.id, shown.data.dataclass_ref.name) == (ids[0], "Vulnerability")
    assert (shown.data.data_object.vul_name, shown.data.version) == ("CVE-2026-0001 in openssl", 1)
