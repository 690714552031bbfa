"""docs/data-classes.md is what the registry writes, so it lists every class and field."""

from __future__ import annotations

from pathlib import Path

from socdesk.classes.docs import data_classes_markdown
from socdesk.classes.registry import BUILT_IN_CLASSES

DOC = Path(__file__).parents[2] / "docs" / "data-classes.md"


def test_the_page_is_what_the_registry_writes() -> None:
    assert DOC.read_text() == data_classes_markdown(), (
        "regenerate: python -m socdesk.classes.docs > docs/data-classes.md"
    )


def test_the_page_lists_every_field_of_every_class() -> None:
    text = data_classes_markdown()

    for data_class in BUILT_IN_CLASSES:
        section = text.split(f"## {data_class.name}\n", 1)[1].split("\n## ", 1)[0]
        assert all(f"| `{f.key}` |" in section for f in data_class.fields)
