"""A workflow version's `taskflow`: the three encodings it arrives in, the BPMN document it is
stored as, and SecMaster's encoding it is answered in (docs/workflows.md).

Accepted: SecMaster's base64 of the xml-js JSON rendering of the BPMN XML, plain BPMN XML, and
base64 BPMN XML (the xml-js JSON without base64 too). Stored: BPMN XML. Answered on SecMaster
routes: SecMaster's form, so its console and the SDK read it back as they wrote it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from socdesk.automation.xmltree import MAX_XML_BYTES, Node, from_xmljs, parse_xml, to_xml, to_xmljs
from socdesk.kit.errors import ValidationFailed

BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SOCDESK_BPMN = "urn:socdesk:bpmn:1"
# base64 and the JSON rendering make a document about twice as long; a little room beyond.
MAX_TASKFLOW_CHARS = 3 * MAX_XML_BYTES


@dataclass(frozen=True, slots=True)
class BpmnDocument:
    """A BPMN document read from a taskflow: its tree (names as written) and its XML."""

    root: Node
    xml: str
    scopes: dict[int, dict[str, str]] = field(repr=False)

    def namespace_of(self, node: Node) -> str:
        return self.scopes.get(id(node), {}).get(node.name.rpartition(":")[0], "")

    def attribute(self, node: Node, namespace: str, local: str) -> str | None:
        """The value of `node`'s attribute `local` in `namespace` (whatever its prefix)."""
        declared = self.scopes.get(id(node), {})
        for key, value in node.attributes.items():
            prefix, _, name = key.rpartition(":")
            if name == local and prefix and declared.get(prefix) == namespace:
                return value
        return None

    def processes(self) -> list[Node]:
        return [
            n
            for n in self.root.elements
            if n.local == "process" and self.namespace_of(n) == BPMN_MODEL
        ]


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed.for_field("taskflow", message)


def _decoded_base64(text: str) -> bytes | None:
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _as_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused("the decoded taskflow is not UTF-8 text") from None


def read_taskflow(taskflow: str) -> BpmnDocument:
    """The BPMN document in `taskflow`, whichever of the accepted encodings it is in."""
    if len(taskflow) > MAX_TASKFLOW_CHARS:
        raise _refused(f"the taskflow is over {MAX_TASKFLOW_CHARS} characters")
    text = taskflow.strip().lstrip("\ufeff")
    if not text:
        raise _refused("the taskflow is empty")
    if not text.startswith(("<", "{")):
        decoded = _decoded_base64(text)
        if decoded is None:
            raise _refused(
                "neither BPMN XML, base64 BPMN XML nor SecMaster's base64 JSON rendering of it"
            )
        text = _as_text(decoded).strip()
    if text.startswith("<"):
        root = parse_xml(text)
    elif text.startswith("{"):
        root = from_xmljs(text)
    else:
        raise _refused("the decoded taskflow is neither BPMN XML nor its JSON rendering")
    return document(root)


def read_bpmn_file(data: bytes) -> BpmnDocument:
    """A bare .bpmn file: BPMN XML."""
    root = parse_xml(data)
    return document(root)


def secmaster_taskflow(xml: str) -> str:
    """Stored BPMN XML in SecMaster's form: base64 of its xml-js JSON rendering."""
    rendering = json.dumps(to_xmljs(parse_xml(xml)), ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(rendering.encode("utf-8")).decode("ascii")


def _own_declarations(node: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in node.attributes.items():
        if key == "xmlns":
            found[""] = value
        elif key.startswith("xmlns:"):
            found[key[6:]] = value
    return found


def _scopes(root: Node) -> dict[int, dict[str, str]]:
    """The prefixes declared where each element is (by `id` of its node), its own included.
    Elements that declare nothing share their parent's dictionary."""
    found: dict[int, dict[str, str]] = {}

    def visit(node: Node, declared: dict[str, str]) -> None:
        own = _own_declarations(node)
        scope = {**declared, **own} if own else declared
        found[id(node)] = scope
        for child in node.elements:
            visit(child, scope)

    visit(root, {})
    return found


def document(root: Node) -> BpmnDocument:
    return BpmnDocument(root, to_xml(root), _scopes(root))
