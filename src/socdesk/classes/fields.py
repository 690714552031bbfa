"""One field of a data class, and the types a field may have.

SOCdesk's types are SecMaster's (`String`, `Integer`, ... `List<Object>`, the field's
`field_type` on the fields route) with one refinement kept from the Incident catalogue: `text`
is a `String` meant for long prose (templates give it a wide column). Every class's field list
is a tuple of `ClassField`, built in or defined by a workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

# Built in, so the same for every workspace: the release date stands for create/update time.
BUILT_IN_TIME = datetime(2026, 11, 24, tzinfo=UTC)
# Who made what is built in: SOCdesk itself, which has no user id.
BUILT_IN_AUTHOR = "SOCdesk"


class FieldType(StrEnum):
    """A field's type, as SOCdesk names it (the fields route's `display_type`)."""

    string = "string"
    text = "text"
    integer = "integer"
    long = "long"
    double = "double"
    float = "float"
    numeric = "numeric"
    boolean = "boolean"
    enum = "enum"
    datetime = "datetime"
    string_list = "string_list"
    object = "object"
    array = "array"

    @property
    def secmaster_name(self) -> str:
        """SecMaster's name of the type (FieldResponseBody.field_type)."""
        return SECMASTER_NAMES[self]

    @classmethod
    def from_secmaster(cls, name: str) -> FieldType:
        """The type SecMaster calls `name` (`String` is a string, never text)."""
        return FROM_SECMASTER[name]


SECMASTER_NAMES = {
    FieldType.string: "String",
    FieldType.text: "String",
    FieldType.integer: "Integer",
    FieldType.long: "Long",
    FieldType.double: "Double",
    FieldType.float: "Float",
    FieldType.numeric: "Numeric",
    FieldType.boolean: "Boolean",
    FieldType.enum: "Enum",
    FieldType.datetime: "Timestamp",
    FieldType.string_list: "List<String>",
    FieldType.object: "Object",
    FieldType.array: "List<Object>",
}
FROM_SECMASTER = {
    name: kind for kind, name in SECMASTER_NAMES.items() if kind is not FieldType.text
}
# SecMaster's twelve type names, in its own order (docs/dialects.md).
SECMASTER_TYPES = tuple(FROM_SECMASTER)
TEXT_TYPES = frozenset({FieldType.string, FieldType.text, FieldType.enum})
NUMBER_TYPES = frozenset({FieldType.double, FieldType.float, FieldType.numeric})


@dataclass(frozen=True, slots=True)
class ClassField:
    """One field of a data class. A dotted key names a field inside an object field.

    `column` is the table column behind the field where its class keeps one (Incident's
    catalogue): such a field is searchable through it, so `searchable` follows from it."""

    key: str
    name: str
    field_type: FieldType
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    column: str | None = None
    read_only: bool = False
    searchable: bool = False
    is_built_in: bool = True
    # Who added a workspace's own field, and when.
    creator_id: str = ""
    creator_name: str = BUILT_IN_AUTHOR
    create_time: datetime = BUILT_IN_TIME

    def __post_init__(self) -> None:
        if self.column is not None and not self.searchable:
            object.__setattr__(self, "searchable", True)

    @property
    def parent(self) -> str | None:
        """The key of the object field this one is inside, if any."""
        head, dot, _ = self.key.rpartition(".")
        return head if dot else None


# The creation and update times every data object has (Indicator's, Vulnerability's, and the
# first fields of a workspace's own class); Incident's and Alert's carry their columns.
CREATE_TIME = ClassField(
    "create_time",
    "Created",
    FieldType.datetime,
    "Defaults to the time of creation.",
    searchable=True,
)
UPDATE_TIME = ClassField(
    "update_time",
    "Updated",
    FieldType.datetime,
    "Set by the server.",
    read_only=True,
    searchable=True,
)
# The incident an object of another class belongs to (seed 003's `event_id`): every class but
# Incident has it, so an alert or indicator sent in a batch may name the incident it is linked to.
LINKED_INCIDENT = ClassField(
    "incident_id",
    "Incident ID",
    FieldType.string,
    "The id of the incident the object is linked to, in the same workspace.",
    searchable=True,
)
