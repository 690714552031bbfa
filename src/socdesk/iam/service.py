"""Authentication: password logins, bearer tokens, API keys and AK/SK signatures."""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam import secrets, signing
from socdesk.iam.principal import AuthMethod, Principal, WorkspaceAccess
from socdesk.iam.repository import IdentityRepository, ProjectUsers
from socdesk.iam.schemas import NamedRef, PasswordUser, TokenRequest
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import NotFound, TooManyRequests, Unauthenticated
from socdesk.models import AccessKey, AuthToken, Project, TokenKind, User
from socdesk.settings import Settings

# One message for every refused credential, so a caller learns nothing about which part failed.
REFUSED = "the credentials were not accepted"
TOKEN_REFUSED = "the token is not valid"
REPLAYED = "this signed request was received before: a replay is refused; sign each request anew"


class _Every:
    """Due at most once per `seconds` in this process: for housekeeping that any one of many
    API processes may do."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.next_at = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self.next_at:
            return False
        self.next_at = now + self.seconds
        return True


# Expired spent signatures are deleted in bulk, at most once a minute per process.
_purge_spent = _Every(60.0)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    value: str
    record: AuthToken
    user: User
    project: Project


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The parts of an HTTP request that an SDK-HMAC-SHA256 signature covers."""

    method: str
    path: str
    raw_query: str
    headers: dict[str, str]
    # None for a multipart upload declared UNSIGNED-PAYLOAD, whose body is not read here.
    body: bytes | None
    # A POST, PUT, PATCH or DELETE to a route not marked reads_only: accepted once.
    writes: bool


def _throttle_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _uuid_hex(text: str | None) -> str | None:
    """The 32-hex form of a UUID in any spelling Python reads (dashes, braces, urn:uuid:, any
    case), or None if `text` is no UUID."""
    try:
        return uuid.UUID(text).hex if text else None
    except ValueError:
        return None


def _ref_spelling(ref: NamedRef) -> str:
    """A project reference that names no project, in one form per project it could name."""
    return _uuid_hex(ref.id) or "name:" + (ref.name or ref.id or "")


@dataclass(frozen=True, slots=True)
class LoginTarget:
    """What a login body resolves to: the user and project if they exist and agree, and the
    throttle key of the account it names, one key whatever spelling names it."""

    user: User | None
    project: Project | None
    throttle_key: str


def _refuse_dead(token: AuthToken, user: User) -> None:
    """Unauthenticated for a token revoked or expired, or whose user is deactivated."""
    expired = token.expires_at is not None and token.expires_at <= utcnow()
    if token.revoked_at or expired or not user.is_active:
        raise Unauthenticated(TOKEN_REFUSED)


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        throttle_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.repo = IdentityRepository(session)
        # Failed logins and spent signatures of uploads are recorded in their own transaction:
        # the request's may be rolled back.
        self.throttle_sessions = throttle_sessions

    async def login(self, body: TokenRequest) -> IssuedToken:
        """Check a Keystone password body and issue a session token for its project."""
        claimed = body.auth.identity.password.user
        project_ref = body.auth.scope.project if body.auth.scope else None
        target = await self._resolve_login(claimed, project_ref)
        await self._refuse_while_blocked(target.throttle_key)

        user, project = target.user, target.project
        valid = secrets.verify_password(user.password_hash if user else None, claimed.password)
        if not (valid and user and project and user.is_active):
            await self._record_failure(target.throttle_key)
            raise Unauthenticated(REFUSED)
        await self.repo.clear_throttle(target.throttle_key)
        return await self.issue_session_token(user, project)

    async def _resolve_login(
        self, claimed: PasswordUser, project_ref: NamedRef | None
    ) -> LoginTarget:
        """Find the account a login names. The throttle key is the user's id when the account
        exists, else the project (its id when it exists) and the lower-cased user name: so every
        spelling of one account shares one key, and a guesser is slowed down the same way
        whether the account exists or not."""
        refs = [ref for ref in (claimed.domain, project_ref) if ref is not None]
        projects = [await self._project_from_ref(ref.id, ref.name) for ref in refs]
        user, project = await self._find_login_user(claimed.name, claimed.id, projects)
        if user is not None:
            return LoginTarget(user, project, _throttle_key("user", user.id.hex))
        if projects and projects[0] is not None:
            project_part = projects[0].id.hex
        else:
            project_part = _ref_spelling(refs[0]) if refs else ""
        user_part = (claimed.name or "").lower() or _uuid_hex(claimed.id) or claimed.id or ""
        return LoginTarget(None, None, _throttle_key("name", project_part, user_part))

    async def _find_login_user(
        self, email: str | None, user_id: str | None, projects: list[Project | None]
    ) -> tuple[User | None, Project | None]:
        if any(p is None for p in projects) or len({p.id for p in projects if p}) > 1:
            return None, None
        project = projects[0] if projects else None
        user = None
        if user_id:
            user = await self._user_by_id_text(user_id)
            if user and email and user.email != email.lower():
                user = None
        elif email and project:
            user = await ProjectUsers(self.session, project.id).by_email(email)
        if user is None or (project is not None and user.project_id != project.id):
            return None, None
        return user, project or await self.repo.project_by_id(user.project_id)

    async def _project_from_ref(self, ref_id: str | None, name: str | None) -> Project | None:
        if ref_id:
            project_hex = _uuid_hex(ref_id)
            if project_hex is None:
                return None
            project = await self.repo.project_by_id(uuid.UUID(project_hex))
            return project if project and (not name or project.name == name) else None
        return await self.repo.project_by_name(name or "")

    async def _user_by_id_text(self, text: str) -> User | None:
        user_hex = _uuid_hex(text)
        return await self.repo.user_by_id(uuid.UUID(user_hex)) if user_hex else None

    async def _refuse_while_blocked(self, key: str) -> None:
        throttle = await self.repo.throttle(key)
        now = utcnow()
        if throttle and throttle.blocked_until and throttle.blocked_until > now:
            wait = int((throttle.blocked_until - now).total_seconds()) + 1
            raise TooManyRequests(
                f"too many failed logins; try again in {wait} seconds",
                headers={"Retry-After": str(wait)},
            )

    async def _record_failure(self, key: str) -> None:
        if self.throttle_sessions is None:
            return
        async with self.throttle_sessions.begin() as session:
            repo = IdentityRepository(session)
            failures = await repo.count_failure(key)
            over = failures - self.settings.login_free_failures
            if over >= 0:
                first = self.settings.login_first_block_seconds
                # The exponent is capped so a long run of failures never builds a huge number.
                seconds = min(first * 2 ** min(over, 40), self.settings.login_max_block_seconds)
                await repo.block_login(key, utcnow() + timedelta(seconds=seconds))

    async def _issue(
        self, user: User, project: Project, kind: TokenKind, name: str, ttl: timedelta | None
    ) -> IssuedToken:
        prefix = (
            secrets.SESSION_TOKEN_PREFIX if kind is TokenKind.session else secrets.API_KEY_PREFIX
        )
        value = secrets.new_bearer_token(prefix)
        now = utcnow()
        record = AuthToken(
            token_hash=secrets.hash_bearer_token(value),
            kind=kind,
            name=name,
            user_id=user.id,
            project_id=project.id,
            issued_at=now,
            expires_at=now + ttl if ttl else None,
        )
        self.session.add(record)
        await self.session.flush()
        return IssuedToken(value, record, user, project)

    async def issue_session_token(self, user: User, project: Project) -> IssuedToken:
        """A session token for a user already known to be who they are (CLI, demo)."""
        ttl = timedelta(seconds=self.settings.token_ttl_seconds)
        return await self._issue(user, project, TokenKind.session, "", ttl)

    async def token_owner(self, value: str) -> tuple[AuthToken, User, Project]:
        """The live token `value` and its owner; Unauthenticated if it is unknown, expired,
        revoked or its user deactivated."""
        found = await self.repo.token_with_owner(secrets.hash_bearer_token(value))
        if found is None:
            raise Unauthenticated(TOKEN_REFUSED)
        token, user, project = found
        _refuse_dead(token, user)
        return token, user, project

    async def principal_for_token(
        self, value: str, workspace_id: uuid.UUID | None = None
    ) -> Principal:
        """The live token's owner, with their access to the workspace `workspace_id` (their
        default workspace when None) read in the same query; Unauthenticated as `token_owner`."""
        found = await self.repo.token_with_access(secrets.hash_bearer_token(value), workspace_id)
        if found is None:
            raise Unauthenticated(TOKEN_REFUSED)
        token, user, project, workspace, role = found
        _refuse_dead(token, user)
        method = AuthMethod.api_key if token.kind is TokenKind.api_key else AuthMethod.token
        access = WorkspaceAccess(workspace_id, workspace, role)
        return Principal(user, project, method, token.id, access)

    async def principal_for_signature(
        self, request: SignedRequest, authorization: str
    ) -> Principal:
        """Verify an SDK-HMAC-SHA256 signed request and return the access key's owner; a signed
        write (POST, PUT, PATCH, DELETE) is accepted once, its replay is refused."""
        claim = signing.parse_authorization(authorization)
        signing.check_signed_headers(claim, has_body=request.body is None or bool(request.body))
        signed_at = signing.parse_signing_date(
            request.headers.get("x-sdk-date"), utcnow(), self.settings.signature_max_skew_seconds
        )
        found = await self.repo.access_key_with_owner(claim.access_key)
        # Derive a secret even for an unknown key, so both paths cost the same.
        key, user, project = found if found else (None, None, None)
        secret = secrets.derive_secret_key(
            self.settings.secret_key, claim.access_key, key.salt if key else "unknown"
        )
        canonical = signing.canonical_request(
            method=request.method,
            path=request.path,
            raw_query=request.raw_query,
            headers=request.headers,
            signed_headers=claim.signed_headers,
            payload_hash=signing.payload_hash(
                request.body, request.headers.get("x-sdk-content-sha256")
            ),
        )
        signing.verify_signature(claim, secret, request.headers["x-sdk-date"], canonical)
        if key is None or user is None or project is None or key.revoked_at or not user.is_active:
            raise Unauthenticated(signing.ALGORITHM + " " + REFUSED)
        if request.writes:
            await self._spend_signature(claim, signed_at, unsigned_body=request.body is None)
        return Principal(user, project, AuthMethod.access_key)

    async def _spend_signature(
        self, claim: signing.SignatureClaim, signed_at: datetime, *, unsigned_body: bool
    ) -> None:
        """Remember the signature until its date leaves the window (a request with that date
        is refused from then on anyway); Unauthenticated if it was used before.

        A hashed request spends its signature in the request's own transaction: if the request
        fails and is rolled back, sending it again does what the first attempt would have. An
        upload whose body is not signed spends it at once in its own transaction, whatever
        happens next, since its signature does not pin the body it may be resent with."""
        expires_at = signed_at + timedelta(seconds=self.settings.signature_max_skew_seconds)
        spent_key = signing.spent_key(claim)
        if self.throttle_sessions is not None and _purge_spent.due():
            async with self.throttle_sessions.begin() as session:
                await IdentityRepository(session).purge_spent_signatures(utcnow())
        if unsigned_body and self.throttle_sessions is not None:
            async with self.throttle_sessions.begin() as session:
                fresh = await IdentityRepository(session).spend_signature(spent_key, expires_at)
        else:
            fresh = await self.repo.spend_signature(spent_key, expires_at)
        if not fresh:
            raise Unauthenticated(REPLAYED)

    async def revoke_token(self, caller: Principal, value: str) -> None:
        """Revoke a token the caller owns (or any token of their project, for a project admin)."""
        token, user, _ = await self._visible_token(caller, value)
        await self.repo.revoke_token(token.id, utcnow())

    async def validate_subject(
        self, caller: Principal, value: str
    ) -> tuple[AuthToken, User, Project]:
        """The token `value` as the caller may see it (Keystone's GET /v3/auth/tokens)."""
        return await self._visible_token(caller, value)

    async def _visible_token(
        self, caller: Principal, value: str
    ) -> tuple[AuthToken, User, Project]:
        try:
            token, user, project = await self.token_owner(value)
        except Unauthenticated:
            raise NotFound("the subject token is not valid") from None
        if user.id != caller.user.id and not (
            caller.user.is_project_admin and project.id == caller.project.id
        ):
            raise NotFound("the subject token is not valid")
        return token, user, project

    async def create_api_key(
        self, user: User, project: Project, name: str, expires_in_days: int | None
    ) -> IssuedToken:
        """A long-lived bearer token for automation; its value is returned once."""
        ttl = timedelta(days=expires_in_days) if expires_in_days else None
        return await self._issue(user, project, TokenKind.api_key, name, ttl)

    async def list_api_keys(self, user: User) -> list[AuthToken]:
        return list(await self.repo.api_keys_of(user.id))

    async def revoke_api_key(self, user: User, key_id: uuid.UUID) -> None:
        keys = {k.id: k for k in await self.repo.api_keys_of(user.id)}
        if key_id not in keys:
            raise NotFound(f"no API key {key_id}")
        await self.repo.revoke_token(key_id, utcnow())

    async def create_access_key(self, user: User) -> tuple[AccessKey, str]:
        """A new AK/SK pair; the SK is returned once and never stored."""
        access_key, salt = secrets.new_access_key()
        record = AccessKey(
            access_key=access_key, salt=salt, user_id=user.id, project_id=user.project_id
        )
        self.session.add(record)
        await self.session.flush()
        return record, secrets.derive_secret_key(self.settings.secret_key, access_key, salt)

    async def list_access_keys(self, user: User) -> list[AccessKey]:
        return list(await self.repo.access_keys_of(user.id))

    async def revoke_access_key(self, user: User, access_key: str) -> None:
        for key in await self.repo.access_keys_of(user.id):
            if key.access_key == access_key:
                key.revoked_at = key.revoked_at or utcnow()
                await self.session.flush()
                return
        raise NotFound(f"no access key {access_key}")
