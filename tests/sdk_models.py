"""Compare what SOCdesk answers with what the official SDK's response models declare."""

from __future__ import annotations

import json
import re
from typing import Any

import huaweicloudsdksecmaster.v1 as sdk_models

# Response headers the SDK models carry among their attributes (the request id; the
# deprecation notices of routes SecMaster retires): they are not body keys.
HEADER_KEYS = frozenset({"X-request-id", "X-API-Deprecation-Info", "X-API-Deprecation-Date"})
_ELEMENT = re.compile(r"list\[(.+)\]")


def sdk_model(type_name: str) -> Any:
    inner = _ELEMENT.fullmatch(type_name)
    return getattr(sdk_models, inner.group(1) if inner else type_name, None)


def unanswered(model: Any, raw: Any, *, open_keys: frozenset[str] = frozenset()) -> list[str]:
    """The dotted keys `model` (an SDK model class or instance) declares and `raw` (the JSON
    answer) lacks, at every level. Keys in `open_keys` hold objects whose fields are optional
    (an incident's `data_object` leaves out fields never written): they must be there, but
    their insides are not checked."""
    cls = model if isinstance(model, type) else type(model)
    missing: list[str] = []
    for attr, type_name in cls.openapi_types.items():
        key = cls.attribute_map[attr]
        if key in HEADER_KEYS:
            continue
        if not isinstance(raw, dict) or key not in raw:
            missing.append(key)
            continue
        nested = sdk_model(type_name)
        if nested is None or key in open_keys or not getattr(nested, "openapi_types", None):
            continue
        values = raw[key] if isinstance(raw[key], list) else [raw[key]]
        for value in values[:1]:
            missing += [f"{key}.{m}" for m in unanswered(nested, value, open_keys=open_keys)]
    return missing


def raw_body(response: Any) -> Any:
    return json.loads(response.raw_content)
