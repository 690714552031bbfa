"""Bodies of the ISAP component routes (`~/components`, not under /soc), as the SDK's
ComponentDetailInfo, ComponentConfiguration, ConfigurationInfoDto, ComponentConfigurationInfo
and ListComponentTemplate show them. Times are milliseconds since the epoch, as the SDK's
models say."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from socdesk.kit.schemas import RequestBody, ResponseBody

FileType = Literal["JVM", "LOG4J2", "YML"]
ConfigType = Literal["HISTORY", "CURRENT_SAVE", "CURRENT_APPLY"]
ShortText = Annotated[str, StringConstraints(max_length=255)]
SettingName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SettingText = Annotated[str, StringConstraints(max_length=4096)]


class ComponentDetailOut(ResponseBody):
    component_id: str
    component_name: str
    create_time: int
    description: str
    history_version: str
    maintainer: str
    time_zone: str
    update_time: int
    upgrade: Literal["NEED_UPGRADE", "UPGRADING", "SUCCESS_UPGRADE", "FAIL_UPGRADE"]
    upgrade_fail_message: str
    version: str


class ComponentDetailList(ResponseBody):
    count: int
    records: list[ComponentDetailOut]


class ConfigurationParamOut(ResponseBody):
    component_id: str
    configuration_id: str
    file_name: str
    file_path: str
    file_type: FileType
    node_id: str
    param: str = Field(description="The settings, a JSON object of names and text values.")
    type: ConfigType
    version: int


class MonitorOut(ResponseBody):
    cpu_idle: str
    cpu_usage: str
    disk_count: str
    disk_usage: str
    down_pps: str
    health_status: Literal["NORMAL", "ANOMALIES", "FAULTS", "LOST_CONTACT"]
    heart_beat: str
    heart_beat_time: int
    memory_cache: str
    memory_count: str
    memory_free: str
    memory_shared: str
    memory_usage: str
    mini_on_online: str
    read_rate: str
    up_pps: str
    write_rate: str


class NodeExpansionOut(ResponseBody):
    custom_label: str
    data_center: str
    description: str
    maintainer: str
    network_plane: str
    node_id: str


class ComponentConfigurationOut(ResponseBody):
    component_id: str
    component_name: str
    config_status: Literal[
        "UN_SAVED", "SAVE_AND_UN_APPLY", "MOVE_AND_UN_APPLY", "APPLYING", "FAIL_APPLY", "APPLIED"
    ]
    create_time: int
    fail_deploy_message: str
    ip_address: str
    list: list[ConfigurationParamOut]
    monitor: MonitorOut
    node_apply_fail_enum: Literal["COLLECTOR_USE", "NODE_OFFLINE"] | None = Field(
        description="Why applying failed on the node: never (null)."
    )
    node_expansion: NodeExpansionOut
    node_id: str
    node_name: str
    private_ip_address: str
    region: str
    specification: str
    vpc_endpoint_address: str
    vpc_endpoint_id: str


class ComponentConfigurationList(ResponseBody):
    count: int
    records: list[ComponentConfigurationOut]


class FileConfigurationIn(RequestBody):
    """The SDK's FileConfiguration: one component's settings (`param`)."""

    file_name: ShortText | None = Field(
        default=None, description="The component's file, `<component name>.yml`, if given."
    )
    file_type: FileType | None = Field(default=None, description="`YML`, if given.")
    node_id: ShortText | None = Field(default=None, description="Ignored: every node runs it.")
    param: dict[SettingName, SettingText] | None = Field(
        default=None,
        max_length=64,
        description="The settings by name, as text (docs/workflows.md). On an application, "
        "none (or none given) applies the newest saved version.",
    )
    type: ConfigType | None = Field(default=None, description="Ignored.")


class ConfigurationDetailIn(RequestBody):
    """The SDK's ConfigurationDetail: the node fields are ignored (a workspace's
    configuration is the same on every node)."""

    config_status: ShortText | None = None
    list: Annotated[
        list[FileConfigurationIn], Field(min_length=1, max_length=1, description="One file.")
    ]
    node_id: ShortText | None = None
    node_name: ShortText | None = None
    specification: ShortText | None = None


class ConfigurationIn(RequestBody):
    """The SDK's ConfigurationInfoDto and CreateConfigurationApplicationRequestBody."""

    configuration: Annotated[
        list[ConfigurationDetailIn],
        Field(min_length=1, max_length=1, description="One entry: the workspace's settings."),
    ]


class ConfigurationSaved(ResponseBody):
    message: str
    result: Literal["SUCCESS"]


class ConfigurationApplied(ResponseBody):
    apply_fail_list: list[ComponentConfigurationOut]
    apply_success_list: list[ComponentConfigurationOut]


class ConfigurationParamVersionOut(ResponseBody):
    configuration_id: str
    file_name: str
    file_type: FileType
    node_id: str
    param: str
    type: ConfigType
    version: str


class ConfigurationVersionOut(ResponseBody):
    configuration_status: Literal["SAVE_AND_UN_DEPLOY", "DEPLOYED"]
    list: list[ConfigurationParamVersionOut]
    node_id: str
    node_name: str
    node_status: Literal["NORMAL", "ANOMALIES", "FAULTS", "LOST_CONTACT"]
    specification: str


class ConfigurationVersionList(ResponseBody):
    count: int
    records: list[ConfigurationVersionOut]


class ComponentTemplateFileOut(ResponseBody):
    component_id: str
    component_name: str
    file_name: str
    file_path: str
    file_type: FileType
    param: str
    version: str


class ComponentTemplateFileList(ResponseBody):
    count: int
    records: list[ComponentTemplateFileOut]
