"""Our canonical request matches the Huawei SDK signer's for any path, query and body."""

from __future__ import annotations

from urllib.parse import quote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import given, settings
from hypothesis import strategies as st

from socdesk.iam import signing

segment = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="/"),
    min_size=1,
    max_size=12,
)
query_value = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)


@settings(max_examples=200, deadline=None)
@given(
    segments=st.lists(segment, min_size=1, max_size=4),
    query=st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), query_value, max_size=4),
    body=st.binary(max_size=64),
)
def test_our_signature_equals_the_sdk_signature(
    segments: list[str], query: dict[str, str], body: bytes
) -> None:
    path = "/" + "/".join(segments)
    request = SdkRequest(
        method="POST",
        schema="http",
        host="127.0.0.1:8000",
        resource_path=quote(path, safe="/"),
        query_params=list(query.items()),
        header_params={"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": "p1"},
        body=body,
    )
    Signer(BasicCredentials("AK", "SECRET", "p1")).sign(request)
    claim = signing.parse_authorization(request.header_params["Authorization"])
    headers = {k.lower(): v for k, v in request.header_params.items()}
    headers["host"] = "127.0.0.1:8000"
    raw_query = request.uri.partition("?")[2]

    canonical = signing.canonical_request(
        method="POST",
        path=path,
        raw_query=raw_query,
        headers=headers,
        signed_headers=claim.signed_headers,
        payload_hash=signing.payload_hash(body, None),
    )

    assert signing.signature_for("SECRET", headers["x-sdk-date"], canonical) == claim.signature
