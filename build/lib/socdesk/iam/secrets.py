"""Making and checking secrets: passwords (argon2), bearer tokens (SHA-256), AK/SK pairs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("socdesk-timing-equaliser")
_AK_ALPHABET = string.ascii_uppercase + string.digits

SESSION_TOKEN_PREFIX = "sdtok_"
API_KEY_PREFIX = "sdkey_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; always spends one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_bearer_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def hash_bearer_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash suffices and keeps lookups to one index probe.
    return hashlib.sha256(token.encode()).hexdigest()


def new_access_key() -> tuple[str, str]:
    """A fresh (access key id, salt)."""
    return "".join(secrets.choice(_AK_ALPHABET) for _ in range(20)), secrets.token_hex(16)


def derive_secret_key(server_secret: str, access_key: str, salt: str) -> str:
    """The SK of an access key: recomputed from the server secret, never stored."""
    digest = hmac.new(server_secret.encode(), f"{access_key}:{salt}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]
