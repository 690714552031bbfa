"""A taskflow in each accepted encoding, the checks that name the element at fault, and XML
that is refused fast (entities, size)."""

from __future__ import annotations

import time

import pytest

from socdesk.automation.bpmn import read_taskflow, secmaster_taskflow
from socdesk.automation.checks import CheckMode, check_process
from socdesk.kit.errors import ValidationFailed
from tests.automation.bpmn_files import (
    BILLION_LAUGHS,
    TRIAGE,
    as_base64,
    as_secmaster,
    triage,
)


@pytest.mark.parametrize("encode", [lambda x: x, as_base64, as_secmaster])
def test_each_encoding_reads_as_the_same_process(encode: object) -> None:
    document = read_taskflow(encode(TRIAGE))  # type: ignore[operator]

    assert check_process(document) == []
    names = [n.attributes.get("id") for n in document.root.walk() if n.local == "serviceTask"]
    assert names == ["tag", "note"]


def test_secmasters_form_reads_back_to_the_same_document() -> None:
    stored = read_taskflow(TRIAGE).xml
    again = read_taskflow(secmaster_taskflow(stored)).xml

    assert secmaster_taskflow(again) == secmaster_taskflow(stored)
    assert "socdesk:action" in again


def _messages(xml: str, *modes: CheckMode) -> list[str]:
    document = read_taskflow(xml)
    return [p.message for p in check_process(document, modes or tuple(CheckMode))]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("bpmn:startEvent", "bpmn:task"), "has no start event"),
        (("bpmn:endEvent", "bpmn:task"), "has no end event"),
        (
            ('name="add_tag"', 'name="launch_missiles"'),
            "serviceTask 'tag' (Tag for triage): unknown component action 'launch_missiles'",
        ),
        (
            ('<socdesk:param name="tag">triage</socdesk:param>', ""),
            "serviceTask 'tag' (Tag for triage): action add_tag misses parameter 'tag'",
        ),
        (
            ('<bpmn:serviceTask id="note" name="Note why">', '<bpmn:scriptTask id="note">'),
            "scriptTask 'note': script tasks are refused",
        ),
        (
            ('targetRef="note"/>', 'targetRef="nowhere"/>'),
            "sequenceFlow 'to_note': targetRef 'nowhere' names no element",
        ),
    ],
)
def test_each_problem_names_the_element_at_fault(change: tuple[str, str], expected: str) -> None:
    xml = triage(change)
    if "scriptTask" in change[1]:
        xml = xml.replace(
            "</bpmn:serviceTask>\n    <bpmn:endEvent", "</bpmn:scriptTask>\n    <bpmn:endEvent"
        )
    messages = _messages(xml)

    assert any(expected in m for m in messages), messages


def test_an_element_no_flow_reaches_is_unreachable() -> None:
    island = '<bpmn:task id="island" name="Forgotten"/>\n  </bpmn:process>'
    messages = _messages(triage(("</bpmn:process>", island)))

    assert messages == ["task 'island' (Forgotten) is unreachable from the start event"]


def test_a_loop_with_no_way_out_is_named_and_its_way_in_is_not() -> None:
    loop = triage(('sourceRef="note" targetRef="end"', 'sourceRef="note" targetRef="tag"'))
    messages = _messages(loop)

    assert "endEvent 'end' (Triaged) is unreachable from the start event" in messages
    assert "serviceTask 'tag' (Tag for triage) is in a cycle without a way out" in " ".join(
        messages
    )
    assert not any("'start'" in m for m in messages)


def test_a_loop_with_a_way_out_passes() -> None:
    gateway = (
        '<bpmn:exclusiveGateway id="again" name="Again?" default="out"/>\n'
        '    <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="tag">\n'
        "      <bpmn:conditionExpression>confidence &lt; 80</bpmn:conditionExpression>\n"
        "    </bpmn:sequenceFlow>\n"
        '    <bpmn:sequenceFlow id="out" sourceRef="again" targetRef="end"/>\n  </bpmn:process>'
    )
    xml = triage(
        ('sourceRef="note" targetRef="end"', 'sourceRef="note" targetRef="again"'),
        ("</bpmn:process>", gateway),
    )

    assert _messages(xml, CheckMode.BASIC, CheckMode.CIRCLE) == []


def test_basic_mode_leaves_out_the_action_checks() -> None:
    xml = triage(('name="add_tag"', 'name="launch_missiles"'))

    assert _messages(xml, CheckMode.BASIC) == []
    assert _messages(xml, CheckMode.APP_PARAMS) != []


@pytest.mark.parametrize(
    ("taskflow", "expected"),
    [
        ("<bpmn:definitions>", "malformed XML at line 1"),
        ("{not json", "malformed JSON"),
        ("bm90IHhtbA==", "neither BPMN XML nor its JSON rendering"),
        ("%%%", "neither BPMN XML, base64 BPMN XML nor SecMaster's"),
        ('{"elements": []}', "exactly one root element"),
    ],
)
def test_unreadable_taskflows_are_refused_with_the_reason(taskflow: str, expected: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_taskflow(taskflow)

    assert expected in refused.value.message
    assert refused.value.message.startswith("taskflow: ")


def test_a_billion_laughs_file_is_refused_fast() -> None:
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        read_taskflow(BILLION_LAUGHS)

    assert "document type declaration" in refused.value.message
    assert time.monotonic() - started < 1


def test_a_huge_document_is_refused_before_it_is_read() -> None:
    huge = TRIAGE.replace("Triage high severity", "x" * (3 * 1024 * 1024))

    with pytest.raises(ValidationFailed) as refused:
        read_taskflow(huge)

    assert "is over" in refused.value.message
