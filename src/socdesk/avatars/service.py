"""Who may see and change a user's avatar, and keeping `users.avatar_hash` in step with it."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.avatars.repository import AvatarRepository
from socdesk.avatars.uploads import AvatarUpload
from socdesk.iam.principal import Principal
from socdesk.iam.repository import ProjectUsers
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import NotFound, PermissionDenied
from socdesk.models import User


def avatar_hash(image: bytes) -> str:
    """The version of an image in `icon` URLs and ETags: 16 hex digits of its sha256."""
    return hashlib.sha256(image).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class StoredAvatar:
    image: bytes
    content_type: str
    hash: str


class AvatarService:
    """Avatars of the caller's project: users of other projects do not exist for the caller."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.repo = AvatarRepository(session, principal.project.id)
        self.users = ProjectUsers(session, principal.project.id)

    async def read(self, user_id: uuid.UUID) -> StoredAvatar:
        """The user's image; 404 if they have none or are not of the caller's project."""
        row = await self.repo.image_of(user_id)
        if row is None:
            raise NotFound(f"user {user_id} has no avatar")
        image, content_type, known_hash = row
        return StoredAvatar(image, content_type, known_hash or avatar_hash(image))

    async def replace(self, user: User, upload: AvatarUpload) -> User:
        """Store a new image for a user from `changeable_user`; the updated user."""
        await self.repo.store(user, upload.content_type, upload.image, utcnow())
        user.avatar_hash = avatar_hash(upload.image)
        await self.session.flush()
        return user

    async def remove(self, user_id: uuid.UUID) -> None:
        """Drop the user's image, if any (themself or a project admin)."""
        user = await self.changeable_user(user_id)
        await self.repo.drop(user)
        user.avatar_hash = None
        await self.session.flush()

    async def changeable_user(self, user_id: uuid.UUID) -> User:
        """The user, if the caller may change their avatar: 404 outside the caller's project,
        403 for anyone but the user and project administrators."""
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound(f"no user {user_id} in your project")
        caller = self.principal.user
        if user.id != caller.id and not caller.is_project_admin:
            raise PermissionDenied(
                "only the user themself or a project administrator may change their avatar"
            )
        return user
