"""Slack's rate-limit tiers: each Web API method is limited per minute on its own.

Tier 2 allows 20+ requests per minute (``conversations.list``, ``users.list``), tier 3
50+ (``conversations.history``, ``conversations.replies``), tier 4 100+ (``auth.test``).
:class:`TieredRateLimiter` keeps one fixed window per (tier, token): the emulator keys its
requests as ``"<tier>|<token>"``.
"""

from __future__ import annotations

from brainhub.sandbox.ratelimit import Clock, FixedWindowRateLimiter, RateLimitDecision

TIER_LIMITS = {2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "auth.test": 4,
    "conversations.list": 2,
    "users.list": 2,
    "conversations.history": 3,
    "conversations.replies": 3,
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
