"""Register routes for users: `GET /v1/users`, the workspace's members."""

from __future__ import annotations

from fastapi import APIRouter

from socdesk.kit.db import SessionDep
from socdesk.kit.routes import RegisterRoute
from socdesk.register.users.schemas import RegisterMember, RegisterUserList
from socdesk.workspaces.dependencies import RegisterReader
from socdesk.workspaces.service import WorkspaceService

router = APIRouter(prefix="/v1", tags=["Register: users"], route_class=RegisterRoute)


@router.get("/users", summary="The members of the workspace")
async def list_users(scope: RegisterReader, session: SessionDep) -> RegisterUserList:
    members = await WorkspaceService(session).members(scope)
    return RegisterUserList(users=[RegisterMember.of_member(user) for user in members])
