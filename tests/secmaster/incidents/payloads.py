"""Incident bodies for tests."""

from __future__ import annotations

from typing import Any


def incident_object(**overrides: Any) -> dict[str, Any]:
    """A data_object with every mandatory field, plus `overrides`."""
    body: dict[str, Any] = {
        "title": "Brute force on bastion",
        "description": "Repeated failed SSH logins from one address.",
        "incident_type": {"category": "Intrusion", "incident_type": "Brute force"},
        "severity": "High",
        "handle_status": "Open",
        "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": "2026-11-20T08:00:00.000Z",
    }
    body.update(overrides)
    return body


def incidents_path(project_hex: str, workspace_id: object) -> str:
    return f"/v1/{project_hex}/workspaces/{workspace_id}/soc/incidents"
