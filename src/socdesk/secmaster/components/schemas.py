"""Bodies of the component routes, as the SDK's ComponentInfo, ComponentActionInfo,
CreateTemplateReq and TemplateInfo."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from socdesk.automation.component_templates import MAX_TASK_CONFIG_CHARS
from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.secmaster.workflows.schemas import Envelope, Name


class OperationHistory(ResponseBody):
    operation_name: str
    operation_time: str


class ComponentVersionOut(ResponseBody):
    id: str
    version_num: str
    version_desc: str
    status: str
    package_name: str
    component_attachment_id: str
    sub_version_id: str
    connection_config: str


class ComponentOut(ResponseBody):
    id: str
    name: str
    dev_language: str
    dev_language_version: str
    alliance_id: str
    alliance_name: str
    description: str
    logo: str
    label: str
    create_time: str
    update_time: str
    creator_id: str
    creator_name: str
    modifier_id: str
    modifier_name: str
    operation_history: list[OperationHistory]
    versions: list[ComponentVersionOut]
    component_type: str


class ComponentEnvelope(Envelope):
    data: ComponentOut


class ComponentList(Envelope):
    total: int
    size: int
    page: int
    data: list[ComponentOut]


class ActionVersionOut(ResponseBody):
    id: str
    create_time: str
    creator_name: str
    update_time: str
    action_version_name: str
    action_version_number: str
    action_version_desc: str
    action_input: str
    action_output: str
    action_code: str
    action_status: str
    action_enable: str
    debug_result: str
    debug_output: str
    debug_log: str


class ActionOut(ResponseBody):
    id: str
    action_name: str
    action_desc: str
    action_type: str
    create_time: str
    creator_name: str
    can_update: bool
    action_version_id: str
    action_version_name: str
    action_version_number: str
    action_enable: str
    action_input: str
    action_output: str
    action_versions: list[ActionVersionOut]


class ActionEnvelope(Envelope):
    data: ActionOut


class ActionList(Envelope):
    total: int
    size: int
    page: int
    data: list[ActionOut]


class TemplateIn(RequestBody):
    """The SDK's CreateTemplateReq (a create, and the whole of an update)."""

    component_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    template_name: Name
    task_config: Annotated[
        str,
        StringConstraints(min_length=2, max_length=MAX_TASK_CONFIG_CHARS),
        Field(
            description="A JSON object: the component's action names, each with parameter "
            'values, e.g. `{"http_request": {"method": "POST"}}`.'
        ),
    ]


class TemplateOut(ResponseBody):
    id: str
    component_id: str
    template_name: str
    task_config: str
    create_time: str
    update_time: str
    project_id: str


class TemplateEnvelope(Envelope):
    data: TemplateOut


class TemplateList(Envelope):
    total: int
    size: int
    page: int
    data: list[TemplateOut]
