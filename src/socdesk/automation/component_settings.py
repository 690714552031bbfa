"""The settings a workspace may give a system component (its ISAP component configuration,
docs/workflows.md "Component configuration"), and how they narrow the operator's limits.

Only `socdesk_http` has settings: which hosts the workspace's runs may call, the timeout and the
largest response. The operator's settings (`SOCDESK_AUTOMATION_HTTP_*`) are the ceiling: a
workspace may only narrow them. A saved host the operator does not allow is refused when saved,
and, whatever the operator changes later, a call must pass both lists (http_calls.py), so a
workspace's list can never reach a host the operator's does not; a limit is the lower of the two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum

from socdesk.automation.components import HTTP, Component
from socdesk.automation.http_calls import HttpLimits, allow_list
from socdesk.kit.errors import ErrorDetail, ValidationFailed

MAX_HOSTS = 100
MAX_HOST_LENGTH = 255


class SettingKind(StrEnum):
    hosts = "hosts"
    seconds = "seconds"
    bytes = "bytes"


@dataclass(frozen=True, slots=True)
class ComponentSetting:
    name: str
    kind: SettingKind
    description: str


HTTP_SETTINGS = (
    ComponentSetting(
        "allowed_hosts",
        SettingKind.hosts,
        "Comma-separated hosts the workspace's calls may reach, each allowed by the operator's "
        "list too (a name, `*.example.com`, an address or a range).",
    ),
    ComponentSetting(
        "timeout_seconds",
        SettingKind.seconds,
        "The whole call's timeout, at most the operator's.",
    ),
    ComponentSetting(
        "max_response_bytes",
        SettingKind.bytes,
        "The largest response body, at most the operator's.",
    ),
)
SETTINGS: dict[str, tuple[ComponentSetting, ...]] = {HTTP.id: HTTP_SETTINGS}


def settings_of(of: Component) -> tuple[ComponentSetting, ...]:
    return SETTINGS.get(of.id, ())


def file_name(of: Component) -> str:
    """The name its configuration goes by as the SDK's file (`socdesk_http.yml`)."""
    return f"{of.name}.yml"


def defaults(of: Component, ceiling: HttpLimits) -> dict[str, str]:
    """What runs use when the workspace has applied nothing: the operator's settings."""
    if of.id != HTTP.id:
        return {}
    return {
        "allowed_hosts": ",".join(ceiling.allowed_hosts),
        "timeout_seconds": f"{ceiling.timeout_seconds:g}",
        "max_response_bytes": str(ceiling.max_response_bytes),
    }


def _hosts(text: str, ceiling: HttpLimits) -> tuple[str, str | None]:
    entries = [e.strip().lower().rstrip(".") for e in text.split(",")]
    entries = list(dict.fromkeys(e for e in entries if e))
    if len(entries) > MAX_HOSTS:
        return "", f"at most {MAX_HOSTS} hosts"
    operator = allow_list(ceiling.allowed_hosts)
    for entry in entries:
        if len(entry) > MAX_HOST_LENGTH or any(c.isspace() for c in entry):
            return "", f"{entry[:100]!r} is no host"
        if not operator.covers(entry):
            return "", f"{entry[:100]!r} is not allowed by the operator's list"
    return ",".join(entries), None


def _number(text: str, kind: SettingKind, ceiling: HttpLimits) -> tuple[str, str | None]:
    most = ceiling.timeout_seconds if kind is SettingKind.seconds else ceiling.max_response_bytes
    try:
        value = float(text) if kind is SettingKind.seconds else int(text.strip())
    except ValueError:
        return "", "must be a number" if kind is SettingKind.seconds else "must be an integer"
    if not value > 0 or value != value:  # (NaN is not > 0 either)
        return "", "must be more than 0"
    if value > most:
        return "", f"must be at most the operator's {most:g}"
    return f"{value:g}" if kind is SettingKind.seconds else str(value), None


def checked_settings(of: Component, given: dict[str, str], ceiling: HttpLimits, where: str) -> str:
    """`given` as the JSON text to store, each setting normalised; else a 400 naming each
    setting at fault (`where`.name)."""
    known = {s.name: s for s in settings_of(of)}
    problems: list[ErrorDetail] = []
    kept: dict[str, str] = {}
    for name, text in given.items():
        spec = known.get(name)
        if spec is None:
            names = ", ".join(known) or "none"
            problems.append(
                ErrorDetail(f"{where}.{name}", f"{of.name} has no such setting ({names})")
            )
            continue
        if spec.kind is SettingKind.hosts:
            value, wrong = _hosts(text, ceiling)
        else:
            value, wrong = _number(text, spec.kind, ceiling)
        if wrong is not None:
            problems.append(ErrorDetail(f"{where}.{name}", wrong))
        else:
            kept[name] = value
    if problems:
        raise ValidationFailed.combining(
            [ValidationFailed(f"{p.field}: {p.message}", details=[p]) for p in problems]
        )
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)


def narrowed(ceiling: HttpLimits, stored: str | None) -> HttpLimits:
    """The operator's limits narrowed by a workspace's applied `socdesk_http` settings."""
    if not stored:
        return ceiling
    given: dict[str, str] = json.loads(stored)
    limits = ceiling
    if "allowed_hosts" in given:
        hosts = tuple(h for h in given["allowed_hosts"].split(",") if h)
        limits = replace(limits, workspace_hosts=hosts)
    if "timeout_seconds" in given:
        timeout = min(ceiling.timeout_seconds, float(given["timeout_seconds"]))
        limits = replace(limits, timeout_seconds=timeout)
    if "max_response_bytes" in given:
        largest = min(ceiling.max_response_bytes, int(given["max_response_bytes"]))
        limits = replace(limits, max_response_bytes=largest)
    return limits
