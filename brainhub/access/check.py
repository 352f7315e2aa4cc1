"""Authenticate a bearer token, authorize an action, and deny with the right status.

The one call for a request from anywhere but this machine's command line (a web page, an
HTTP API, a webhook receiver's management endpoints), independent of WSGI or ASGI::

    principal = check_request(project_root, authorization_header, "runs.start", source=ip)

returns who is acting, or raises :class:`AccessDenied` with ``status`` 401 (no token, a
malformed one, an unknown or revoked one) or 403 (a valid token whose role is below the
action's), ``headers`` to send (``WWW-Authenticate`` on 401) and ``public_message`` to show.
Every denial is recorded in the audit log as ``access.denied`` with the action, the status,
the reason, the token's name when it is known and ``source`` — never the token or header.

The command line run on the machine acts as :func:`local_admin`: whoever can run brainhub
as the project's OS user can already read its files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brainhub.access.actions import minimum_role
from brainhub.access.roles import Role
from brainhub.access.tokens import TOKEN_FORMAT, TokenStore
from brainhub.audit import AuditLog
from brainhub.audit.log import current_user
from brainhub.errors import BrainhubError

DENIED = "access.denied"


@dataclass(frozen=True)
class Principal:
    """Who is acting: a token's name and role, or the local user as admin."""

    name: str
    role: Role
    via: str  #: ``token`` or ``local``

    def may(self, action: str) -> bool:
        """Whether this principal's role allows ``action``."""
        return self.role >= minimum_role(action)


def local_admin() -> Principal:
    """The command line on the machine: the OS user, with every right."""
    return Principal(f"local:{current_user()}", Role.ADMIN, "local")


@dataclass(eq=False)
class AccessDenied(BrainhubError):  # noqa: N818 (a denial, answered, not a failure)
    """A request that may not proceed: answer ``status`` with ``public_message`` and ``headers``."""

    status: int
    reason: str
    action: str
    token_name: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.public_message)

    @property
    def public_message(self) -> str:
        """What the caller is told (no detail of stored tokens)."""
        if self.status == 401:
            return f"authentication required for {self.action}: {self.reason}"
        return f"forbidden: {self.reason}"

    def __str__(self) -> str:
        return self.public_message


def _unauthenticated(action: str, reason: str, error: str) -> AccessDenied:
    challenge = f'Bearer realm="brainhub", error="{error}"' if error else 'Bearer realm="brainhub"'
    return AccessDenied(401, reason, action, headers={"WWW-Authenticate": challenge})


def authenticate(project_root: Path, authorization: str | None, action: str = "") -> Principal:
    """The principal of an ``Authorization: Bearer <token>`` header; AccessDenied (401) if none."""
    if not authorization or not authorization.strip():
        raise _unauthenticated(action, "no token (send Authorization: Bearer <token>)", "")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not TOKEN_FORMAT.fullmatch(token):
        raise _unauthenticated(
            action,
            "malformed credentials (expected Authorization: Bearer bht_…)",
            "invalid_request",
        )
    store = TokenStore(project_root)
    record = store.find(token)
    if record is None:
        raise _unauthenticated(action, "unknown or revoked token", "invalid_token")
    store.mark_used(record)
    return Principal(record.name, record.role, "token")


def authorize(principal: Principal, action: str) -> None:
    """Nothing if ``principal`` may take ``action``; AccessDenied (403) if its role is too low."""
    needed = minimum_role(action)
    if principal.role < needed:
        raise AccessDenied(
            403,
            f"{action} needs the {needed.label} role; token {principal.name!r} is "
            f"{principal.role.label}",
            action,
            token_name=principal.name,
        )


def check_request(
    project_root: Path, authorization: str | None, action: str, *, source: str = ""
) -> Principal:
    """Authenticate the header and authorize ``action``; every denial is audited, then raised.

    Args:
        project_root: The Meltano project whose tokens and audit log to use.
        authorization: The request's ``Authorization`` header value (None when absent).
        action: A declared action (:data:`brainhub.access.actions.ACTIONS`).
        source: Where the request came from (a remote address), for the audit entry.

    Raises:
        AccessDenied: ``status`` 401 or 403; send ``headers`` and ``public_message``.
        KeyError: ``action`` is not declared (a programming error).
    """
    minimum_role(action)  # an undeclared action fails loudly, never as a denial
    try:
        principal = authenticate(project_root, authorization, action)
        authorize(principal, action)
    except AccessDenied as denied:
        detail: dict[str, object] = {"status": denied.status, "reason": denied.reason}
        if denied.token_name:
            detail["token"] = denied.token_name
        if source:
            detail["source"] = source
        AuditLog.of_project(project_root).record(DENIED, action, detail=detail)
        raise
    return principal
