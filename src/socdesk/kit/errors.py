"""Errors are types that carry their status; each dialect renders them in its own envelope.

This module is the single table of error codes: `docs/errors.md` mirrors it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar


def some_of(items: Sequence[str], most: int = 10) -> str:
    """The first `most` items, comma-separated, and how many more there are: for messages."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One problem inside a request: which field (and file row), what value, what is wrong."""

    field: str
    message: str
    row: int | None = None
    value: Any = None


class AppError(Exception):
    """Base of every error a client may see.

    `status` is the HTTP status; `secmaster_status` overrides it where the SecMaster vendor API
    answers differently (it reports unknown objects as 400, the register API as 404).
    `kind` names the error in the register and Keystone envelopes; `code` in SecMaster's.
    """

    status: ClassVar[int] = 500
    secmaster_status: ClassVar[int | None] = None
    kind: ClassVar[str] = "internal_error"
    code: ClassVar[str] = "SecMaster.20000500"

    def __init__(
        self,
        message: str,
        *,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    def status_for_secmaster(self) -> int:
        return self.secmaster_status or self.status


class ValidationFailed(AppError):
    status = 400
    kind = "validation_failed"
    code = "SecMaster.20000400"

    @classmethod
    def for_field(cls, field: str, message: str, value: Any = None) -> ValidationFailed:
        """A one-field failure whose message names the field."""
        return cls(f"{field}: {message}", details=[ErrorDetail(field, message, value=value)])

    @classmethod
    def combining(cls, failures: Sequence[ValidationFailed]) -> ValidationFailed:
        """One failure listing every problem of `failures` (a request reports all it has)."""
        if len(failures) == 1:
            return failures[0]
        details = [detail for failure in failures for detail in failure.details]
        shown = "; ".join(failure.message for failure in failures[:5])
        more = f" and {len(failures) - 5} more" if len(failures) > 5 else ""
        return cls(f"{len(failures)} problems: {shown}{more}", details=details)


@dataclass
class Problems:
    """Collects the refusals of independent checks, so a request is told every problem it has
    (docs/errors.md) instead of the first one alone:

        problems = Problems()
        with problems.check():
            source = await known_source(name)
        problems.raise_any()
    """

    failures: list[ValidationFailed] = field(default_factory=list)

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ValidationFailed as failure:
            self.failures.append(failure)

    def raise_any(self) -> None:
        if self.failures:
            raise ValidationFailed.combining(self.failures)


class Unauthenticated(AppError):
    status = 401
    kind = "unauthenticated"
    code = "SecMaster.20000401"


class PermissionDenied(AppError):
    status = 403
    kind = "permission_denied"
    code = "SecMaster.20010002"


class WorkspaceNotFound(AppError):
    """A workspace (or project) that does not exist or that the caller may not see: the vendor
    answers both with the same 403, so nothing reveals which ids exist."""

    status = 403
    kind = "workspace_not_found"
    code = "SecMaster.20010001"


class NotFound(AppError):
    status = 404
    secmaster_status = 400
    kind = "not_found"
    code = "SecMaster.20030005"


class RouteNotFound(AppError):
    status = 404
    kind = "route_not_found"
    code = "SecMaster.20000404"


class MethodNotAllowed(AppError):
    status = 405
    kind = "method_not_allowed"
    code = "SecMaster.20000405"


class Conflict(AppError):
    status = 409
    kind = "conflict"
    code = "SecMaster.20000409"


class PayloadTooLarge(AppError):
    status = 413
    kind = "payload_too_large"
    code = "SecMaster.20000413"


class TooManyRequests(AppError):
    status = 429
    kind = "too_many_requests"
    code = "SecMaster.20000429"


class ServiceUnavailable(AppError):
    status = 503
    kind = "service_unavailable"
    code = "SecMaster.20000503"


class WorkflowNotFound(NotFound):
    code = "SecMaster.20040611"


class WorkflowVersionNotFound(NotFound):
    code = "SecMaster.20040605"


ERROR_TYPES: tuple[type[AppError], ...] = (
    AppError,
    ValidationFailed,
    Unauthenticated,
    PermissionDenied,
    WorkspaceNotFound,
    NotFound,
    RouteNotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    TooManyRequests,
    ServiceUnavailable,
    WorkflowNotFound,
    WorkflowVersionNotFound,
)
