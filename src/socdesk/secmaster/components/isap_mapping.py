"""The component catalogue, a workspace's component configurations and the runner nodes as the
SDK's ISAP component models show them (`~/components`)."""

from __future__ import annotations

import json
from datetime import datetime

from socdesk.automation.component_settings import defaults, file_name
from socdesk.automation.components import PUBLISHED, Component
from socdesk.automation.http_calls import HttpLimits
from socdesk.models import ComponentConfiguration, ComponentTemplate, RunnerNode
from socdesk.secmaster.components.isap_schemas import (
    ComponentConfigurationOut,
    ComponentDetailOut,
    ComponentTemplateFileOut,
    ConfigType,
    ConfigurationParamOut,
    ConfigurationParamVersionOut,
    ConfigurationVersionOut,
    MonitorOut,
    NodeExpansionOut,
)
from socdesk.secmaster.components.mapping import SYSTEM, VERSION

# The configuration's own record (not a node's): every node runs it.
EVERY_NODE = "every runner node"


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def detail_out(of: Component) -> ComponentDetailOut:
    return ComponentDetailOut(
        component_id=of.id,
        component_name=of.name,
        create_time=millis(PUBLISHED),
        description=of.description,
        history_version="",
        maintainer=SYSTEM,
        time_zone="UTC",
        update_time=millis(PUBLISHED),
        upgrade="SUCCESS_UPGRADE",
        upgrade_fail_message="",
        version=VERSION,
    )


def settings_text(of: Component, row: ComponentConfiguration | None, ceiling: HttpLimits) -> str:
    """The version's settings; the operator's when there is no version (version 0)."""
    if row is not None:
        return row.settings
    return json.dumps(defaults(of, ceiling), sort_keys=True)


def param_out(
    of: Component,
    row: ComponentConfiguration | None,
    kind: ConfigType,
    ceiling: HttpLimits,
    node_id: str = "",
) -> ConfigurationParamOut:
    return ConfigurationParamOut(
        component_id=of.id,
        configuration_id=str(row.id) if row is not None else "",
        file_name=file_name(of),
        file_path="",
        file_type="YML",
        node_id=node_id,
        param=settings_text(of, row, ceiling),
        type=kind,
        version=row.version if row is not None else 0,
    )


def _monitor(seen: datetime | None) -> MonitorOut:
    blank = dict.fromkeys(
        (
            "cpu_idle",
            "cpu_usage",
            "disk_count",
            "disk_usage",
            "down_pps",
            "memory_cache",
            "memory_count",
            "memory_free",
            "memory_shared",
            "memory_usage",
            "mini_on_online",
            "read_rate",
            "up_pps",
            "write_rate",
        ),
        "",
    )
    return MonitorOut(
        **blank,
        health_status="NORMAL",
        heart_beat="ONLINE" if seen is not None else "",
        heart_beat_time=millis(seen) if seen is not None else 0,
    )


def _expansion(node_id: str, description: str) -> NodeExpansionOut:
    return NodeExpansionOut(
        custom_label="",
        data_center="",
        description=description,
        maintainer=SYSTEM,
        network_plane="",
        node_id=node_id,
    )


def configuration_out(
    of: Component,
    applied: ComponentConfiguration | None,
    newest: ComponentConfiguration | None,
    ceiling: HttpLimits,
) -> ComponentConfigurationOut:
    """The workspace's configuration of `of`: the applied version (the operator's settings,
    version 0, when none is) and, when a newer one is saved, that one."""
    entries = [param_out(of, applied, "CURRENT_APPLY", ceiling)]
    if newest is None:
        status = "UN_SAVED"
    elif applied is not None and applied.id == newest.id:
        status = "APPLIED"
    else:
        status = "SAVE_AND_UN_APPLY"
        entries.append(param_out(of, newest, "CURRENT_SAVE", ceiling))
    return ComponentConfigurationOut(
        component_id=of.id,
        component_name=of.name,
        config_status=status,
        create_time=millis(newest.created_at) if newest is not None else 0,
        fail_deploy_message="",
        ip_address="",
        list=entries,
        monitor=_monitor(None),
        node_apply_fail_enum=None,
        node_expansion=_expansion("", "The workspace's configuration, run by every node."),
        node_id="",
        node_name=EVERY_NODE,
        private_ip_address="",
        region="",
        specification="",
        vpc_endpoint_address="",
        vpc_endpoint_id="",
    )


def node_name(node: RunnerNode) -> str:
    return f"{node.host}:{node.pid}"


def node_out(
    of: Component, node: RunnerNode, applied: ComponentConfiguration | None, ceiling: HttpLimits
) -> ComponentConfigurationOut:
    """A live node, running `of` with the workspace's applied configuration (a run reads it
    at its steps, so every node uses the version applied)."""
    node_id = str(node.id)
    return ComponentConfigurationOut(
        component_id=of.id,
        component_name=of.name,
        config_status="APPLIED",
        create_time=millis(node.started_at),
        fail_deploy_message="",
        ip_address="",
        list=[param_out(of, applied, "CURRENT_APPLY", ceiling, node_id)],
        monitor=_monitor(node.last_seen_at),
        node_apply_fail_enum=None,
        node_expansion=_expansion(node_id, f"{node.kind} runner, pid {node.pid}"),
        node_id=node_id,
        node_name=node_name(node),
        private_ip_address="",
        region="",
        specification=node.kind,
        vpc_endpoint_address="",
        vpc_endpoint_id="",
    )


def version_out(
    of: Component,
    row: ComponentConfiguration,
    applied: ComponentConfiguration | None,
    newest: ComponentConfiguration | None,
) -> ConfigurationVersionOut:
    is_applied = applied is not None and applied.id == row.id
    kind: ConfigType = "CURRENT_APPLY" if is_applied else "HISTORY"
    if not is_applied and newest is not None and newest.id == row.id:
        kind = "CURRENT_SAVE"
    return ConfigurationVersionOut(
        configuration_status="DEPLOYED" if is_applied else "SAVE_AND_UN_DEPLOY",
        list=[
            ConfigurationParamVersionOut(
                configuration_id=str(row.id),
                file_name=file_name(of),
                file_type="YML",
                node_id="",
                param=row.settings,
                type=kind,
                version=str(row.version),
            )
        ],
        node_id="",
        node_name=EVERY_NODE,
        node_status="NORMAL",
        specification="",
    )


def template_file_out(of: Component, row: ComponentTemplate) -> ComponentTemplateFileOut:
    """A component template as the SDK's template file: its name, its task_config, and
    where the template's own routes find it."""
    return ComponentTemplateFileOut(
        component_id=of.id,
        component_name=of.name,
        file_name=row.template_name,
        file_path=f"soc/components/template/{row.id}",
        file_type="YML",
        param=row.task_config,
        version=VERSION,
    )
