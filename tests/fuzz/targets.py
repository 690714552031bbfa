"""Where the fuzzer's requests go, and how they are pointed at real objects.

Schemathesis draws path parameters, headers and bodies from the OpenAPI document, so a UUID it
draws almost never names an object and every request would stop at a 404. `aim` replaces some
of the drawn ids with ids of the seeded objects (three times in four for a path id, half the
time for an id list in a body), so the routes' real work is fuzzed too. The choice is made by a
generator seeded from the case itself: a failing example replays with the same substitutions.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import requests
from schemathesis import Response
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from tests.fuzz.seed import Seed

PATH_SHARE = 0.75
HEADER_SHARE = 0.6
BODY_SHARE = 0.5
LOGIN_SHARE = 0.25


@dataclass
class Target:
    base_url: str
    seed: Seed
    http: requests.Session
    # Each distinct failure of the operation (check, title, first line) with its first report.
    findings: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def record(self, group: FailureGroup, response: Response) -> None:
        """Keep the report of each kind of failure the first time it is seen."""
        for failure in group.exceptions:
            if (
                unknown_secmaster_object(failure, response)
                or unknown_reference(failure, response)
                or unstorable_number(failure, response)
            ):
                continue
            first_line = failure.message.strip().splitlines()[0] if failure.message else ""
            key = (failure.code, failure.title, first_line)
            self.findings.setdefault(key, str(group.message))

    def report(self) -> str:
        kinds = "\n".join(f"  {code} {title}: {line}" for code, title, line in self.findings)
        details = "\n".join(dict.fromkeys(self.findings.values()))
        return f"{len(self.findings)} kinds of failure:\n{kinds}\n\n{details}"


# SecMaster's codes for an id that names nothing here: an object, a workflow, a workflow
# version (docs/errors.md).
UNKNOWN_OBJECT_CODES = frozenset({"SecMaster.20030005", "SecMaster.20040611", "SecMaster.20040605"})


def unknown_secmaster_object(failure: Failure, response: Response) -> bool:
    """A schema-valid SecMaster request naming an id that is not in the workspace: the vendor
    API answers 400 for it, not 404 (docs/errors.md, SecMaster.20030005; a batch-update lists
    every unknown id in a 400). positive_data_acceptance expects 404, so this one answer, and
    only on SecMaster routes, is not held against them; any other 400 still is."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return False
    if not urlparse(response.request.url or "").path.startswith("/v1/"):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    message = str(body.get("message", ""))
    return body.get("code") in UNKNOWN_OBJECT_CODES or (
        body.get("code") == "SecMaster.20000400" and "ids are not incidents of this" in message
    )


# Register fields whose value must name something only the server knows: a cursor it gave out,
# a member of the workspace, a source of the project. The register answers a value that names
# nothing with a 400 naming the field (seed 004: an inactive assignee or unknown source is a
# 400; docs/dialects.md: a cursor it did not give is a 400).
REFERENCE_FIELDS = frozenset({"cursor", "assigned_to", "source"})


def unknown_reference(failure: Failure, response: Response) -> bool:
    """A schema-valid register request whose only problems are values in REFERENCE_FIELDS
    that name nothing. JSON Schema cannot say which values exist, so positive_data_acceptance
    expects them accepted; this one refusal is not held against a route, any other 400 is.
    The fuzzer still sends drawn values (and real ones from the seed) to find any other
    answer, a 500 above all."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    details = body.get("details") if isinstance(body, dict) else None
    return bool(details) and all(d.get("field") in REFERENCE_FIELDS for d in details)


# What kit/jsonbody.py says of a number no store can hold (docs/errors.md: every integer
# within 64 bits, every number finite, in every JSON body).
UNSTORABLE_NUMBER = ("an integer must be within", "is too large for a number", "is not a finite")


def unstorable_number(failure: Failure, response: Response) -> bool:
    """A schema-valid request whose only problems are numbers no store can hold, drawn for a
    field of any value (`batch_ids` items, free-form objects): JSON Schema cannot say "any
    value but an integer past 64 bits", so positive_data_acceptance expects them accepted.
    This one refusal, a 400 naming each such field, is not held against a route."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    details = body.get("details") or (body.get("data") or {}).get("errors") or []
    if not details:
        details = [{"message": body.get("message", "")}]
    return all(
        isinstance(d, dict) and any(m in str(d.get("message", "")) for m in UNSTORABLE_NUMBER)
        for d in details
    )


@dataclass
class _Active:
    """The target of the test running now (tests run one at a time)."""

    target: Target | None = field(default=None)


ACTIVE = _Active()


def _path_pools(seed: Seed, path: str) -> dict[str, list[str]]:
    register = path.startswith("/v1/incidents")
    playbooks = "/soc/playbooks" in path
    return {
        "project_id": [seed.project_hex],
        "workspace_id": seed.workspace_ids,
        # SecMaster names incidents by UUID; the register also by `INC-00001`.
        "incident_id": seed.incident_ids if register else seed.incident_uuids,
        "dataclass_id": seed.dataclass_refs,
        "dataclass": seed.dataclass_refs,
        # Not `alerts` nor `indicators`: their literal routes (secmaster/alerts/, indicators/)
        # serve other methods than the generic `~/soc/{dataclass_name}` documents, so a 405's
        # Allow can only match one.
        "dataclass_name": [
            name for name in seed.dataclass_names if name not in ("alerts", "indicators")
        ],
        # Relation routes name both classes, incidents included.
        "dataclass_type": ["incidents", *seed.dataclass_names],
        "related_dataclass_type": ["incidents", *seed.dataclass_names],
        # Alerts on their routes, assets on the generic ones of the workspace's own class.
        "data_object_id": seed.asset_ids if "/soc/assets" in path else seed.alert_ids,
        "indicator_id": seed.indicator_ids,
        "vul_id": seed.vulnerability_ids,
        "dataobject_id": seed.alert_ids,
        "key_id": seed.api_key_ids,
        "access_key": seed.access_keys,
        "user_id": seed.user_ids,
        "workflow_id": seed.workflow_ids,
        # `version_id` and `action_id` name a playbook's on playbook routes.
        "version_id": seed.playbook_version_ids if playbooks else seed.workflow_version_ids,
        "playbook_id": seed.playbook_ids,
        "rule_id": seed.playbook_rule_ids,
        **({"action_id": seed.playbook_action_ids} if playbooks else {}),
        # Playbook instances on `~/soc/playbooks/instances/...`, runs on the workflows'.
        "instance_id": seed.playbook_instance_ids if playbooks else seed.instance_ids,
        "task_id": seed.todo_ids,
        "template_id": seed.template_ids,
        "attach_id": seed.attachment_ids,
    }


def _header_pools(seed: Seed, method: str) -> dict[str, list[str]]:
    # The fuzzer's own token may be validated, never revoked: revoking it would turn the rest
    # of the operation's examples into 401s. DELETE /v3/auth/tokens revokes spare tokens.
    subjects = seed.spare_tokens if method == "DELETE" else [*seed.spare_tokens, seed.token]
    return {"x-workspace-id": seed.workspace_ids, "x-subject-token": subjects}


def _query_pools(seed: Seed) -> dict[str, list[str]]:
    return {
        # A playbook version's approvals (GET ~/soc/playbooks/versions/approval).
        "resource_id": seed.playbook_version_ids,
        "ids": [",".join(seed.workspace_ids), seed.workspace_ids[0]],
        "source": seed.source_names,
    }


def _id_pool(seed: Seed, path: str) -> list[str]:
    """What a body's `ids` name on `path`: incidents (register), a data class's types."""
    if path.startswith("/v1/incidents"):
        return seed.incident_ids
    if path.endswith(("/types", "/types/enable")):
        return seed.dataclass_type_ids
    if path.endswith("/batch-order"):
        return seed.alert_ids
    if "/soc/" in path:
        # A relation's related objects: alerts or incidents, whichever the path names.
        return [*seed.alert_ids, *seed.incident_uuids]
    return []


def _body_pools(seed: Seed, path: str) -> dict[str, list[str]]:
    return {
        "batch_ids": seed.alert_ids if "/soc/incidents" not in path else seed.incident_uuids,
        "ids": _id_pool(seed, path),
        "risk_ids": seed.risk_ids,
        "dataobject_ids": [*seed.alert_ids, *seed.incident_uuids],
        "related_dataobject_ids": [*seed.alert_ids, *seed.incident_uuids],
        "war_room_id": [*seed.alert_ids, *seed.incident_uuids],
        "source": seed.source_names,
        "assigned_to": seed.user_ids,
        "id": (
            seed.workflow_ids
            if path.endswith("/soc/workflows/export")
            else seed.playbook_ids
            if path.endswith("/soc/playbooks/export")
            else []
        ),
    }


def _fingerprint(case: Any) -> int:
    """A stable number for what was generated, so the substitutions replay with the case."""
    generated = {
        "op": case.operation.label,
        "path": case.path_parameters,
        "query": case.query,
        "headers": {k: v for k, v in (case.headers or {}).items() if k.lower() != "x-auth-token"},
        "body": case.body,
    }
    return zlib.crc32(json.dumps(generated, sort_keys=True, default=repr).encode())


def _substitute(
    container: MutableMapping[str, Any],
    pools: dict[str, list[str]],
    share: float,
    rng: random.Random,
) -> None:
    for name in list(container):
        pool = pools.get(name.lower())
        if pool and rng.random() < share:
            container[name] = rng.choice(pool)


def _is_list(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "array" for option in options)


def _last_leaf(value: Any) -> Any:
    """The last scalar inside a generated value (lists and objects nest), or None."""
    items = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(items, list):
        return value
    for item in reversed(items):
        leaf = _last_leaf(item)
        if leaf is not None:
            return leaf
    return None


def _wire_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _one_value_for_scalars(case: Any) -> None:
    """Send a parameter the document declares as one value once, as the text the server reads.
    A repeated query parameter that is not a list is read as its last value, as HTTP
    frameworks commonly do (documented in docs/dialects.md), so repeating it makes no request
    invalid; schemathesis counts it as invalid, and would hold the server's 200 against it.
    A generated list may nest lists and objects, whose wire form is several values again, so
    the last scalar inside it is sent, as text; a list with none is not sent at all."""
    declared = {
        p["name"]: p.get("schema", {})
        for p in case.operation.definition.raw.get("parameters", [])
        if p.get("in") == "query"
    }
    for name, value in list(case.query.items()):
        if not isinstance(value, list | dict) or name not in declared:
            continue
        if _is_list(declared[name]):
            continue
        leaf = _last_leaf(value)
        if leaf is None:
            del case.query[name]
        else:
            case.query[name] = _wire_text(leaf)


def aim(case: Any, seed: Seed) -> None:
    """Point some of the case's ids at seeded objects (in place, before the request is sent)."""
    rng = random.Random(_fingerprint(case))
    path = case.operation.path
    if case.path_parameters:
        _substitute(case.path_parameters, _path_pools(seed, path), PATH_SHARE, rng)
    if case.query:
        _one_value_for_scalars(case)
        _substitute(case.query, _query_pools(seed), HEADER_SHARE, rng)
    if case.headers:
        _substitute(case.headers, _header_pools(seed, case.method.upper()), HEADER_SHARE, rng)
    body = case.body
    if isinstance(body, dict):
        for name, pool in _body_pools(seed, path).items():
            value = body.get(name)
            if pool and rng.random() < BODY_SHARE:
                if isinstance(value, list):
                    body[name] = rng.sample(pool, k=rng.randint(1, len(pool)))
                elif isinstance(value, str) and name in {"source", "assigned_to", "war_room_id"}:
                    body[name] = rng.choice(pool)
        if path == "/v3/auth/tokens" and seed.logins and rng.random() < LOGIN_SHARE:
            body.clear()
            body.update(rng.choice(seed.logins))
