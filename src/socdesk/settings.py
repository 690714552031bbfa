"""Process configuration, read once from the environment (`SOCDESK_*`)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from socdesk.kit.jsonbody import DEFAULT_MAX_DEPTH

PLACEHOLDER_SECRET = "development-only-secret-change-me"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    """Every knob SOCdesk has; defaults run on a laptop with nothing else installed."""

    model_config = SettingsConfigDict(env_prefix="SOCDESK_", extra="forbid")

    environment: Environment = Environment.development
    database_url: str = "sqlite+aiosqlite:///./socdesk.db"
    # Derives AK/SK secrets; rotating it invalidates every access key (see docs/authentication.md).
    secret_key: str = PLACEHOLDER_SECRET
    token_ttl_seconds: int = Field(default=24 * 3600, gt=0)
    # Throttling of password logins: after this many consecutive failures an account is blocked
    # for the first interval, which doubles with each further failure, up to the maximum.
    login_free_failures: int = Field(default=5, ge=1)
    login_first_block_seconds: int = Field(default=1, gt=0)
    login_max_block_seconds: int = Field(default=900, gt=0)
    # How far X-Sdk-Date may be from the server clock; also how long a signed write's signature
    # is remembered to refuse its replay (see docs/authentication.md).
    signature_max_skew_seconds: int = Field(default=15 * 60, gt=0)
    db_pool_size: int = Field(default=10, ge=1)
    log_level: str = "INFO"
    # Largest JSON request body; uploads have import_max_bytes instead.
    max_body_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    # Deepest nesting of arrays and objects in any JSON the server reads: bodies, JSON import
    # files, free-form fields (docs/errors.md). At most 256, so no parser or walk over a value
    # comes near Python's recursion limit.
    json_max_depth: int = Field(default=DEFAULT_MAX_DEPTH, ge=2, le=256)
    # Incident import and export (see docs/import-export.md).
    import_max_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    # Largest file a to-do's attachment may be (`~/soc/attachment/upload`); kept in the database.
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    import_max_rows: int = Field(default=200_000, gt=0)
    import_max_errors: int = Field(default=1000, gt=0)
    # Farthest column an XLSX sheet may reach (the template has 54; room for blank ones).
    import_max_columns: int = Field(default=256, gt=0, le=16384)
    # Bounds the memory an XLSX import takes: its parts' decompressed size, and the sheet's grid
    # at 32 bytes a cell, must each stay under it (RSS grows by at most about 3x this).
    xlsx_max_uncompressed_bytes: int = Field(default=128 * 1024 * 1024, gt=0)
    xlsx_max_compression_ratio: int = Field(default=100, gt=1)
    export_max_rows: int = Field(default=500_000, gt=0)
    # Most alerts one `POST ~/soc/alerts/batch-order` may list (docs/alerts.md); at most 100,000.
    alerts_order_max_ids: int = Field(default=10_000, gt=0, le=100_000)
    # Workflows' HTTP request and webhook actions (docs/configuration.md): the hosts they may
    # call (names, `*.domain`, `*`, addresses, ranges; none by default: every call refused),
    # the wall-clock timeout of a call, the largest response body, the redirects followed.
    automation_http_allowed_hosts: list[str] = Field(default_factory=list)
    automation_http_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    automation_http_max_response_bytes: int = Field(default=1024 * 1024, gt=0)
    automation_http_max_redirects: int = Field(default=3, ge=0, le=10)
    # Largest avatar image a user may upload (PNG or JPEG).
    # Workflow runs (docs/workflows.md, "Runs"): a run over either limit ends FAILED.
    run_max_steps: int = Field(default=1000, ge=1)
    run_timeout_seconds: int = Field(default=3600, ge=1)
    # How long a runner holds a run between two tasks; a run whose runner died is taken again
    # after it.
    run_lease_seconds: int = Field(default=30, ge=1)
    # Most of a run's tasks committed in one transaction with their effects and records
    # (1: a commit after every task); an HTTP action always starts a transaction of its own.
    run_tasks_per_commit: int = Field(default=16, ge=1, le=1000)
    runner_poll_seconds: float = Field(default=0.2, gt=0, le=60)
    # None: in the server process on SQLite, in `socdesk worker` on PostgreSQL.
    runner_in_process: bool | None = None
    avatar_max_bytes: int = Field(default=1024 * 1024, gt=0)

    @model_validator(mode="after")
    def refuse_placeholder_secret(self) -> Settings:
        if (
            self.environment is not Environment.development
            and self.secret_key == PLACEHOLDER_SECRET
        ):
            raise ValueError(
                f"SOCDESK_SECRET_KEY must be set to a real secret in {self.environment.value}"
            )
        if len(self.secret_key) < 16:
            raise ValueError("SOCDESK_SECRET_KEY must be at least 16 characters")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
