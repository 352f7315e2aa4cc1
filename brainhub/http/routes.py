"""Budgets a request spends besides its connector's: per-endpoint limits and per-route buckets.

**Endpoint limits** (``http.rate_limit.endpoints``) are declared: requests whose path ends
like a pattern share a budget of their own (Slack's per-method tiers, Discord's five
messages per five seconds in a channel), paced like the connector's budget.

**Route buckets** are learned (``http.rate_limit.headers.bucket``): an API that names the
bucket of each route in a header (Discord's ``X-RateLimit-Bucket``) reports the budget
headers for that bucket, not for the connector. Each route (method and path) starts in a
bucket of its own; once an answer names its bucket, every route naming the same bucket for
the same major resource (the first numeric segment of the path: a channel, a guild, a
webhook, as Discord keys its limits) shares one budget, adapted to what the server reports.
A 429 holds only that bucket, unless it was the API-wide (``global``) limit, which holds the
connector's bucket: every request waits.

Both are shared process-wide per connector and credential, like the connector's bucket.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from brainhub.http import stop
from brainhub.http.headers import RateLimitSnapshot
from brainhub.http.policy import HttpPolicy
from brainhub.http.ratelimit import (
    Clock,
    RateLimitBucket,
    Sleep,
    shared_bucket,
    shared_route_map,
)


class RouteBudgets:
    """The endpoint limits and route buckets of one connector and credential."""

    def __init__(
        self,
        policy: HttpPolicy,
        connector: str,
        fingerprint: str,
        *,
        clock: Clock = time.time,
        sleep: Sleep = stop.pause,
    ) -> None:
        self._owner = (connector, fingerprint)
        self._clock = clock
        self._sleep = sleep
        self._endpoints = [
            (
                limit,
                shared_bucket(
                    ("endpoint", *self._owner, str(n)), limit.limit, clock=clock, sleep=sleep
                ),
            )
            for n, limit in enumerate(policy.endpoint_limits)
        ]
        self._bucket_header = policy.rate_limit_headers.bucket
        self._routes = shared_route_map(connector, fingerprint)

    @property
    def learns_routes(self) -> bool:
        """Whether the budget headers describe route buckets (not the connector's budget)."""
        return self._bucket_header is not None

    def buckets_for(self, method: str, path: str) -> list[RateLimitBucket]:
        """The buckets a request spends besides the connector's, in the order to take them."""
        buckets = [bucket for limit, bucket in self._endpoints if limit.matches(method, path)]
        if self.learns_routes:
            buckets.append(self._route_bucket(_route(method, path)))
        return buckets

    def observe(
        self, method: str, path: str, headers: Mapping[str, str], snapshot: RateLimitSnapshot
    ) -> None:
        """Learn the route's bucket from an answer and adapt that bucket to its budget."""
        if self._bucket_header is None:
            return
        route = _route(method, path)
        name = (headers.get(self._bucket_header) or "").strip()
        if name:
            self._routes[route] = f"{name} {_major(path)}"
        self._route_bucket(route).observe(snapshot.remaining, snapshot.reset_at)

    def hold_route(self, method: str, path: str, until: float) -> None:
        """Hold every request of the route's bucket until ``until`` (after its 429)."""
        self._route_bucket(_route(method, path)).block_until(until)

    def _route_bucket(self, route: str) -> RateLimitBucket:
        name = self._routes.get(route, route)
        return shared_bucket(
            ("route", *self._owner, name), None, clock=self._clock, sleep=self._sleep
        )


def _route(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _major(path: str) -> str:
    """The first numeric segment of a path: the resource a vendor keys route limits by."""
    return next((part for part in path.split("/") if part.isascii() and part.isdigit()), "")
