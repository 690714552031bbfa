"""The workspace's SecMaster path, for the indicator and vulnerability route tests."""

from __future__ import annotations

from tests.secmaster.objects.conftest import soc  # noqa: F401  (a fixture)
