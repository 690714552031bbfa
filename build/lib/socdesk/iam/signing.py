"""Verification of SDK-HMAC-SHA256 request signatures, as the Huawei Cloud SDKs make them.

The client signs a canonical form of the request (method, path, sorted query, the headers it
names, and the SHA-256 of the body) with its secret key; we rebuild the same canonical form from
what arrived and compare. Any difference (a byte of body, a header, the path) fails the check.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

from socdesk.kit.errors import Unauthenticated

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_BODY_HASH = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_AUTH_PATTERN = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$"
)
_REJECTED = "request signature does not verify"


@dataclass(frozen=True, slots=True)
class SignatureClaim:
    """What the Authorization header claims: who signed, which headers, and the signature."""

    access_key: str
    signed_headers: tuple[str, ...]
    signature: str


def is_signed(authorization: str | None) -> bool:
    return bool(authorization) and authorization.startswith(ALGORITHM + " ")  # type: ignore[union-attr]


def parse_authorization(authorization: str) -> SignatureClaim:
    match = _AUTH_PATTERN.match(authorization.strip())
    if not match:
        raise Unauthenticated(_REJECTED)
    access_key, headers, signature = match.groups()
    return SignatureClaim(access_key, tuple(headers.lower().split(";")), signature.lower())


def parse_signing_date(value: str | None, now: datetime, max_skew_seconds: int) -> str:
    """The X-Sdk-Date value, if it is well formed and close enough to `now`."""
    if not value:
        raise Unauthenticated(_REJECTED)
    try:
        signed_at = datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise Unauthenticated(_REJECTED) from None
    if abs((now - signed_at).total_seconds()) > max_skew_seconds:
        raise Unauthenticated(_REJECTED)
    return value


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    uri = "/".join(_encode(part) for part in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def _header_text(value: str) -> str:
    # HTTP headers arrive as latin-1; the SDK signed the UTF-8 text they were made from.
    try:
        return value.encode("latin-1").decode("utf-8").strip()
    except UnicodeError:
        return value.strip()


def canonical_request(
    *,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: tuple[str, ...],
    payload_hash: str,
) -> str:
    lines = []
    for name in signed_headers:
        value = headers.get(name)
        if value is None:
            raise Unauthenticated(_REJECTED)
        lines.append(f"{name}:{_header_text(value)}")
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(raw_query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def payload_hash(body: bytes | None, content_type: str, declared: str | None) -> str:
    """The body hash to sign with. JSON bodies are always hashed; other bodies (multipart
    uploads) may be declared UNSIGNED-PAYLOAD, exactly as the SDK signs them."""
    if body is not None and not body:
        return EMPTY_BODY_HASH
    is_json = not content_type or content_type.startswith(("application/json", "application/bson"))
    if declared == UNSIGNED_PAYLOAD and not is_json:
        return UNSIGNED_PAYLOAD
    if body is None:
        raise Unauthenticated(_REJECTED)
    return hashlib.sha256(body).hexdigest()


def signature_for(secret_key: str, signing_date: str, canonical: str) -> str:
    string_to_sign = "\n".join(
        [ALGORITHM, signing_date, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    return hmac.new(secret_key.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify_signature(
    claim: SignatureClaim, secret_key: str, signing_date: str, canonical: str
) -> None:
    """Raise Unauthenticated unless the claim's signature matches, compared in constant time."""
    expected = signature_for(secret_key, signing_date, canonical)
    if not hmac.compare_digest(expected, claim.signature):
        raise Unauthenticated(_REJECTED)
