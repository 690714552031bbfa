"""Valid objects of each built-in class and of a workspace's own class, for the tests."""

from __future__ import annotations

from typing import Any


def alert(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Brute force on bastion",
        "description": "Repeated failed SSH logins from one address.",
        "severity": "High",
        "handle_status": "Open",
        "alert_type": {"category": "Intrusion", "alert_type": "Brute force"},
        "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": "2026-11-20T08:00:00.000Z",
    }
    body.update(overrides)
    return body


def indicator(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "C2 address",
        "indicator_type": {"indicator_type": "ip"},
        "value": "203.0.113.7",
        "verdict": "Black",
        "status": "Open",
    }
    body.update(overrides)
    return body


def vulnerability(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"vul_name": "CVE-2026-0001 in openssl", "count": 3}
    body.update(overrides)
    return body


def asset(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"hostname": "bastion-1", "tier": "gold", "owner": {"team": "red"}}
    body.update(overrides)
    return body


# A workspace's own class (POST ~/soc/dataclasses), with an object field and an enum.
ASSET_CLASS: dict[str, Any] = {
    "name": "Asset",
    "business_code": "Asset",
    "description": "Hosts the SOC protects.",
    "fields": [
        {
            "field_key": "hostname",
            "name": "Host",
            "field_type": "String",
            "required": True,
            "searchable": True,
        },
        {
            "field_key": "tier",
            "name": "Tier",
            "field_type": "Enum",
            "enum_values": ["gold", "silver"],
            "searchable": True,
        },
        {"field_key": "rack", "name": "Rack", "field_type": "Integer", "searchable": True},
        {"field_key": "owner", "name": "Owner", "field_type": "Object"},
        {"field_key": "owner.team", "name": "Team", "field_type": "String", "searchable": True},
    ],
}
