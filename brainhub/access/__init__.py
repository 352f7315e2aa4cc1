"""Who may do what: roles, API tokens, and the check every remote entry point makes.

- :mod:`~brainhub.access.roles` — ``viewer`` < ``operator`` < ``admin``;
- :mod:`~brainhub.access.actions` — the declared table of actions → the least role allowed;
- :mod:`~brainhub.access.tokens` — API tokens: random, shown once, stored as SHA-256 only;
- :mod:`~brainhub.access.check` — authenticate a bearer token, authorize an action, and
  :func:`check_request`, the one call a web page or receiver makes per request::

      from brainhub.access import AccessDenied, check_request

      try:
          principal = check_request(project_root, environ.get("HTTP_AUTHORIZATION"), "runs.read")
      except AccessDenied as denied:
          return respond(denied.status, denied.public_message, denied.headers)

  Every denial is recorded in the audit log (``access.denied``). On the machine itself the
  command line acts as :func:`~brainhub.access.check.local_admin`; remote callers need a token.
"""

from brainhub.access.actions import ACTIONS, minimum_role
from brainhub.access.check import (
    AccessDenied,
    Principal,
    authenticate,
    authorize,
    check_request,
    local_admin,
)
from brainhub.access.roles import Role
from brainhub.access.tokens import TokenStore

__all__ = [
    "ACTIONS",
    "AccessDenied",
    "Principal",
    "Role",
    "TokenStore",
    "authenticate",
    "authorize",
    "check_request",
    "local_admin",
    "minimum_role",
]
