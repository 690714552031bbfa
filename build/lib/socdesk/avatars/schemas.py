"""Bodies of the avatar routes."""

from __future__ import annotations

from socdesk.iam.schemas import RegisterUser
from socdesk.kit.schemas import ResponseBody


class AvatarOwner(ResponseBody):
    """The user whose avatar changed, with the new `icon`."""

    user: RegisterUser
