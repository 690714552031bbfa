"""The official SDK's playbook methods (all but the instance ones) against a live server: each
response object carries its data, every key its model declares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    ApprovePlaybookInfo,
    ConditionInfo,
    ConditionItem,
    CopyPlaybookInfo,
    CopyPlaybookVersionRequest,
    CopyPlaybookVersionResponse,
    CreateAction,
    CreateAopWorkflowVersionApprovelInfo,
    CreateAopWorkflowVersionApprovelRequest,
    CreatePlaybookActionRequest,
    CreatePlaybookActionResponse,
    CreatePlaybookApproveRequest,
    CreatePlaybookApproveResponse,
    CreatePlaybookInfo,
    CreatePlaybookRequest,
    CreatePlaybookResponse,
    CreatePlaybookRuleRequest,
    CreatePlaybookRuleResponse,
    CreatePlaybookVersionInfo,
    CreatePlaybookVersionRequest,
    CreatePlaybookVersionResponse,
    CreateRuleInfo,
    DeletePlaybookActionRequest,
    DeletePlaybookActionResponse,
    DeletePlaybookRequest,
    DeletePlaybookResponse,
    DeletePlaybookRuleRequest,
    DeletePlaybookRuleResponse,
    DeletePlaybookVersionRequest,
    DeletePlaybookVersionResponse,
    ExportPlaybook,
    ExportPlaybookRequest,
    ImportAopworkflowRequest,
    ImportAopworkflowRequestBody,
    ImportPlaybookRequest,
    ImportPlaybookRequestBody,
    ImportPlaybookResponse,
    ListAopWorkflowVersionsRequest,
    ListPlaybookActionsRequest,
    ListPlaybookActionsResponse,
    ListPlaybookApprovesRequest,
    ListPlaybookApprovesResponse,
    ListPlaybooksRequest,
    ListPlaybooksResponse,
    ListPlaybookVersionsRequest,
    ListPlaybookVersionsResponse,
    ListWorkflowsRequest,
    ModifyActionInfo,
    ModifyAopWorkflowInfo,
    ModifyAopWorkflowVersionInfo,
    ModifyPlaybookInfo,
    ModifyPlaybookVersionInfo,
    ModifyRuleInfo,
    ShowPlaybookMonitorsRequest,
    ShowPlaybookMonitorsResponse,
    ShowPlaybookRequest,
    ShowPlaybookResponse,
    ShowPlaybookRuleRequest,
    ShowPlaybookRuleResponse,
    ShowPlaybookStatisticsRequest,
    ShowPlaybookStatisticsResponse,
    ShowPlaybookVersionRequest,
    ShowPlaybookVersionResponse,
    UpdateAopWorkflowRequest,
    UpdateAopWorkflowVersionRequest,
    UpdatePlaybookActionRequest,
    UpdatePlaybookActionResponse,
    UpdatePlaybookRequest,
    UpdatePlaybookResponse,
    UpdatePlaybookRuleRequest,
    UpdatePlaybookRuleResponse,
    UpdatePlaybookVersionRequest,
    UpdatePlaybookVersionResponse,
)

from tests.automation.bpmn_files import TRIAGE_FILE
from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered


def _enabled_workflow(client: Any, where: dict[str, str]) -> str:
    """The triage example, imported, activated and enabled through the SDK."""
    client.import_aopworkflow(
        ImportAopworkflowRequest(
            **where, body=ImportAopworkflowRequestBody(upload_file=FormFile(str(TRIAGE_FILE)))
        )
    )
    [workflow] = client.list_workflows(ListWorkflowsRequest(**where)).data
    [version] = client.list_aop_workflow_versions(
        ListAopWorkflowVersionsRequest(**where, workflow_id=workflow.id)
    ).data
    client.update_aop_workflow_version(
        UpdateAopWorkflowVersionRequest(
            **where,
            version_id=version.id,
            body=ModifyAopWorkflowVersionInfo(status="pending_approval"),
        )
    )
    client.create_aop_workflow_version_approvel(
        CreateAopWorkflowVersionApprovelRequest(
            **where,
            version_id=version.id,
            body=CreateAopWorkflowVersionApprovelInfo(result="PASS", content="ok"),
        )
    )
    client.update_aop_workflow(
        UpdateAopWorkflowRequest(
            **where, workflow_id=workflow.id, body=ModifyAopWorkflowInfo(enabled=True)
        )
    )
    return str(workflow.id)


HIGH = ConditionInfo(
    expression_type="common",
    conditions=[ConditionItem(name="high", detail="", data=["severity", "=", "High"])],
    logics=["high"],
)


def _file_bytes(response: object) -> bytes:
    raw = getattr(response, "raw_content", None)
    if raw:
        return bytes(raw)
    chunks: list[bytes] = []
    response.consume_download_stream(  # type: ignore[attr-defined]
        lambda stream: chunks.append(getattr(stream, "content", stream))
    )
    return b"".join(chunks)


async def test_the_sdk_builds_reviews_enables_and_removes_a_playbook(
    admin_sdk: AdminSdk, tmp_path: Path
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    workflow_id = _enabled_workflow(client, where)

    created = client.create_playbook(
        CreatePlaybookRequest(
            **where, body=CreatePlaybookInfo(name="SDK triage", description="from the SDK")
        )
    )
    playbook_id = created.data.id
    version = client.create_playbook_version(
        CreatePlaybookVersionRequest(
            **where,
            playbook_id=playbook_id,
            body=CreatePlaybookVersionInfo(
                description="v1",
                dataclass_id="Incident",
                trigger_type="EVENT",
                dataobject_create=True,
                rule_enable=True,
                action_strategy="ASYNC",
            ),
        )
    )
    version_id = version.data.id
    rule = client.create_playbook_rule(
        CreatePlaybookRuleRequest(**where, version_id=version_id, body=CreateRuleInfo(rule=HIGH))
    )
    rule_shown = client.show_playbook_rule(
        ShowPlaybookRuleRequest(**where, version_id=version_id, rule_id=rule.data.id)
    )
    wider = ConditionInfo(
        expression_type="common",
        conditions=[
            ConditionItem(name="high", detail="", data=["severity", "in", "High", "Fatal"])
        ],
        logics=["high"],
    )
    rule_changed = client.update_playbook_rule(
        UpdatePlaybookRuleRequest(
            **where, version_id=version_id, rule_id=rule.data.id, body=ModifyRuleInfo(rule=wider)
        )
    )
    actions = client.create_playbook_action(
        CreatePlaybookActionRequest(
            **where,
            version_id=version_id,
            body=[
                CreateAction(
                    name="triage", action_type="AOP_WORKFLOW", action_id=workflow_id, sort_order="1"
                ),
                CreateAction(
                    name="again", action_type="AOP_WORKFLOW", action_id=workflow_id, sort_order="2"
                ),
            ],
        )
    )
    action_changed = client.update_playbook_action(
        UpdatePlaybookActionRequest(
            **where,
            version_id=version_id,
            action_id=actions.data[0].id,
            body=ModifyActionInfo(name="triage first", sort_order="0"),
        )
    )
    action_dropped = client.delete_playbook_action(
        DeletePlaybookActionRequest(**where, version_id=version_id, action_id=actions.data[1].id)
    )
    action_list = client.list_playbook_actions(
        ListPlaybookActionsRequest(**where, version_id=version_id, limit=10, offset=0)
    )
    submitted = client.update_playbook_version(
        UpdatePlaybookVersionRequest(
            **where, version_id=version_id, body=ModifyPlaybookVersionInfo(status="APPROVING")
        )
    )
    statistics = client.show_playbook_statistics(ShowPlaybookStatisticsRequest(**where))
    approved = client.create_playbook_approve(
        CreatePlaybookApproveRequest(
            **where, version_id=version_id, body=ApprovePlaybookInfo(result="PASS", content="ok")
        )
    )
    approvals = client.list_playbook_approves(
        ListPlaybookApprovesRequest(**where, resource_id=version_id, approve_type="PLAYBOOK")
    )
    enabled = client.update_playbook(
        UpdatePlaybookRequest(
            **where,
            playbook_id=playbook_id,
            body=ModifyPlaybookInfo(enabled=True, active_version_id=version_id),
        )
    )
    shown = client.show_playbook(ShowPlaybookRequest(**where, playbook_id=playbook_id))
    listed = client.list_playbooks(ListPlaybooksRequest(**where, search_txt="sdk", limit=10))
    version_list = client.list_playbook_versions(
        ListPlaybookVersionsRequest(**where, playbook_id=playbook_id, status="PUBLISHED")
    )
    version_shown = client.show_playbook_version(
        ShowPlaybookVersionRequest(**where, version_id=version_id)
    )
    monitor = client.show_playbook_monitors(
        ShowPlaybookMonitorsRequest(**where, playbook_id=playbook_id, version_query_type="ALL")
    )

    answers = [
        (CreatePlaybookResponse, created),
        (CreatePlaybookVersionResponse, version),
        (CreatePlaybookRuleResponse, rule),
        (ShowPlaybookRuleResponse, rule_shown),
        (UpdatePlaybookRuleResponse, rule_changed),
        (CreatePlaybookActionResponse, actions),
        (UpdatePlaybookActionResponse, action_changed),
        (DeletePlaybookActionResponse, action_dropped),
        (ListPlaybookActionsResponse, action_list),
        (UpdatePlaybookVersionResponse, submitted),
        (ShowPlaybookStatisticsResponse, statistics),
        (CreatePlaybookApproveResponse, approved),
        (ListPlaybookApprovesResponse, approvals),
        (UpdatePlaybookResponse, enabled),
        (ShowPlaybookResponse, shown),
        (ListPlaybooksResponse, listed),
        (ListPlaybookVersionsResponse, version_list),
        (ShowPlaybookVersionResponse, version_shown),
        (ShowPlaybookMonitorsResponse, monitor),
    ]
    assert [unanswered(model, raw_body(answer)) for model, answer in answers] == [[]] * 19
    assert (created.data.name, created.data.enabled) == ("SDK triage", False)
    assert (version.data.status, version.data.dataclass_name) == ("EDITING", "Incident")
    assert json.loads(rule_shown.data.rule)["conditions"][0]["data"] == ["severity", "=", "High"]
    assert json.loads(rule_changed.data.rule)["conditions"][0]["data"][2:] == ["High", "Fatal"]
    assert [a.action_id for a in actions.data] == [workflow_id, workflow_id]
    assert action_changed.data.name == "triage first"
    assert [a.name for a in action_list.data] == ["triage first"]
    assert submitted.data.status == "APPROVING"
    assert (statistics.data.unapproved_num, statistics.data.disabled_num) == (1, 1)
    assert (approved.data.result, [a.result for a in approvals.data]) == ("PASS", ["PASS"])
    assert (enabled.data.enabled, shown.data.version_id, shown.data.version) == (
        True,
        version_id,
        "v1",
    )
    assert (shown.data.dataclass_name, [p.id for p in listed.data]) == ("Incident", [playbook_id])
    assert [v.id for v in version_list.data] == [version_id]
    assert (version_shown.data.status, version_shown.data.version_type) == ("PUBLISHED", 1)
    assert version_shown.data.enabled is True
    assert [a.name for a in version_shown.data.actions] == ["triage first"]
    assert version_shown.data.rules.id == rule.data.id
    assert monitor.data.total_instance_num == 0

    exported = client.export_playbook(
        ExportPlaybookRequest(**where, body=ExportPlaybook(id=[playbook_id]))
    )
    content = json.loads(_file_bytes(exported))
    assert content["versions"][0]["actions"][0]["workflow_name"] == "Triage high severity"
    content["name"] = "SDK triage copy"
    upload = tmp_path / "playbook.json"
    upload.write_text(json.dumps(content))
    imported = client.import_playbook(
        ImportPlaybookRequest(
            **where, body=ImportPlaybookRequestBody(upload_file=FormFile(str(upload)))
        )
    )
    clone = client.copy_playbook_version(
        CopyPlaybookVersionRequest(
            **where, version_id=version_id, body=CopyPlaybookInfo(name="SDK clone")
        )
    )
    draft = client.create_playbook_version(
        CreatePlaybookVersionRequest(
            **where,
            playbook_id=playbook_id,
            body=CreatePlaybookVersionInfo(
                dataclass_id="Incident", trigger_type="EVENT", dataobject_update=True
            ),
        )
    )
    draft_rule = client.create_playbook_rule(
        CreatePlaybookRuleRequest(**where, version_id=draft.data.id, body=CreateRuleInfo(rule=HIGH))
    )
    rule_dropped = client.delete_playbook_rule(
        DeletePlaybookRuleRequest(**where, version_id=draft.data.id, rule_id=draft_rule.data.id)
    )
    version_dropped = client.delete_playbook_version(
        DeletePlaybookVersionRequest(**where, version_id=draft.data.id)
    )
    client.update_playbook(
        UpdatePlaybookRequest(
            **where, playbook_id=playbook_id, body=ModifyPlaybookInfo(enabled=False)
        )
    )
    deleted = client.delete_playbook(DeletePlaybookRequest(**where, playbook_id=playbook_id))

    later = [
        (ImportPlaybookResponse, imported),
        (CopyPlaybookVersionResponse, clone),
        (DeletePlaybookRuleResponse, rule_dropped),
        (DeletePlaybookVersionResponse, version_dropped),
        (DeletePlaybookResponse, deleted),
    ]
    assert [unanswered(model, raw_body(answer)) for model, answer in later] == [[]] * 5
    assert imported.code == "00000000"
    assert (clone.data.status, clone.data.playbook_id != playbook_id) == ("EDITING", True)
    assert [a.action_id for a in clone.data.actions] == [workflow_id]
    assert deleted.data.id == playbook_id
    names = {p.name for p in client.list_playbooks(ListPlaybooksRequest(**where)).data}
    assert names == {"SDK triage copy", "SDK clone"}
