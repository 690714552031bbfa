"""The component catalogue as the SDK's ComponentInfo and ComponentActionInfo show it."""

from __future__ import annotations

import uuid

from socdesk.automation.components import PUBLISHED, Component, ComponentAction
from socdesk.kit.clock import format_time
from socdesk.secmaster.components.schemas import (
    ActionOut,
    ActionVersionOut,
    ComponentOut,
    ComponentVersionOut,
)

SYSTEM = "SOCdesk"
VERSION = "1.0.0"


def component_out(component: Component) -> ComponentOut:
    published = format_time(PUBLISHED)
    return ComponentOut(
        id=component.id,
        name=component.name,
        dev_language="python",
        dev_language_version="3",
        alliance_id="",
        alliance_name=SYSTEM,
        description=component.description,
        logo="",
        label=component.label,
        create_time=published,
        update_time=published,
        creator_id="",
        creator_name=SYSTEM,
        modifier_id="",
        modifier_name=SYSTEM,
        operation_history=[],
        versions=[
            ComponentVersionOut(
                id=str(uuid.uuid5(uuid.UUID(component.id), VERSION)),
                version_num=VERSION,
                version_desc="SOCdesk's system component.",
                status="RELEASED",
                package_name="",
                component_attachment_id="",
                sub_version_id="",
                connection_config="",
            )
        ],
        component_type="SYSTEM",
    )


def action_out(action: ComponentAction) -> ActionOut:
    published = format_time(PUBLISHED)
    version_id = str(uuid.uuid5(uuid.UUID(action.id), VERSION))
    return ActionOut(
        id=action.id,
        action_name=action.name,
        action_desc=action.description,
        action_type="SYSTEM",
        create_time=published,
        creator_name=SYSTEM,
        can_update=False,
        action_version_id=version_id,
        action_version_name=action.name,
        action_version_number=VERSION,
        action_enable="true",
        action_input=action.input_schema(),
        action_output=action.output_schema(),
        action_versions=[
            ActionVersionOut(
                id=version_id,
                create_time=published,
                creator_name=SYSTEM,
                update_time=published,
                action_version_name=action.name,
                action_version_number=VERSION,
                action_version_desc=action.description,
                action_input=action.input_schema(),
                action_output=action.output_schema(),
                action_code="",
                action_status="RELEASED",
                action_enable="true",
                debug_result="",
                debug_output="",
                debug_log="",
            )
        ],
    )
