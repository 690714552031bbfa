"""BPMN XML read safely into a small tree that keeps names as written (`bpmn2:process`), and the
tree written back as XML or as SecMaster's xml-js JSON rendering.

Expat without namespace processing keeps each prefix as the document wrote it, which is what
the xml-js form carries (`"name": "bpmn2:definitions"`, `xmlns:*` among the attributes). A
document type declaration is refused outright — BPMN needs none, and without one no entity can
be declared, so entity expansion (a billion-laughs file) and external entities cannot happen —
and a document is held to a size and an element count before anything else is done with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from socdesk.kit.errors import ValidationFailed

MAX_XML_BYTES = 2 * 1024 * 1024
MAX_ELEMENTS = 20_000
MAX_DEPTH = 64


@dataclass
class Node:
    """An element: its name as written, its attributes in order, its children (elements and
    text, in order)."""

    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    @property
    def text(self) -> str:
        return "".join(c for c in self.children if isinstance(c, str))

    def walk(self) -> list[Node]:
        """This element and every element under it, in document order."""
        found = [self]
        for child in self.elements:
            found.extend(child.walk())
        return found


def _refused(what: str) -> ValidationFailed:
    return ValidationFailed.for_field("taskflow", what)


class _TreeBuilder:
    def __init__(self) -> None:
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.count = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _refused(f"the process has more than {MAX_ELEMENTS} elements")
        if len(self.stack) >= MAX_DEPTH:
            raise _refused(f"elements are nested deeper than {MAX_DEPTH} levels")
        node = Node(name, dict(attributes))
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, name: str) -> None:
        self.stack.pop()

    def characters(self, data: str) -> None:
        if self.stack:
            children = self.stack[-1].children
            if children and isinstance(children[-1], str):
                children[-1] += data
            else:
                children.append(data)


def _no_doctype(*_: Any) -> None:
    raise _refused("malformed XML: a document type declaration (<!DOCTYPE>) is not allowed")


def parse_xml(text: str | bytes) -> Node:
    """The root element of an XML document (400 naming what is wrong with it)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > MAX_XML_BYTES:
        raise _refused(f"the BPMN document is over {MAX_XML_BYTES} bytes")
    builder = _TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.ExternalEntityRefHandler = _no_doctype  # type: ignore[assignment]
    parser.ordered_attributes = False
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise _refused(
            f"malformed XML at line {error.lineno}, column {error.offset}: "
            f"{expat.ErrorString(error.code)}"
        ) from None
    if builder.root is None:
        raise _refused("malformed XML: no root element")
    return builder.root


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
    return text


def to_xml(root: Node) -> str:
    """The tree as an XML document (UTF-8 declaration first)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']

    def write(node: Node) -> None:
        attributes = "".join(f' {k}="{_escape(v, quote=True)}"' for k, v in node.attributes.items())
        if not node.children:
            parts.append(f"<{node.name}{attributes}/>")
            return
        parts.append(f"<{node.name}{attributes}>")
        for child in node.children:
            if isinstance(child, Node):
                write(child)
            else:
                parts.append(_escape(child))
        parts.append(f"</{node.name}>")

    write(root)
    return "".join(parts)


def to_xmljs(root: Node) -> dict[str, Any]:
    """The tree in xml-js's non-compact form, as SecMaster's `taskflow` holds it."""

    def element(node: Node) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "element", "name": node.name}
        if node.attributes:
            out["attributes"] = dict(node.attributes)
        children: list[dict[str, Any]] = []
        for child in node.children:
            if isinstance(child, Node):
                children.append(element(child))
            elif child.strip():
                children.append({"type": "text", "text": child})
        if children:
            out["elements"] = children
        return out

    return {
        "declaration": {"attributes": {"version": "1.0", "encoding": "UTF-8"}},
        "elements": [element(root)],
    }


def _from_xmljs_element(value: Any, path: str, depth: int) -> Node | str | None:
    if not isinstance(value, dict):
        raise _refused(f"malformed JSON rendering: {path} is not an object")
    if depth > MAX_DEPTH:
        raise _refused(f"elements are nested deeper than {MAX_DEPTH} levels")
    kind = value.get("type")
    if kind in ("text", "cdata"):
        text = value.get(kind)
        return str(text) if text is not None else ""
    if kind in ("comment", "instruction", "doctype"):
        if kind == "doctype":
            raise _refused("malformed XML: a document type declaration is not allowed")
        return None
    if kind != "element" or not isinstance(value.get("name"), str) or not value["name"]:
        raise _refused(f"malformed JSON rendering: {path} is no element (type, name)")
    attributes = value.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise _refused(f"malformed JSON rendering: {path}.attributes is not an object")
    node = Node(value["name"], {str(k): str(v) for k, v in attributes.items()})
    children = value.get("elements") or []
    if not isinstance(children, list):
        raise _refused(f"malformed JSON rendering: {path}.elements is not a list")
    for index, child in enumerate(children):
        converted = _from_xmljs_element(child, f"{path}.elements[{index}]", depth + 1)
        if converted is not None:
            node.children.append(converted)
    return node


def from_xmljs(text: str) -> Node:
    """The tree of SecMaster's xml-js JSON rendering of a BPMN document."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise _refused(f"malformed JSON: {error}") from None
    except RecursionError:
        raise _refused(f"malformed JSON: nested deeper than {MAX_DEPTH} levels") from None
    elements = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(elements, list):
        raise _refused("malformed JSON rendering: no top-level `elements` list")
    roots = [
        node
        for index, value in enumerate(elements)
        if isinstance(node := _from_xmljs_element(value, f"elements[{index}]", 1), Node)
    ]
    if len(roots) != 1:
        raise _refused("malformed JSON rendering: it needs exactly one root element")
    # The element count limit is the XML parser's: the rendering is written out and read back.
    return parse_xml(to_xml(roots[0]))
