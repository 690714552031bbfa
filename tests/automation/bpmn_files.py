"""BPMN documents for the tests: the triage example and small changes of it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from socdesk.automation.bpmn import read_bpmn_file
from socdesk.automation.xmltree import to_xmljs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workflows"
TRIAGE_FILE = EXAMPLES / "triage-high-severity.bpmn"
TRIAGE = TRIAGE_FILE.read_text(encoding="utf-8")


def triage(*replacements: tuple[str, str]) -> str:
    """The triage example with each (old, new) replaced (each `old` must be there)."""
    text = TRIAGE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def as_base64(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def as_secmaster(xml: str) -> str:
    """SecMaster's form: base64 of the xml-js JSON rendering."""
    rendering = to_xmljs(read_bpmn_file(xml.encode("utf-8")).root)
    return as_base64(json.dumps(rendering))


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
    "&lol9;</bpmn:definitions>"
)
