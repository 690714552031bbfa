"""docs/data-classes.md, written from the registry: every built-in class and its fields.

`python -m socdesk.classes.docs > docs/data-classes.md` rewrites it; a test checks the file is
what this writes, so the page cannot drift from the classes."""

from __future__ import annotations

from socdesk.classes.fields import ClassField
from socdesk.classes.registry import BUILT_IN_CLASSES, SYSTEM_FIELDS, DataClass

INTRODUCTION = """\
# Data classes

Generated from `socdesk/classes/` by `python -m socdesk.classes.docs > docs/data-classes.md`
(a test fails when this page and the registry differ). `GET ~/soc/dataclasses` lists the same
classes and `GET ~/soc/dataclasses/{id}/fields` the same fields, with the fields a workspace
added after them ([dialects.md](dialects.md#data-classes)).

**Type** is SecMaster's type (the field's `field_type`), with SOCdesk's name for it where it
differs (`display_type`: `text` is a String meant for prose). **Required** fields must be
present and non-empty on create and cannot be emptied by a change. **Searchable** fields can be
used in search conditions and sort keys. Dotted keys name a field inside an object; an Object
field with no dotted fields under it is free-form, and so are the items of a `List<Object>`.
Any other key is refused.
"""


def _type(f: ClassField) -> str:
    secmaster = f.field_type.secmaster_name
    own = f.field_type.value
    return secmaster if own == secmaster.lower() else f"{secmaster} ({own})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(f: ClassField) -> str:
    values = ", ".join(f"`{v}`" for v in f.enum)
    notes = " ".join(part for part in (f.description, "Set by the server." * f.read_only) if part)
    return (
        f"| `{f.key}` | {_type(f)} | {'yes' if f.required else ''} | "
        f"{'yes' if f.searchable else ''} | {values} | {_cell(notes)} |"
    )


def _section(data_class: DataClass) -> list[str]:
    return [
        f"## {data_class.name}",
        "",
        f"{data_class.description} Id `{data_class.id}`, business code "
        f"`{data_class.business_code}`, routes `~/soc/{data_class.route_name}`; "
        f"{len(data_class.fields)} fields.",
        "",
        "| Field | Type | Required | Searchable | Allowed values | Notes |",
        "|---|---|---|---|---|---|",
        *(_row(f) for f in data_class.fields),
        "",
    ]


def data_classes_markdown() -> str:
    """The page: an introduction, then one table per built-in class."""
    lines = [INTRODUCTION]
    for data_class in BUILT_IN_CLASSES:
        lines += _section(data_class)
    lines += [
        "## A workspace's own classes",
        "",
        "A class a workspace defines (`POST ~/soc/dataclasses`) starts with these fields, then"
        " lists its own:",
        "",
        "| Field | Type | Required | Searchable | Allowed values | Notes |",
        "|---|---|---|---|---|---|",
        *(_row(f) for f in SYSTEM_FIELDS),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(data_classes_markdown(), end="")
