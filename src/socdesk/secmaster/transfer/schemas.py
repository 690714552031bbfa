"""Bodies of the import and export routes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from socdesk.incidents.search import SearchBody
from socdesk.kit.conditions import SearchBody as ObjectSearchBody
from socdesk.kit.schemas import RequestBody, ResponseBody


class ExportBody(RequestBody):
    data_object_filters_form: SearchBody | None = Field(
        default=None,
        description="A search body choosing and sorting the incidents; limit and offset are "
        "ignored (every match is exported).",
    )
    title: list[str] | None = Field(
        default=None, max_length=200, description="Columns (field keys or labels); all if empty."
    )
    action: Literal["exportDataObject", "exportTemplate"] | None = Field(
        default=None,
        description="As the SDK's CommonDataObjectExportRequest: exportDataObject (the default) "
        "exports the matching incidents, exportTemplate the import template of the columns in "
        "`title` (the filter is then not used).",
    )


class ObjectExportBody(RequestBody):
    """The SDK's CommonDataObjectExportRequest (and ExportAlertsRequestBody, ...) for the
    objects of any class but Incident."""

    data_object_filters_form: ObjectSearchBody | None = Field(
        default=None,
        description="A search body of the class choosing and sorting the objects; limit and "
        "offset are ignored (every match is exported).",
    )
    title: list[str] | None = Field(
        default=None, max_length=200, description="Columns (field keys or labels); all if empty."
    )
    action: Literal["exportDataObject", "exportTemplate"] | None = Field(
        default=None,
        description="exportDataObject (the default) exports the matching objects, "
        "exportTemplate the import template of the columns in `title`.",
    )


class ImportedIds(ResponseBody):
    ids: list[str]


class ImportEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: ImportedIds
