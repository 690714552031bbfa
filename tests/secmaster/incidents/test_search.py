"""Search compared with the same filter computed in Python over generated incidents."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.kit.clock import format_time
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path

SEVERITIES = ["Tips", "Low", "Medium", "High", "Fatal"]
STATUSES = ["Open", "Block", "Closed"]
CATEGORIES = ["Intrusion", "Malware", "Phishing"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "100%", "o'brien", "a_b"]
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Generated:
    id: uuid.UUID
    fields: dict[str, Any]


def generate(rng: random.Random, count: int) -> list[dict[str, Any]]:
    objects = []
    for _ in range(count):
        optional: dict[str, Any] = {}
        if rng.random() < 0.8:
            optional["confidence"] = rng.randint(0, 100)
        if rng.random() < 0.5:
            optional["owner"] = rng.choice(["ann@x.example", "bob@x.example"])
        objects.append(
            incident_object(
                title=" ".join(rng.sample(WORDS, 2)),
                severity=rng.choice(SEVERITIES),
                handle_status=rng.choice(STATUSES),
                criticality=rng.randint(0, 100),
                incident_type={"category": rng.choice(CATEGORIES), "incident_type": "x"},
                first_observed_time=format_time(START + timedelta(hours=rng.randint(0, 2000))),
                create_time=format_time(START + timedelta(minutes=rng.randint(0, 100_000))),
                **optional,
            )
        )
    return objects


def field_value(obj: dict[str, Any], name: str) -> Any:
    if name == "incident_type.category":
        return obj["incident_type"]["category"]
    value = obj.get(name)
    if name == "severity":
        return SEVERITIES.index(value)
    if name in ("first_observed_time", "create_time"):
        return datetime.fromisoformat(value)
    return value


def typed(name: str, raw: Any) -> Any:
    if name == "severity":
        return SEVERITIES.index(raw)
    if name in ("first_observed_time", "create_time"):
        return datetime.fromisoformat(raw)
    if name in ("confidence", "criticality"):
        return int(raw)
    return raw


def matches(obj: dict[str, Any], data: list[Any]) -> bool:
    name, operator, *raw = data
    value = field_value(obj, name)
    values = [typed(name, r) for r in raw]
    if operator == "=":
        return bool(value == values[0])
    if operator == "!=":
        return value is None or value != values[0]
    if operator == "in":
        return value in values
    if operator == "contains":
        return value is not None and str(values[0]).lower() in value.lower()
    if value is None:
        return False
    compare: dict[str, Callable[[Any, Any], bool]] = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }
    return compare[operator](value, values[0])


def random_condition(rng: random.Random, objects: list[dict[str, Any]]) -> list[Any]:
    sample = rng.choice(objects)
    kind = rng.choice(
        [
            "severity",
            "handle_status",
            "confidence",
            "criticality",
            "title",
            "owner",
            "incident_type.category",
            "first_observed_time",
        ]
    )
    if kind == "handle_status":
        return ["handle_status", rng.choice(["=", "!="]), rng.choice(STATUSES)]
    if kind == "title":
        return [
            "title",
            rng.choice(["contains", "="]),
            rng.choice(WORDS) if rng.random() < 0.7 else sample["title"],
        ]
    if kind in ("owner", "incident_type.category"):
        op = rng.choice(["=", "!=", "in"])
        choices = ["ann@x.example", "bob@x.example"] if kind == "owner" else CATEGORIES
        if op == "in":
            return [kind, "in", *rng.sample(choices, 2)]
        return [kind, op, rng.choice(choices)]
    op = rng.choice(["=", "!=", ">", ">=", "<", "<="])
    value = sample.get(kind) if kind != "severity" else sample["severity"]
    if value is None:
        value = 50
    return [kind, op, str(value)]


@pytest.fixture
async def corpus(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> dict[str, dict[str, Any]]:
    objects = generate(random.Random(7), 120)
    ids = await seed_incidents(sessions, tenant, objects)
    return dict(zip(ids, objects, strict=True))


async def search_all(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> list[str]:
    response = await client.post(f"{path}/search", json={**body, "limit": 1000})
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["data"]]


async def test_random_conditions_match_a_python_filter(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, corpus: dict[str, dict[str, Any]]
) -> None:
    rng = random.Random(11)
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    objects = list(corpus.values())
    for _ in range(60):
        first, second, third = (random_condition(rng, objects) for _ in range(3))
        logic = rng.choice(
            [
                ["a"],
                ["a", "and", "b"],
                ["a", "or", "b"],
                ["a", "and", "(", "b", "or", "c", ")"],
                ["not", "a", "or", "c"],
            ]
        )
        used = {t for t in logic if t in "abc"}
        conditions = [
            {"name": n, "data": d}
            for n, d in zip("abc", (first, second, third), strict=True)
            if n in used
        ]
        by_name = {"a": first, "b": second, "c": third}

        def expected(
            obj: dict[str, Any], logic: list[str] = logic, by_name: dict[str, list[Any]] = by_name
        ) -> bool:
            expression = " ".join(
                t if t in ("and", "or", "not", "(", ")") else str(matches(obj, by_name[t]))
                for t in logic
            )
            return bool(eval(expression))  # noqa: S307 - our own tokens and booleans only

        found = await search_all(
            admin_client, path, {"condition": {"conditions": conditions, "logics": logic}}
        )

        wanted = {i for i, obj in corpus.items() if expected(obj)}
        assert set(found) == wanted, (conditions, logic)


@pytest.mark.parametrize("sort_by", ["severity", "confidence", "create_time", "criticality"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
async def test_sorting_and_paging_follow_the_python_order(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    corpus: dict[str, dict[str, Any]],
    sort_by: str,
    order: str,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    present = [
        (field_value(o, sort_by), uuid.UUID(i))
        for i, o in corpus.items()
        if field_value(o, sort_by) is not None
    ]
    absent = [uuid.UUID(i) for i, o in corpus.items() if field_value(o, sort_by) is None]
    ordered = sorted(present, reverse=order == "DESC")
    expected = [str(i) for _, i in ordered] + [
        str(i) for i in sorted(absent, reverse=order == "DESC")
    ]

    pages = []
    for offset in range(0, len(corpus), 50):
        response = await admin_client.post(
            f"{path}/search",
            json={"sort_by": sort_by, "order": order.lower(), "offset": offset, "limit": 50},
        )
        body = response.json()
        assert body["total"] == len(corpus)
        assert body["page"] == offset // 50 + 1
        pages.extend(d["id"] for d in body["data"])

    assert pages == expected


async def test_date_window_filters_on_create_time(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, corpus: dict[str, dict[str, Any]]
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    low, high = START + timedelta(days=10), START + timedelta(days=40)

    found = await search_all(
        admin_client,
        path,
        {"from_date": format_time(low), "to_date": "2026-02-10T08:00:00.000Z+0800"},
    )

    wanted = {
        i for i, o in corpus.items() if low <= datetime.fromisoformat(o["create_time"]) <= high
    }
    assert set(found) == wanted
    assert wanted


async def test_sql_meaningful_characters_are_just_data(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    titles = ["100% sure", "1000 sure", "x'; DROP TABLE incidents; --", "a_b", "axb"]
    ids = await seed_incidents(sessions, tenant, [incident_object(title=t) for t in titles])

    percent = await search_all(
        admin_client,
        path,
        {"condition": {"conditions": [{"name": "a", "data": ["title", "contains", "%"]}]}},
    )
    underscore = await search_all(
        admin_client,
        path,
        {"condition": {"conditions": [{"name": "a", "data": ["title", "contains", "_"]}]}},
    )
    quote = await search_all(
        admin_client,
        path,
        {"condition": {"conditions": [{"name": "a", "data": ["title", "=", titles[2]]}]}},
    )

    assert percent == [ids[0]]
    assert underscore == [ids[3]]
    assert quote == [ids[2]]
    assert len(await search_all(admin_client, path, {})) == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"condition": {"conditions": [{"name": "a", "data": ["colour", "=", "red"]}]}},
            "condition.conditions.0.data.0",
        ),
        (
            {"condition": {"conditions": [{"name": "a", "data": ["title", "~", "x"]}]}},
            "condition.conditions.0.data.1",
        ),
        (
            {"condition": {"conditions": [{"name": "a", "data": ["severity", "=", "Severe"]}]}},
            "condition.conditions.0.data.2",
        ),
        (
            {"condition": {"conditions": [{"name": "a", "data": ["confidence", ">", "lots"]}]}},
            "condition.conditions.0.data.2",
        ),
        (
            {"condition": {"conditions": [{"name": "a", "data": ["confidence", "contains", "1"]}]}},
            "condition.conditions.0.data.1",
        ),
        (
            {
                "condition": {
                    "conditions": [{"name": "a", "data": ["title", "=", "x"]}],
                    "logics": ["a", "and", "b"],
                }
            },
            "condition.logics",
        ),
        (
            {
                "condition": {
                    "conditions": [{"name": "a", "data": ["title", "=", "x"]}],
                    "logics": ["(", "a"],
                }
            },
            "condition.logics",
        ),
        ({"sort_by": "colour"}, "sort_by"),
        ({"order": "sideways"}, "order"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
        ({"from_date": "last week"}, "from_date"),
        (
            {"condition": {"conditions": [{"name": "a", "data": ["title", "="]}]}},
            "condition.conditions.0.data",
        ),
    ],
)
async def test_bad_searches_are_400_naming_the_field(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, body: dict[str, Any], field: str
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)

    response = await admin_client.post(f"{path}/search", json=body)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "SecMaster.20000400"
    assert field in response.json()["message"]


async def test_out_of_range_numbers_are_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    body = {"condition": {"conditions": [{"name": "a", "data": ["count", ">", "9" * 30]}]}}

    response = await admin_client.post(f"{path}/search", json=body)

    assert response.status_code == 400
