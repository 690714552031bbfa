"""kit/built.py: statements kept by shape, the most recently used `size` of them."""

from __future__ import annotations

from socdesk.kit.built import Built


def test_a_shape_is_built_once_and_kept_while_recently_used() -> None:
    built = Built(size=2)
    builds: list[str] = []

    def build(name: str) -> object:
        builds.append(name)
        return object()

    first = built.get("a", lambda: build("a"))
    assert built.get("a", lambda: build("a")) is first
    built.get("b", lambda: build("b"))
    built.get("a", lambda: build("a"))  # "a" used last: "b" is the oldest now
    built.get("c", lambda: build("c"))  # over size: "b" goes
    assert built.get("a", lambda: build("a")) is first
    built.get("b", lambda: build("b"))
    assert builds == ["a", "b", "c", "b"]
