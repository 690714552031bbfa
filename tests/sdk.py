"""The official SecMaster SDK client, pointed at a live SOCdesk with an AK/SK pair."""

from __future__ import annotations

from collections.abc import Callable

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdksecmaster.v1 import SecMasterClient

RequestHook = Callable[..., None]


def sdk_client(
    server: str, ak: str, sk: str, project_id: str, hook: RequestHook | None = None
) -> SecMasterClient:
    handler = HttpHandler()
    if hook is not None:
        handler.add_request_handler(hook)
    return (
        SecMasterClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([server])
        .with_http_handler(handler)
        .build()
    )
