"""Avatar queries. An image belongs to a user, so it is a project's through its user: every
lookup is bound to the caller's project."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete

from socdesk.kit.repository import ProjectScoped
from socdesk.kit.upsert import insert_for
from socdesk.models import User, UserAvatar


class AvatarRepository(ProjectScoped[User]):
    model = User

    async def image_of(self, user_id: uuid.UUID) -> tuple[bytes, str, str | None] | None:
        """The user's image, its content type and the hash on record; None if they have no
        image or are not of this project."""
        row = (
            await self.session.execute(
                self.select(UserAvatar.image, UserAvatar.content_type, User.avatar_hash)
                .join(User, User.id == UserAvatar.user_id)
                .where(User.id == user_id)
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def store(self, user: User, content_type: str, image: bytes, at: datetime) -> None:
        """Set the image of `user` (one of this project's, already looked up)."""
        statement = insert_for(self.session, UserAvatar).values(
            user_id=user.id, content_type=content_type, image=image, created_at=at, updated_at=at
        )
        # An upsert, so two uploads at once leave one of them rather than a key violation.
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[UserAvatar.user_id],
                set_={
                    "content_type": statement.excluded.content_type,
                    "image": statement.excluded.image,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    async def drop(self, user: User) -> None:
        """Remove the image of `user` (one of this project's, already looked up), if any."""
        await self.session.execute(delete(UserAvatar).where(UserAvatar.user_id == user.id))
