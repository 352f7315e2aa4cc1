"""The declared table of actions and the least role allowed to take each.

Entry points name the action they are about to take (``check_request(…, "runs.start")``);
an action missing from the table is a programming error, never silently allowed. A new
surface adds its actions here, so the table stays the one place that says who may do what.
"""

from __future__ import annotations

from types import MappingProxyType

from brainhub.access.roles import Role

#: action → the least role allowed to take it.
ACTIONS = MappingProxyType(
    {
        # viewer: read what happened
        "status.read": Role.VIEWER,
        "runs.read": Role.VIEWER,
        "pages.read": Role.VIEWER,
        # operator: act on runs and syncs
        "runs.start": Role.OPERATOR,
        "runs.pause": Role.OPERATOR,
        "runs.resume": Role.OPERATOR,
        "conflicts.resolve": Role.OPERATOR,
        # admin: change what runs and who may act
        "secrets.manage": Role.ADMIN,
        "config.change": Role.ADMIN,
        "tokens.manage": Role.ADMIN,
        "users.manage": Role.ADMIN,
    }
)


def minimum_role(action: str) -> Role:
    """The least role allowed to take ``action``; a KeyError lists the declared actions."""
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(
            f"undeclared action {action!r}; declare it in brainhub.access.actions.ACTIONS "
            f"(declared: {', '.join(sorted(ACTIONS))})"
        ) from None
