"""Register bodies for users: a user as the register shows one, the member list, avatars."""

from __future__ import annotations

import uuid

from pydantic import Field

from socdesk.kit.schemas import ResponseBody
from socdesk.models import User


class RegisterUser(ResponseBody):
    """A user as the register dialect shows one."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    icon: str | None = Field(
        description='Relative path of the avatar, e.g. "users/{id}/avatar?v={hash}"; null if none.'
    )

    @classmethod
    def of(cls, user: User) -> RegisterUser:
        icon = f"users/{user.id}/avatar?v={user.avatar_hash}" if user.avatar_hash else None
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            icon=icon,
        )


class RegisterMember(RegisterUser):
    """A workspace member in the user list: a register User plus whether it may log in (an
    inactive user cannot be assigned incidents)."""

    active: bool

    @classmethod
    def of_member(cls, user: User) -> RegisterMember:
        return cls(**RegisterUser.of(user).model_dump(), active=user.is_active)


class RegisterUserList(ResponseBody):
    users: list[RegisterMember]


class AvatarOwner(ResponseBody):
    """The user whose avatar changed, with the new `icon`."""

    user: RegisterUser
