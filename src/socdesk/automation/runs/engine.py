"""SpiffWorkflow as SOCdesk runs it: a version's BPMN loaded once, a run's state serialized
between tasks, and the next task that needs SOCdesk (a service task's action, a user task's
to-do) found by running the engine's own tasks (events, gateways) up to it.

Service tasks are parsed as plain tasks (SOCdesk performs their action, then completes them:
SpiffWorkflow's service task is neither serializable by its default serializer nor completed by
running it); gateway conditions go through `expressions.py`, never Python's `eval`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, full_tag
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from socdesk.automation.bpmn import BPMN_MODEL, SOCDESK_BPMN, BpmnDocument, read_taskflow
from socdesk.automation.runs.expressions import ExpressionRefused, evaluate
from socdesk.automation.xmltree import Node


class _Parser(BpmnParser):  # type: ignore[misc]
    OVERRIDE_PARSER_CLASSES = {full_tag("serviceTask"): (TaskParser, NoneTask)}


class SafeScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Conditions over the data object (and the run's data) with the safe evaluator; scripts
    are refused (the checks refuse script tasks before a version is stored)."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        super().__init__()
        self.context = context

    def validate(self, expression: str) -> None:
        evaluate(expression, {})

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return evaluate(expression, {**task.data, **self.context})
        except ExpressionRefused as error:
            raise EngineError(f"condition {expression[:200]!r}: {error}") from None

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        raise EngineError("scripts do not run in SOCdesk")


class EngineError(Exception):
    """The process cannot go on (a condition that does not evaluate, a stuck process)."""


@dataclass(frozen=True, slots=True)
class ActionCall:
    name: str
    params: dict[str, str]


@dataclass(frozen=True, slots=True)
class UserTaskDefinition:
    name: str
    description: str
    due_seconds: int | None
    due_handle: str


@dataclass(frozen=True, slots=True)
class Process:
    """A version's process, loaded: SpiffWorkflow's spec and SOCdesk's tasks by element id."""

    spec: Any
    # Whether a flow has a condition (only then is the data object read for a step).
    has_conditions: bool = False
    actions: dict[str, ActionCall] = field(default_factory=dict)
    user_tasks: dict[str, UserTaskDefinition] = field(default_factory=dict)


def _socdesk(document: BpmnDocument, node: Node, local: str) -> list[Node]:
    return [
        n for n in node.elements if n.local == local and document.namespace_of(n) == SOCDESK_BPMN
    ]


def _action(document: BpmnDocument, task: Node) -> ActionCall | None:
    for ext in (n for n in task.elements if n.local == "extensionElements"):
        for action in _socdesk(document, ext, "action"):
            params = {
                p.attributes.get("name", ""): p.text.strip()
                for p in _socdesk(document, action, "param")
            }
            return ActionCall(action.attributes.get("name", ""), params)
    return None


def _user_task(document: BpmnDocument, task: Node) -> UserTaskDefinition:
    due = document.attribute(task, SOCDESK_BPMN, "due_seconds")
    handle = (document.attribute(task, SOCDESK_BPMN, "due_handle") or "INTERRUPT").upper()
    text = " ".join(n.text.strip() for n in task.elements if n.local == "documentation")
    return UserTaskDefinition(
        task.attributes.get("name") or task.attributes.get("id", ""),
        text,
        int(due) if due and due.strip().isdigit() else None,
        handle if handle in ("CONTINUE", "INTERRUPT") else "INTERRUPT",
    )


@lru_cache(maxsize=256)
def load_process(xml: str) -> Process:
    """The first executable process of the stored BPMN, loaded (cached by its text)."""
    document = read_taskflow(xml)
    processes = document.processes()
    if not processes:
        raise EngineError("the version's BPMN has no process")
    process = next(
        (p for p in processes if p.attributes.get("isExecutable", "true") != "false"),
        processes[0],
    )
    parser = _Parser()
    parser.add_bpmn_str(document.xml.encode("utf-8"))
    spec = parser.get_spec(process.attributes.get("id", ""))
    conditional = any(
        n.local == "conditionExpression" and document.namespace_of(n) == BPMN_MODEL
        for n in process.walk()
    )
    loaded = Process(spec, conditional)
    for node in process.walk():
        if document.namespace_of(node) != BPMN_MODEL:
            continue
        element = node.attributes.get("id", "")
        if node.local == "serviceTask" and (call := _action(document, node)) is not None:
            loaded.actions[element] = call
        elif node.local == "userTask":
            loaded.user_tasks[element] = _user_task(document, node)
    return loaded


_SERIALIZER = BpmnWorkflowSerializer()


class NextKind(StrEnum):
    action = "action"
    user_task = "user_task"
    finished = "finished"


@dataclass(frozen=True, slots=True)
class Next:
    kind: NextKind
    task: Any = None
    element_id: str = ""
    element_name: str = ""


class RunEngine:
    """One run's SpiffWorkflow workflow, over the data object `context`."""

    def __init__(self, process: Process, state: str, context: Mapping[str, Any]) -> None:
        self.process = process
        self.engine = SafeScriptEngine(context)
        if state:
            self.workflow = _SERIALIZER.deserialize_json(state)
            self.workflow.script_engine = self.engine
        else:
            self.workflow = BpmnWorkflow(process.spec, script_engine=self.engine)
        self.engine_steps = 0

    def use_context(self, context: Mapping[str, Any]) -> None:
        """The data object as it is now, for the conditions of the next `advance`."""
        self.engine.context = context

    def serialized(self) -> str:
        return str(_SERIALIZER.serialize_json(self.workflow))

    def advance(self, step_budget: int) -> Next:
        """Run the engine's own tasks up to the next one SOCdesk does, or the end; at most
        `step_budget` of them (EngineError past it); `engine_steps` counts them."""
        self.engine_steps = 0
        while True:
            self.workflow.refresh_timers()
            ready = self.workflow.get_tasks(state=TaskState.READY)
            ours = [t for t in ready if self._is_ours(t)]
            theirs = [t for t in ready if not self._is_ours(t)]
            if theirs:
                for task in theirs:
                    if self.engine_steps >= step_budget:
                        raise StepLimit()
                    task.run()
                    self.engine_steps += 1
                continue
            if ours:
                task = ours[0]
                spec = task.task_spec
                kind = (
                    NextKind.action
                    if spec.bpmn_id in self.process.actions
                    else (NextKind.user_task)
                )
                return Next(kind, task, spec.bpmn_id or "", spec.bpmn_name or "")
            if self.workflow.is_completed():
                return Next(NextKind.finished)
            raise EngineError("the process is stuck: no task is ready and it has not ended")

    def _is_ours(self, task: Any) -> bool:
        element = task.task_spec.bpmn_id
        return element in self.process.actions or element in self.process.user_tasks

    @staticmethod
    def complete(task: Any, output: Mapping[str, Any] | None = None) -> None:
        """Complete a task SOCdesk did, its output merged into the run's data."""
        if output:
            task.data.update(json.loads(json.dumps(output, default=str)))
        task.run()


class StepLimit(EngineError):
    """The run ran more tasks than the step limit allows."""
