"""The official SDK's workflow and component methods against a live server: each response
object carries its data, every key its model declares."""

from __future__ import annotations

import json
from pathlib import Path

from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    AopworkflowVersionValidateRes,
    CreateAopWorkflowInfo,
    CreateAopWorkflowRequest,
    CreateAopWorkflowResponse,
    CreateAopWorkflowVersionApprovelInfo,
    CreateAopWorkflowVersionApprovelRequest,
    CreateAopWorkflowVersionApprovelResponse,
    CreateAopWorkflowVersionInfo,
    CreateAopWorkflowVersionRequest,
    CreateAopWorkflowVersionResponse,
    DeleteAopWorkflowRequest,
    DeleteAopWorkflowResponse,
    DeleteAopWorkflowVersionRequest,
    DeleteAopWorkflowVersionResponse,
    ExportAopworkflowInfo,
    ExportAopworkflowRequest,
    ImportAopworkflowRequest,
    ImportAopworkflowRequestBody,
    ImportAopworkflowResponse,
    ListAopWorkflowVersionsRequest,
    ListAopWorkflowVersionsResponse,
    ListComponentActionsRequest,
    ListComponentActionsResponse,
    ListComponentsRequest,
    ListComponentsResponse,
    ListWorkflowsRequest,
    ListWorkflowsResponse,
    ModifyAopWorkflowInfo,
    ModifyAopWorkflowVersionInfo,
    ShowAopWorkflowRequest,
    ShowAopWorkflowResponse,
    ShowAopWorkflowVersionRequest,
    ShowAopWorkflowVersionResponse,
    ShowComponentActionRequest,
    ShowComponentActionResponse,
    ShowComponentRequest,
    ShowComponentResponse,
    UpdateAopWorkflowRequest,
    UpdateAopWorkflowResponse,
    UpdateAopWorkflowVersionRequest,
    UpdateAopWorkflowVersionResponse,
    ValidateAopWorkflowVersionRequest,
    ValidateAopWorkflowVersionResponse,
)

from tests.automation.bpmn_files import TRIAGE, TRIAGE_FILE, as_secmaster
from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered


def _body_bytes(response: object) -> bytes:
    """The file an SDK stream response carries."""
    raw = getattr(response, "raw_content", None)
    if raw:
        return bytes(raw)
    chunks: list[bytes] = []
    # The SDK hands over the HTTP response itself as its stream.
    response.consume_download_stream(  # type: ignore[attr-defined]
        lambda stream: chunks.append(getattr(stream, "content", stream))
    )
    return b"".join(chunks)


async def test_the_sdk_creates_approves_enables_and_deletes_a_workflow(
    admin_sdk: AdminSdk,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    created = client.create_aop_workflow(
        CreateAopWorkflowRequest(
            **where,
            body=CreateAopWorkflowInfo(
                name="SDK triage",
                description="from the SDK",
                engine_type="public_engine",
                aop_type="NORMAL",
                dataclass_id="Incident",
                labels="sdk",
            ),
        )
    )
    workflow_id = created.data.id
    version = client.create_aop_workflow_version(
        CreateAopWorkflowVersionRequest(
            **where,
            workflow_id=workflow_id,
            body=CreateAopWorkflowVersionInfo(
                name="v1", taskflow=as_secmaster(TRIAGE), taskflow_type="JSON", aop_type="NORMAL"
            ),
        )
    )
    version_id = version.data.id
    submitted = client.update_aop_workflow_version(
        UpdateAopWorkflowVersionRequest(
            **where,
            version_id=version_id,
            body=ModifyAopWorkflowVersionInfo(status="pending_approval"),
        )
    )
    approved = client.create_aop_workflow_version_approvel(
        CreateAopWorkflowVersionApprovelRequest(
            **where,
            version_id=version_id,
            body=CreateAopWorkflowVersionApprovelInfo(result="PASS", content="looks right"),
        )
    )
    enabled = client.update_aop_workflow(
        UpdateAopWorkflowRequest(
            **where,
            workflow_id=workflow_id,
            body=ModifyAopWorkflowInfo(enabled=True, version_id=version_id),
        )
    )
    shown = client.show_aop_workflow(ShowAopWorkflowRequest(**where, workflow_id=workflow_id))
    listed = client.list_workflows(ListWorkflowsRequest(**where, name="sdk", limit=10, offset=0))
    version_list = client.list_aop_workflow_versions(
        ListAopWorkflowVersionsRequest(**where, workflow_id=workflow_id, status="activated")
    )
    version_shown = client.show_aop_workflow_version(
        ShowAopWorkflowVersionRequest(**where, version_id=version_id)
    )

    answers = [
        (CreateAopWorkflowResponse, created),
        (CreateAopWorkflowVersionResponse, version),
        (UpdateAopWorkflowVersionResponse, submitted),
        (CreateAopWorkflowVersionApprovelResponse, approved),
        (UpdateAopWorkflowResponse, enabled),
        (ShowAopWorkflowResponse, shown),
        (ListWorkflowsResponse, listed),
        (ListAopWorkflowVersionsResponse, version_list),
        (ShowAopWorkflowVersionResponse, version_shown),
    ]
    assert [unanswered(model, raw_body(answer)) for model, answer in answers] == [[]] * 9
    assert (created.data.name, created.data.dataclass_name) == ("SDK triage", "Incident")
    assert submitted.data.status == "pending_approval"
    assert (approved.data.result, approved.data.content) == ("PASS", "looks right")
    assert (shown.data.enabled, shown.data.version_id, shown.data.version) == (
        True,
        version_id,
        "V1",
    )
    assert [w.id for w in listed.data] == [workflow_id]
    assert [v.id for v in version_list.data] == [version_id]
    assert version_shown.data.taskflow == version.data.taskflow
    assert version_shown.data.status == "activated"

    client.update_aop_workflow(
        UpdateAopWorkflowRequest(
            **where, workflow_id=workflow_id, body=ModifyAopWorkflowInfo(enabled=False)
        )
    )
    draft = client.create_aop_workflow_version(
        CreateAopWorkflowVersionRequest(
            **where,
            workflow_id=workflow_id,
            body=CreateAopWorkflowVersionInfo(name="v2", taskflow=TRIAGE),
        )
    )
    dropped = client.delete_aop_workflow_version(
        DeleteAopWorkflowVersionRequest(**where, version_id=draft.data.id)
    )
    deleted = client.delete_aop_workflow(DeleteAopWorkflowRequest(**where, workflow_id=workflow_id))

    assert unanswered(DeleteAopWorkflowVersionResponse, raw_body(dropped)) == []
    assert unanswered(DeleteAopWorkflowResponse, raw_body(deleted)) == []
    assert (dropped.data.id, deleted.data.id) == (draft.data.id, workflow_id)
    assert client.list_workflows(ListWorkflowsRequest(**where)).total == 0


async def test_the_sdk_imports_validates_and_exports(admin_sdk: AdminSdk, tmp_path: Path) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    imported = client.import_aopworkflow(
        ImportAopworkflowRequest(
            **where, body=ImportAopworkflowRequestBody(upload_file=FormFile(str(TRIAGE_FILE)))
        )
    )
    [workflow] = client.list_workflows(ListWorkflowsRequest(**where)).data
    validated = client.validate_aop_workflow_version(
        ValidateAopWorkflowVersionRequest(
            **where,
            body=AopworkflowVersionValidateRes(
                mode="APP_PARAMS", taskflow=as_secmaster(TRIAGE), aopworkflow_id=workflow.id
            ),
        )
    )
    exported = client.export_aopworkflow(
        ExportAopworkflowRequest(**where, body=ExportAopworkflowInfo(id=[workflow.id]))
    )

    assert unanswered(ImportAopworkflowResponse, raw_body(imported)) == []
    assert (imported.code, imported.success) == ("00000000", True)
    assert unanswered(ValidateAopWorkflowVersionResponse, raw_body(validated)) == []
    assert validated.data == {"valid": True, "mode": "APP_PARAMS", "problems": []}
    assert json.loads(_body_bytes(exported))["name"] == "Triage high severity"


async def test_the_sdk_lists_and_shows_components_and_their_actions(admin_sdk: AdminSdk) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    components = client.list_components(ListComponentsRequest(**where, limit=100))
    data_objects = components.data[0]
    shown = client.show_component(ShowComponentRequest(**where, component_id=data_objects.id))
    actions = client.list_component_actions(
        ListComponentActionsRequest(**where, component_id=data_objects.id)
    )
    add_tag = next(a for a in actions.data if a.action_name == "add_tag")
    action = client.show_component_action(
        ShowComponentActionRequest(**where, component_id=data_objects.id, action_id=add_tag.id)
    )

    assert unanswered(ListComponentsResponse, raw_body(components)) == []
    assert unanswered(ShowComponentResponse, raw_body(shown)) == []
    assert unanswered(ListComponentActionsResponse, raw_body(actions)) == []
    assert unanswered(ShowComponentActionResponse, raw_body(action)) == []
    assert shown.data.name == "socdesk_data_objects"
    assert {a.action_name for a in actions.data} >= {"set_fields", "add_tag", "add_note"}
    assert json.loads(action.data.action_input)[0] == {
        "name": "tag",
        "type": "string",
        "required": True,
        "description": "The tag to add.",
    }
