"""A workspace's own class or fields as a client defines them, and the checks on a definition.

Pure rules (no database): a field key is lower-case words joined by `_`, dotted under an Object
field of the same class; its type is one of SecMaster's; an Enum lists its values and no other
type does; nothing clashes with what the class already has; a class's names are not a built-in
class's or route's. `check_*` answer every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from socdesk.classes.fields import SECMASTER_TYPES, ClassField, FieldType
from socdesk.classes.registry import INCIDENT, DataClass, taken_by_built_in
from socdesk.kit.errors import ErrorDetail

FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}(?:\.[a-z][a-z0-9_]{0,63}){0,3}$")
BUSINESS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
ROUTE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
MAX_FIELDS = 200
MAX_ENUM_VALUES = 100


@dataclass(frozen=True, slots=True)
class NewField:
    field_key: str
    name: str
    field_type: str  # SecMaster's name: String, Integer, ... List<Object>
    description: str = ""
    required: bool = False
    searchable: bool = True
    enum_values: tuple[str, ...] = ()
    # SOCdesk's finer type where SecMaster's has one (`text` for a String of prose).
    display_type: str | None = None

    def as_field(self) -> ClassField:
        kind = FieldType.from_secmaster(self.field_type)
        if kind is FieldType.string and self.display_type == FieldType.text.value:
            kind = FieldType.text
        return ClassField(
            self.field_key,
            self.name,
            kind,
            self.description,
            self.required,
            self.enum_values,
            searchable=self.searchable,
            is_built_in=False,
        )


@dataclass(frozen=True, slots=True)
class NewClass:
    name: str
    business_code: str
    description: str = ""
    route_name: str | None = None
    fields: Sequence[NewField] = field(default_factory=tuple)

    @property
    def chosen_route_name(self) -> str:
        """The route name asked for, or the business code in lower case, made plural."""
        if self.route_name:
            return self.route_name
        code = self.business_code.lower().replace("_", "-")
        return code if code.endswith("s") else code + "s"


def check_new_class(new: NewClass) -> list[ErrorDetail]:
    """The problems of a class definition's names (its fields: `check_new_fields`)."""
    problems: list[ErrorDetail] = []
    if not new.name.strip() or len(new.name) > 64:
        problems.append(ErrorDetail("name", "needs 1 to 64 characters", value=new.name))
    if not BUSINESS_CODE.match(new.business_code):
        problems.append(
            ErrorDetail(
                "business_code",
                "must start with a letter and hold up to 64 letters, digits or _",
                value=new.business_code,
            )
        )
    route = new.chosen_route_name
    if not ROUTE_NAME.match(route):
        problems.append(
            ErrorDetail(
                "route_name",
                "must start with a lower-case letter and hold up to 64 of a-z, 0-9 or -",
                value=route,
            )
        )
    for where, value in (("name", new.name), ("business_code", new.business_code)):
        if taken_by_built_in(value):
            problems.append(ErrorDetail(where, "is a built-in data class's", value=value))
    if taken_by_built_in(route):
        problems.append(ErrorDetail("route_name", "is a built-in route's", value=route))
    if not new.fields:
        problems.append(ErrorDetail("fields", "a data class needs at least one field"))
    return problems


def check_new_fields(data_class: DataClass, fields: Sequence[NewField]) -> list[ErrorDetail]:
    """The problems of adding `fields` to `data_class` (which holds its fields so far)."""
    problems = list(_field_count(data_class, fields))
    existing = data_class.by_key
    seen: dict[str, NewField] = {}
    for index, new in enumerate(fields):
        where = f"fields[{index}]"
        problems.extend(_field_problems(new, where))
        if new.field_key in existing or new.field_key in seen:
            problems.append(
                ErrorDetail(f"{where}.field_key", "the class has this field", value=new.field_key)
            )
        seen.setdefault(new.field_key, new)
    for index, new in enumerate(fields):
        parent = new.field_key.rpartition(".")[0]
        if parent and not _is_object(parent, existing, seen):
            problems.append(
                ErrorDetail(
                    f"fields[{index}].field_key",
                    f"{parent!r} is not an Object field of this class",
                    value=new.field_key,
                )
            )
        elif parent and data_class.id == INCIDENT.id and parent in INCIDENT.by_key:
            # SecMaster's own objects of an incident keep SecMaster's shape (incidents/record.py).
            problems.append(
                ErrorDetail(
                    f"fields[{index}].field_key",
                    f"{parent!r} is one of SecMaster's Incident objects, which take no added"
                    " fields: add a top-level field, or one inside an Object field you added",
                    value=new.field_key,
                )
            )
    return problems


def _field_count(data_class: DataClass, fields: Sequence[NewField]) -> Iterator[ErrorDetail]:
    if not fields:
        yield ErrorDetail("fields", "list at least one field")
    own = sum(1 for f in data_class.fields if not f.is_built_in)
    if own + len(fields) > MAX_FIELDS:
        yield ErrorDetail("fields", f"a class holds at most {MAX_FIELDS} fields of its own")


def _is_object(key: str, existing: dict[str, ClassField], new: dict[str, NewField]) -> bool:
    if key in existing:
        return existing[key].field_type is FieldType.object
    return key in new and new[key].field_type == "Object"


def _field_problems(new: NewField, where: str) -> Iterator[ErrorDetail]:
    if not FIELD_KEY.match(new.field_key):
        yield ErrorDetail(
            f"{where}.field_key",
            "must be lower-case words of a-z, 0-9 and _ (up to 64 characters), dotted under an"
            " Object field",
            value=new.field_key,
        )
    if not new.name.strip() or len(new.name) > 128:
        yield ErrorDetail(f"{where}.name", "needs 1 to 128 characters", value=new.name)
    if len(new.description) > 1024:
        yield ErrorDetail(f"{where}.description", "must be at most 1024 characters")
    if new.field_type not in SECMASTER_TYPES:
        yield ErrorDetail(
            f"{where}.field_type",
            f"must be one of {', '.join(SECMASTER_TYPES)}",
            value=new.field_type,
        )
    if new.display_type not in (None, FieldType.text.value) or (
        new.display_type and new.field_type != "String"
    ):
        yield ErrorDetail(
            f"{where}.display_type", "may only be text, for a String", value=new.display_type
        )
    yield from _enum_problems(new, where)


def _enum_problems(new: NewField, where: str) -> Iterator[ErrorDetail]:
    values = new.enum_values
    if new.field_type != "Enum":
        if values:
            yield ErrorDetail(f"{where}.enum_values", "only an Enum field lists values")
        return
    if not values:
        yield ErrorDetail(f"{where}.enum_values", "an Enum field lists its values")
    elif len(values) > MAX_ENUM_VALUES:
        yield ErrorDetail(f"{where}.enum_values", f"at most {MAX_ENUM_VALUES} values")
    if len(set(values)) < len(values):
        yield ErrorDetail(f"{where}.enum_values", "a value is listed twice")
    for value in values:
        if not value.strip() or len(value) > 128:
            yield ErrorDetail(
                f"{where}.enum_values", "each value needs 1 to 128 characters", value=value
            )
