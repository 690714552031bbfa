"""The tag statements of a workflow's tag actions (`relations.TagRepository.add_to_each` and
`remove_contents`), built once per store and number of tags: the tenant, the tags, the creator,
the project and the incidents are parameters (TENANT, `content_<n>`, `creator`, `org`,
`kit/built.IDS`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, bindparam, select, true, union_all

from socdesk.kit.built import Built, among_parameter
from socdesk.kit.repository import TENANT
from socdesk.models import Incident, IncidentTag

_BUILT = Built()


def removing(postgres: bool, count: int) -> Any:
    """The DELETE of `count` tags from the incidents."""
    return _BUILT.get(("remove", postgres, count), lambda: _removing(postgres, count))


def adding(new_id: Any, postgres: bool, count: int) -> Any:
    """The INSERT ... SELECT of `count` tags to the incidents that lack them (`new_id`: the
    store's SQL for a fresh id)."""
    return _BUILT.get(("add", postgres, count), lambda: _adding(new_id, postgres, count))


def contents_parameters(tags: Sequence[str]) -> dict[str, str]:
    """The `content_<n>` parameters of `removing` and `adding` for `tags`."""
    return {f"content_{n}": tag for n, tag in enumerate(tags)}


def _removing(postgres: bool, count: int) -> Any:
    table: Any = IncidentTag.__table__
    contents = [bindparam(f"content_{n}", type_=String()) for n in range(count)]
    return table.delete().where(
        table.c.workspace_id == bindparam(TENANT),
        table.c.content.in_(contents),
        among_parameter(postgres, table.c.incident_id),
    )


def _adding(new_id: Any, postgres: bool, count: int) -> Any:
    tags: Any = IncidentTag.__table__
    incidents: Any = Incident.__table__
    wanted = constant_rows(
        [{"content": bindparam(f"content_{n}", type_=String())} for n in range(count)]
    )
    has = (
        select(tags.c.id)
        .where(
            tags.c.workspace_id == bindparam(TENANT),
            tags.c.incident_id == incidents.c.id,
            tags.c.content == wanted.c.content,
        )
        .exists()
    )
    names = ["id", "workspace_id", "incident_id", "content", "creator_id", "org_id"]
    source = (
        select(
            new_id,
            incidents.c.workspace_id,
            incidents.c.id,
            wanted.c.content,
            bindparam("creator", type_=tags.c.creator_id.type),
            bindparam("org", type_=tags.c.org_id.type),
        )
        .select_from(incidents)
        .join(wanted, true())
        .where(
            incidents.c.workspace_id == bindparam(TENANT),
            among_parameter(postgres, incidents.c.id),
            ~has,
        )
    )
    return tags.insert().from_select(names, source)


def constant_rows(rows: Sequence[dict[str, Any]]) -> Any:
    """A few constant rows as a subquery (a UNION ALL of SELECTs: SQLite's VALUES cannot name
    its columns)."""
    selects = [select(*(value.label(name) for name, value in row.items())) for row in rows]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()
