"""The built-in Indicator class's fields: a threat-intelligence indicator (an IP, a domain, a
hash...) as the SDK's `CreateIndicatorDetail` writes it and `IndicatorDataObjectDetail` reads it
(the read model adds `is_deleted` and `revoked`, kept here as server-set fields)."""

from __future__ import annotations

from socdesk.classes.fields import CREATE_TIME, UPDATE_TIME, ClassField, FieldType
from socdesk.classes.values import (
    GRANULAR_MARKINGS,
    INDICATOR_SOURCE_TYPES,
    INDICATOR_STATUSES,
    VERDICTS,
)

F = FieldType
INDICATOR_FIELDS: tuple[ClassField, ...] = (
    ClassField("id", "ID", F.string, "The indicator's UUID.", read_only=True, searchable=True),
    ClassField("name", "Name", F.string, "Up to 255 characters.", True, searchable=True),
    ClassField(
        "indicator_type", "Indicator type", F.object, "{indicator_type, id}: what it is.", True
    ),
    ClassField(
        "indicator_type.indicator_type",
        "Indicator type name",
        F.string,
        "ip, domain, url, file hash, email...",
        True,
        searchable=True,
    ),
    ClassField("indicator_type.id", "Indicator type ID", F.string, "The type's id."),
    ClassField(
        "value",
        "Value",
        F.string,
        "The indicator itself: an IP, URL, domain...",
        True,
        searchable=True,
    ),
    ClassField(
        "verdict",
        "Verdict",
        F.enum,
        "Black malicious, White benign, Gray unknown.",
        True,
        VERDICTS,
        searchable=True,
    ),
    ClassField(
        "status",
        "Status",
        F.enum,
        "Open, Closed or Revoked.",
        True,
        INDICATOR_STATUSES,
        searchable=True,
    ),
    ClassField("confidence", "Confidence", F.integer, "80 to 100.", searchable=True),
    ClassField(
        "granular_marking",
        "Granular marking",
        F.enum,
        "Confidentiality, highest first: 1 first found, 2 self-produced, 3 bought, 4 public.",
        enum=GRANULAR_MARKINGS,
        searchable=True,
    ),
    ClassField("labels", "Labels", F.string, "Comma-separated labels.", searchable=True),
    ClassField("defanged", "Defanged", F.boolean, "Whether it is no longer effective."),
    ClassField("first_report_time", "First reported", F.datetime, "", searchable=True),
    ClassField("last_report_time", "Last reported", F.datetime, "", searchable=True),
    ClassField("data_source", "Data source", F.object, "Where the indicator came from."),
    ClassField(
        "data_source.source_type",
        "Source type",
        F.enum,
        "1 SecMaster, 2 HSS, 3 Compass, 4 third-party product, 5 tenant-defined.",
        enum=INDICATOR_SOURCE_TYPES,
        searchable=True,
    ),
    ClassField("data_source.domain_id", "Source domain ID", F.string),
    ClassField("data_source.project_id", "Source project ID", F.string),
    ClassField("data_source.region_id", "Source region ID", F.string),
    ClassField(
        "data_source.product_name",
        "Product name",
        F.string,
        "The product that reported it.",
        searchable=True,
    ),
    ClassField("data_source.product_feature", "Product feature", F.string),
    ClassField("environment", "Environment", F.object, "Where the indicator was seen."),
    ClassField("environment.vendor_type", "Vendor type", F.string),
    ClassField("environment.domain_id", "Environment domain ID", F.string),
    ClassField("environment.region_id", "Environment region ID", F.string),
    ClassField("environment.project_id", "Environment project ID", F.string),
    ClassField("revoked", "Revoked", F.boolean, "Set by the server.", read_only=True),
    ClassField("is_deleted", "Deleted", F.boolean, "Set by the server.", read_only=True),
    ClassField("workspace_id", "Workspace ID", F.string, "", read_only=True),
    ClassField("project_id", "Project ID", F.string, "", read_only=True),
    CREATE_TIME,
    UPDATE_TIME,
)
