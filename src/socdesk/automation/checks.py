"""The checks a workflow's BPMN passes before it is stored, each naming the element at fault
(docs/workflows.md). The validation route runs them by mode; import and version writes run all.

- BASIC: a BPMN document with a process, a start and an end event, flows between elements that
  exist, no script task (SOCdesk runs no user code).
- CIRCLE: every element reachable from a start event, and none (a loop included) without a way
  on to an end event.
- APP_PARAMS: every service task names a component action of the catalogue with its required
  parameters, each of the action's type.

SpiffWorkflow's own parser then proves the process loads (its serializer will run it), but its
messages are its own: ours come first and name the element.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from socdesk.automation.bpmn import BPMN_MODEL, SOCDESK_BPMN, BpmnDocument
from socdesk.automation.components import ACTIONS, ParamType
from socdesk.automation.runs.expressions import ExpressionRefused, evaluate
from socdesk.automation.xmltree import Node
from socdesk.kit.errors import ErrorDetail, ValidationFailed


class CheckMode(StrEnum):
    BASIC = "BASIC"
    CIRCLE = "CIRCLE"
    APP_PARAMS = "APP_PARAMS"


ALL_MODES = (CheckMode.BASIC, CheckMode.CIRCLE, CheckMode.APP_PARAMS)

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "task",
        "serviceTask",
        "userTask",
        "manualTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "scriptTask",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "subProcess",
        "callActivity",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    element: str
    message: str

    def as_error(self) -> ValidationFailed:
        return ValidationFailed(
            f"taskflow: {self.message}",
            details=[ErrorDetail("taskflow", self.message, value=self.element)],
        )


def described(node: Node) -> str:
    """How a message names an element: its kind, id and name (`serviceTask 'tag' (Tag)`)."""
    name = node.attributes.get("name")
    shown = f"{node.local} {node.attributes.get('id', '?')!r}"
    return f"{shown} ({name})" if name else shown


class ProcessChecks:
    def __init__(self, document: BpmnDocument) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def _add(self, node: Node | None, message: str) -> None:
        element = node.attributes.get("id", node.local) if node is not None else ""
        self.problems.append(Problem(element, message))

    def _bpmn(self, node: Node) -> bool:
        return self.document.namespace_of(node) == BPMN_MODEL

    def run(self, modes: tuple[CheckMode, ...] = ALL_MODES) -> list[Problem]:
        root = self.document.root
        if root.local != "definitions" or not self._bpmn(root):
            self._add(root, f"the root element is {root.name}, not BPMN 2.0's definitions")
            return self.problems
        processes = self.document.processes()
        if not processes:
            self._add(root, "the document has no bpmn:process")
        for process in processes:
            self._basic(process)
            if not self.problems and CheckMode.CIRCLE in modes:
                self._paths(process)
            if CheckMode.APP_PARAMS in modes:
                self._service_tasks(process)
                self._conditions(process)
        return self.problems

    def _flow_nodes(self, scope: Node) -> dict[str, Node]:
        return {
            n.attributes.get("id", ""): n
            for n in scope.elements
            if self._bpmn(n) and n.local in FLOW_NODES
        }

    def _flows(self, scope: Node) -> list[Node]:
        return [n for n in scope.elements if self._bpmn(n) and n.local == "sequenceFlow"]

    def _basic(self, process: Node) -> None:
        nodes = self._flow_nodes(process)
        for node in nodes.values():
            if not node.attributes.get("id"):
                self._add(node, f"a {node.local} of {described(process)} has no id")
        kinds = [n.local for n in nodes.values()]
        if "startEvent" not in kinds:
            self._add(process, f"{described(process)} has no start event")
        if "endEvent" not in kinds:
            self._add(process, f"{described(process)} has no end event")
        for flow in self._flows(process):
            for end in ("sourceRef", "targetRef"):
                ref = flow.attributes.get(end)
                if ref not in nodes:
                    self._add(flow, f"{described(flow)}: {end} {ref!r} names no element")
        for node in process.walk():
            if self._bpmn(node) and node.local == "scriptTask":
                self._add(
                    node,
                    f"{described(node)}: script tasks are refused (SOCdesk runs no user "
                    "code); use a service task naming a component action",
                )

    def _paths(self, process: Node) -> None:
        nodes = self._flow_nodes(process)
        onward: dict[str, list[str]] = {key: [] for key in nodes}
        back: dict[str, list[str]] = {key: [] for key in nodes}
        for flow in self._flows(process):
            source, target = flow.attributes["sourceRef"], flow.attributes["targetRef"]
            onward[source].append(target)
            back[target].append(source)
        for key, node in nodes.items():
            # A boundary event runs from the activity it is attached to.
            attached = node.attributes.get("attachedToRef")
            if node.local == "boundaryEvent" and attached in nodes:
                onward[attached].append(key)
                back[key].append(attached)
        starts = [k for k, n in nodes.items() if n.local == "startEvent"]
        ends = [k for k, n in nodes.items() if n.local == "endEvent"]
        reached = _closure(starts, onward)
        finishing = _closure(ends, back)
        for key, node in nodes.items():
            if key not in reached:
                self._add(node, f"{described(node)} is unreachable from the start event")
            elif key not in finishing:
                # Blame the loop or the dead end, not every element on the way to it.
                if key in _closure(onward[key], onward):
                    self._add(
                        node, f"{described(node)} is in a cycle without a way out to an end event"
                    )
                elif not onward[key]:
                    self._add(node, f"{described(node)} leads to no end event")

    def _service_tasks(self, process: Node) -> None:
        for node in process.walk():
            if self._bpmn(node) and node.local == "serviceTask":
                self._service_task(node)

    def _conditions(self, process: Node) -> None:
        """Each flow's condition is one the safe evaluator runs (automation/runs/expressions.py):
        comparisons of fields and literals, no calls."""
        for flow in self._flows(process):
            for condition in flow.elements:
                if condition.local != "conditionExpression" or not self._bpmn(condition):
                    continue
                try:
                    evaluate(condition.text, {})
                except ExpressionRefused as error:
                    self._add(
                        flow, f"{described(flow)}: condition {condition.text[:100]!r}: {error}"
                    )

    def _socdesk(self, node: Node, local: str) -> list[Node]:
        return [
            n
            for n in node.elements
            if n.local == local and self.document.namespace_of(n) == SOCDESK_BPMN
        ]

    def _service_task(self, task: Node) -> None:
        extensions = [n for n in task.elements if n.local == "extensionElements"]
        actions = [a for ext in extensions for a in self._socdesk(ext, "action")]
        if len(actions) != 1:
            self._add(
                task,
                f"{described(task)} names no component action (one socdesk:action in its "
                "extensionElements)"
                if not actions
                else f"{described(task)} names {len(actions)} component actions, not one",
            )
            return
        name = actions[0].attributes.get("name", "")
        action = ACTIONS.get(name)
        if action is None:
            self._add(task, f"{described(task)}: unknown component action {name!r}")
            return
        given: dict[str, str] = {}
        for param in self._socdesk(actions[0], "param"):
            given[param.attributes.get("name", "")] = param.text.strip()
        for key in action.required:
            if key not in given:
                self._add(task, f"{described(task)}: action {name} misses parameter {key!r}")
        for key, value in given.items():
            spec = action.param(key)
            if spec is None:
                known = ", ".join(p.name for p in action.params)
                self._add(
                    task, f"{described(task)}: action {name} has no parameter {key!r} ({known})"
                )
            elif (wrong := parameter_problem(spec.type, spec.enum, value)) is not None:
                self._add(task, f"{described(task)}: parameter {key!r} of {name} {wrong}")


def _closure(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for following in edges.get(queue.popleft(), ()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def parameter_problem(kind: ParamType, enum: tuple[str, ...], value: str) -> str | None:
    """What is wrong with `value` (a parameter's text, as a service task gives it) for a
    parameter of type `kind` and choices `enum`; None when nothing is."""
    if enum and value not in enum:
        return f"must be one of {', '.join(enum)}"
    if kind is ParamType.integer:
        try:
            int(value)
        except ValueError:
            return "must be an integer"
    elif kind in (ParamType.object, ParamType.list):
        try:
            parsed = json.loads(value)
        except ValueError:
            return f"must be a JSON {'object' if kind is ParamType.object else 'array'}"
        wanted = dict if kind is ParamType.object else list
        if not isinstance(parsed, wanted):
            return f"must be a JSON {'object' if kind is ParamType.object else 'array'}"
    return None


def engine_problem(document: BpmnDocument) -> Problem | None:
    """Whether SpiffWorkflow's parser loads every process of the document."""
    parser = BpmnParser()
    try:
        parser.add_bpmn_str(document.xml.encode("utf-8"))
        for process in document.processes():
            parser.get_spec(process.attributes.get("id", ""))
    except ValidationException as error:
        return Problem("", f"the BPMN engine cannot load the process: {error}")
    except Exception as error:  # noqa: BLE001 - the parser's errors share no base class
        return Problem("", f"the BPMN engine cannot load the process: {error}")
    return None


def check_process(
    document: BpmnDocument, modes: tuple[CheckMode, ...] = ALL_MODES
) -> list[Problem]:
    """Every problem of the document in `modes` (the engine's load last, when ours pass)."""
    problems = ProcessChecks(document).run(modes)
    if not problems:
        loaded = engine_problem(document)
        if loaded is not None:
            problems.append(loaded)
    return problems


def refuse_problems(problems: list[Problem]) -> None:
    """A 400 listing every problem (its message names the first ones)."""
    if problems:
        raise ValidationFailed.combining([p.as_error() for p in problems])
