"""Bodies of the to-do routes, as the SDK's TaskInfo, TaskCommentInfo and ModifyTaskInfo."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from socdesk.automation.runs.service import TodoAction
from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.secmaster.workflows.schemas import Envelope


class TodoComment(ResponseBody):
    id: str
    message: str
    user_id: str
    user_name: str
    time: int


class TodoOut(ResponseBody):
    id: str
    aopengine_task_id: str
    name: str
    project_id: str
    description: str
    create_time: str
    creator_id: str
    creator_name: str
    update_time: str
    modifier_id: str
    modifier_name: str
    approveuser_id: str = ""
    approveuser_name: str = ""
    approver: str = ""
    notes: str = ""
    definition_key: str
    note: str = ""
    due_date: str | None = None
    action_id: str
    action_version_id: str
    action_instance_id: str
    workspace_id: str
    review_comments: str = ""
    view_parameters: str = ""
    handle_parameters: str = ""
    business_type: str = "WORKFLOWNODEAPPROVE"
    related_object: str
    attachment_id_list: list[str]
    comments: list[TodoComment]
    status: str
    due_handle: str


class TodoModify(RequestBody):
    action: TodoAction
    attachment_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    comment: Annotated[str, StringConstraints(max_length=4096)] | None = None
    comment_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class TodoEnvelope(Envelope):
    data: TodoOut


class TodoList(Envelope):
    total: int
    page: int
    size: int
    data: list[TodoOut]
