"""The tag statements of a workflow's tag actions (`relations.TagRepository.add_to_each` and
`remove_contents`), built once per store and number of tags: the tenant, the tags, the creator,
the project and the incidents are parameters (TENANT, `content_<n>`, `creator`, `org`,
`kit/built.IDS`); and on PostgreSQL the whole tag change of one incident as one statement
(`changing_one`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, TextClause, bindparam, select, text, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY

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


def changing_one(remove: bool) -> TextClause:
    """PostgreSQL: add (or, with `remove`, remove) the tags `wanted` to one incident and write
    its update event, as `IncidentChanges.change_tags_of` does in three statements, in one (a
    workflow's tag action is a run's most frequent write): the UPDATE that moves the version on
    locks the row and reads the tags it had, the tags are written, and the event records the
    sorted tags before and after, or no changes when they are the same. Parameters: TENANT,
    `incident_id`, `now`, `editor` (the user, also the event's actor and the tags' creator),
    `actor_email`, `request_id`, `org` and `wanted`; it answers the incident's id, no row when
    it is none of the workspace's.

    Every part reads the statement's one snapshot, taken before the row lock is waited for: a
    tag another transaction wrote meanwhile is a conflict the INSERT skips (the tags are unique
    per incident), and its audit reads the tags as the separate statements' does."""
    return _CHANGING_ONE[remove]


def _changing_one(remove: bool) -> TextClause:
    if remove:
        after = "SELECT c FROM unnest(bumped.had) AS c WHERE c <> ALL (:wanted)"
        write = """DELETE FROM incident_tags USING bumped
        WHERE incident_tags.workspace_id = bumped.workspace_id
          AND incident_tags.incident_id = bumped.id AND incident_tags.content = ANY (:wanted)"""
    else:
        after = """SELECT c FROM unnest(bumped.had) AS c
            UNION ALL SELECT w FROM unnest(:wanted) AS w WHERE w <> ALL (bumped.had)"""
        write = """INSERT INTO incident_tags
            (id, workspace_id, incident_id, content, creator_id, org_id)
        SELECT gen_random_uuid(), bumped.workspace_id, bumped.id, w, :editor, :org
        FROM bumped, unnest(:wanted) AS w WHERE w <> ALL (bumped.had)
        ON CONFLICT DO NOTHING"""
    # Sorted by code point, as Python sorts the audit's lists (the "C" collation's byte order
    # is UTF-8's, which is the code points').
    statement = f"""
    WITH bumped AS (
        UPDATE incidents
        SET version = incidents.version + 1, update_time = :now, updated_by_id = :editor
        WHERE incidents.workspace_id = :{TENANT} AND incidents.id = :incident_id
        RETURNING incidents.id, incidents.workspace_id, ARRAY(
            SELECT t.content FROM incident_tags AS t
            WHERE t.workspace_id = incidents.workspace_id AND t.incident_id = incidents.id
            ORDER BY t.content COLLATE "C") AS had
    ),
    changed AS (
        SELECT bumped.id, bumped.workspace_id, bumped.had,
            ARRAY(SELECT c FROM ({after}) AS tags (c) ORDER BY c COLLATE "C") AS after
        FROM bumped
    ),
    written AS ({write}),
    audited AS (
        INSERT INTO incident_events
            (id, workspace_id, incident_id, action, actor_id, actor_email, request_id, at, changes)
        SELECT gen_random_uuid(), changed.workspace_id, changed.id, 'update', :editor,
            :actor_email, :request_id, :now,
            CASE WHEN changed.had = changed.after THEN CAST('{{}}' AS json)
            ELSE json_build_object('tags',
                json_build_object('before', to_json(changed.had), 'after', to_json(changed.after)))
            END
        FROM changed
    )
    SELECT id FROM bumped
    """
    incidents: Any = Incident.__table__
    typed = [
        bindparam("now", type_=incidents.c.update_time.type),
        bindparam("editor", type_=incidents.c.updated_by_id.type),
        bindparam("wanted", type_=ARRAY(String())),
    ]
    if not remove:
        typed.append(bindparam("org", type_=IncidentTag.__table__.c.org_id.type))
    return text(statement).bindparams(*typed)


_CHANGING_ONE = {remove: _changing_one(remove) for remove in (False, True)}


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
