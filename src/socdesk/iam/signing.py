"""Verification of SDK-HMAC-SHA256 request signatures, as the Huawei Cloud SDKs make them.

The client signs a canonical form of the request (method, path, sorted query, the headers it
names, and the SHA-256 of the body) with its secret key; we rebuild the same canonical form from
what arrived and compare. Any difference (a byte of body, a header, the path) fails the check.

What the official signer (huaweicloudsdkcore.signer.Signer) sends, and so what we demand: it
signs every header it sets, always `host` and `x-sdk-date`, and `content-type` on every call
(JSON by default, the multipart type with its boundary for uploads). It hashes every body except
when the Content-Type is not JSON or BSON; SecMaster's SDK has exactly one such case, the
multipart/form-data file uploads (imports), which it declares `X-Sdk-Content-Sha256:
UNSIGNED-PAYLOAD`. So UNSIGNED-PAYLOAD is honoured only for a multipart/form-data body sent to a
route that takes an upload; any other body must be hashed, whatever its Content-Type says.
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
# Methods whose signed requests are remembered so that an exact replay is refused.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALWAYS_SIGNED = ("host", "x-sdk-date")
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


def parse_signing_date(value: str | None, now: datetime, max_skew_seconds: int) -> datetime:
    """When the request was signed (X-Sdk-Date), if well formed and close enough to `now`."""
    if not value:
        raise Unauthenticated(_REJECTED)
    try:
        signed_at = datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise Unauthenticated(_REJECTED) from None
    if abs((now - signed_at).total_seconds()) > max_skew_seconds:
        raise Unauthenticated(_REJECTED)
    return signed_at


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


def check_signed_headers(claim: SignatureClaim, *, has_body: bool) -> None:
    """401 unless the signature covers `host` and `x-sdk-date`, and `content-type` when the
    request has a body (which decides how the body is read), as the SDK always signs them."""
    required = (*ALWAYS_SIGNED, "content-type") if has_body else ALWAYS_SIGNED
    missing = [name for name in required if name not in claim.signed_headers]
    if missing:
        raise Unauthenticated(
            f"SignedHeaders must include {', '.join(required)}"
            f"{' for a request with a body' if has_body else ''}; missing: {', '.join(missing)}"
        )


def payload_hash(body: bytes | None, declared: str | None) -> str:
    """The body hash to sign with: the SHA-256 of every body the server reads. `body` is None
    only for a multipart upload declared UNSIGNED-PAYLOAD, the one body the SDK leaves unsigned
    (the caller decides that, see `dependencies._signed_request`)."""
    if body is None:
        return UNSIGNED_PAYLOAD
    if not body:
        return EMPTY_BODY_HASH  # the SDK signs an empty body so, whatever it declares
    if declared == UNSIGNED_PAYLOAD:
        raise Unauthenticated(
            "X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is accepted only for a multipart/form-data "
            "file upload; sign the SHA-256 of this body"
        )
    return hashlib.sha256(body).hexdigest()


def spent_key(claim: SignatureClaim) -> str:
    """What identifies one signed request for replay protection (its signature covers the
    method, path, query, signed headers, body hash and date)."""
    return hashlib.sha256(f"{claim.access_key}\n{claim.signature}".encode()).hexdigest()


def signature_for(secret_key: str, signing_date: str, canonical: str) -> str:
    """The signature of `canonical`, signed at `signing_date` (X-Sdk-Date's text)."""
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
