"""From the domain's indicator records to SecMaster's IndicatorDetail."""

from __future__ import annotations

from socdesk.objects.service import ObjectRecord
from socdesk.secmaster.indicators.schemas import IndicatorDetail
from socdesk.secmaster.objects import mapping
from socdesk.workspaces.scope import WorkspaceScope


def detail(record: ObjectRecord, scope: WorkspaceScope) -> IndicatorDetail:
    """The generic data-object detail with the indicator's `name` beside it."""
    generic = mapping.detail(record, scope)
    return IndicatorDetail(**generic.model_dump(), name=str(record.data_object.get("name") or ""))
