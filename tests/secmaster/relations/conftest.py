"""The data-object routes' fixtures (`soc`), shared."""

from tests.secmaster.objects.conftest import soc

__all__ = ["soc"]
