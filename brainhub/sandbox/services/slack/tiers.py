"""Slack's rate-limit tiers: each Web API method is limited per minute on its own.

Tier 2 allows 20+ requests per minute (team-wide listings: ``conversations.list``,
``users.list``, ``usergroups.list``…), tier 3 50+ (one conversation or object:
``conversations.history``, ``conversations.replies``, ``team.info``…), tier 4 100+ (cheap
lookups: ``auth.test``, ``users.info``, ``conversations.members``…), as Slack's method
pages list them.
:class:`TieredRateLimiter` keeps one fixed window per (tier, token): the emulator keys its
requests as ``"<tier>|<token>"``.
"""

from __future__ import annotations

from brainhub.sandbox.ratelimit import Clock, FixedWindowRateLimiter, RateLimitDecision

TIER_LIMITS = {2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    # tier 2: listings of a whole team
    "conversations.list": 2,
    "users.list": 2,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
    "emoji.list": 2,
    "pins.list": 2,
    "reactions.list": 2,
    "reminders.list": 2,
    "search.messages": 2,
    "dnd.teamInfo": 2,
    "files.remote.list": 2,
    "team.accessLogs": 2,
    "team.billableInfo": 2,
    "team.integrationLogs": 2,
    # tier 3: reads of one object or conversation
    "conversations.history": 3,
    "conversations.replies": 3,
    "conversations.info": 3,
    "users.conversations": 3,
    "users.lookupByEmail": 3,
    "users.getPresence": 3,
    "users.identity": 3,
    "team.info": 3,
    "team.profile.get": 3,
    "bots.info": 3,
    "dnd.info": 3,
    "files.list": 3,
    "files.remote.info": 3,
    "reactions.get": 3,
    "stars.list": 3,
    "reminders.info": 3,
    # tier 4: cheap lookups
    "auth.test": 4,
    "api.test": 4,
    "users.info": 4,
    "users.profile.get": 4,
    "conversations.members": 4,
    "files.info": 4,
    "chat.getPermalink": 4,
    "chat.scheduledMessages.list": 3,
    "calls.info": 3,
    # writes (chat.postMessage is also limited per channel: see posting_limit.py)
    "chat.postMessage": 4,
    "chat.update": 3,
    "chat.delete": 3,
    "reactions.add": 3,
    "reactions.remove": 2,
}


class TieredRateLimiter(FixedWindowRateLimiter):
    """Windows per tier and token; ``override`` gives every tier one limit.

    ``limit`` is the tier-3 limit (the methods a sync calls most).
    """

    def __init__(self, override: int, window_s: float, clock: Clock) -> None:
        self._tiers = {
            tier: FixedWindowRateLimiter(override or limit, window_s, clock)
            for tier, limit in TIER_LIMITS.items()
        }
        super().__init__(self._tiers[3].limit, window_s, clock)

    def limit_of(self, method: str) -> int:
        """Requests per window allowed for one Web API method."""
        return self._tiers[METHOD_TIERS.get(method, 3)].limit

    def hit(self, key: str) -> RateLimitDecision:
        """Count a request keyed ``"<tier>|<token>"``."""
        tier, _, token = key.partition("|")
        return self._tiers[int(tier) if tier.isdigit() else 3].hit(token)

    def peek(self, key: str) -> RateLimitDecision:
        tier, _, token = key.partition("|")
        return self._tiers[int(tier) if tier.isdigit() else 3].peek(token)


def tier_of(method: str) -> int:
    """The tier of a Web API method (tier 3 for methods not listed)."""
    return METHOD_TIERS.get(method, 3)
