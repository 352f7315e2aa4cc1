"""The shared rate-limit bucket, on a fake clock: pacing, server feedback, and zero 429s."""

from __future__ import annotations

import math
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainhub.http import (
    HttpPolicy,
    RateLimit,
    RateLimitBucket,
    bucket_for,
    credential_fingerprint,
)
from brainhub.http.ratelimit import IN_FLIGHT_POLL_SECONDS


def make_bucket(clock, requests=3, per=10.0, burst=None) -> RateLimitBucket:
    return RateLimitBucket(RateLimit(requests, per, burst), clock=clock, sleep=clock.sleep)


def send(bucket: RateLimitBucket, clock, count: int) -> list[float]:
    """Acquire and release ``count`` permits; return the clock at each send."""
    sent = []
    for _ in range(count):
        with bucket.acquire():
            sent.append(clock())
    return sent


def test_a_full_burst_leaves_at_once_then_the_window_paces(clock):
    bucket = make_bucket(clock, requests=3, per=10)
    start = clock()
    assert [t - start for t in send(bucket, clock, 7)] == [0, 0, 0, 10, 10, 10, 20]


def test_a_smaller_burst_spreads_requests_at_the_refill_rate(clock):
    bucket = make_bucket(clock, requests=10, per=10, burst=2)
    start = clock()
    offsets = [t - start for t in send(bucket, clock, 5)]
    assert offsets == pytest.approx([0, 0, 1, 2, 3])


def test_permits_report_how_long_they_waited(clock):
    bucket = make_bucket(clock, requests=1, per=5)
    first = bucket.acquire()
    assert first.waited == 0
    first.release()
    clock.advance(1)
    second = bucket.acquire()
    assert second.waited == 4
    second.release()


def test_a_slot_is_held_while_its_request_is_in_flight(clock):
    bucket = make_bucket(clock, requests=1, per=5)
    first = bucket.acquire()
    released = []

    def release_later(seconds: float) -> None:
        clock.sleep(seconds)
        if not released:
            clock.advance(2)  # the response takes 2 s more
            first.release()
            released.append(True)

    bucket._sleep = release_later
    start = clock()
    second = bucket.acquire()
    # polled once, then waited a full window from the first request's completion
    assert clock.sleeps[0] == IN_FLIGHT_POLL_SECONDS
    assert clock() == pytest.approx(start + IN_FLIGHT_POLL_SECONDS + 2 + 5)
    second.release()


def test_server_says_remaining_zero_until_reset(clock):
    bucket = RateLimitBucket(None, clock=clock, sleep=clock.sleep)
    send(bucket, clock, 2)
    bucket.observe(remaining=0, reset_at=clock() + 42)
    start = clock()
    send(bucket, clock, 1)
    assert clock() - start == 42
    assert clock.sleeps == [42]


def test_server_remaining_lower_than_ours_lowers_ours(clock):
    bucket = make_bucket(clock, requests=100, per=60)
    bucket.observe(remaining=2, reset_at=clock() + 30)
    start = clock()
    offsets = [t - start for t in send(bucket, clock, 4)]
    assert offsets == [0, 0, 30, 30]


def test_requests_in_flight_count_against_the_servers_remaining(clock):
    bucket = RateLimitBucket(None, clock=clock, sleep=clock.sleep)
    in_flight = [bucket.acquire(), bucket.acquire()]
    bucket.observe(remaining=2, reset_at=clock() + 10)  # the server has not seen those two yet
    start = clock()
    send(bucket, clock, 1)
    assert clock() - start == 10
    for permit in in_flight:
        permit.release()


def test_late_answers_from_an_old_window_are_ignored(clock):
    bucket = RateLimitBucket(None, clock=clock, sleep=clock.sleep)
    bucket.observe(remaining=5, reset_at=clock() + 60)
    bucket.observe(remaining=0, reset_at=clock() + 5)  # older window, arrived late
    start = clock()
    send(bucket, clock, 1)
    assert clock() == start


def test_stale_or_partial_observations_change_nothing(clock):
    bucket = RateLimitBucket(None, clock=clock, sleep=clock.sleep)
    bucket.observe(remaining=0, reset_at=clock() - 1)
    bucket.observe(remaining=0, reset_at=None)
    bucket.observe(remaining=None, reset_at=clock() + 100)
    send(bucket, clock, 3)
    assert clock.sleeps == []


def test_block_until_holds_every_caller(clock):
    bucket = make_bucket(clock, requests=100, per=1)
    bucket.block_until(clock() + 7)
    bucket.block_until(clock() + 3)  # an earlier moment does not shorten the block
    send(bucket, clock, 1)
    assert clock.sleeps == [7]


def test_without_a_declared_limit_nothing_waits(clock):
    bucket = RateLimitBucket(None, clock=clock, sleep=clock.sleep)
    send(bucket, clock, 1000)
    assert clock.sleeps == []


def max_in_any_window(times: list[float], per: float) -> int:
    """The most sends inside any half-open interval [t, t + per)."""
    times = sorted(times)
    best, left = 0, 0
    for right, moment in enumerate(times):
        while times[left] + per <= moment:
            left += 1
        best = max(best, right - left + 1)
    return best


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    requests=st.integers(min_value=1, max_value=20),
    per=st.sampled_from([0.5, 1.0, 7.0, 60.0]),
    burst=st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
    steps=st.lists(
        st.tuples(st.floats(min_value=0, max_value=30), st.integers(min_value=0, max_value=15)),
        max_size=25,
    ),
)
def test_no_window_of_length_per_ever_holds_more_than_the_limit(clock, requests, per, burst, steps):
    bucket = RateLimitBucket(RateLimit(requests, per, burst), clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    for pause, count in steps:
        clock.advance(pause)
        sent += send(bucket, clock, count)
    assert max_in_any_window(sent, per) <= requests


class FixedWindowAPI:
    """A server counting requests in fixed windows ``[offset + k·per, offset + (k+1)·per)``."""

    def __init__(self, clock, limit: int, per: float, offset: float) -> None:
        self.clock, self.limit, self.per, self.offset = clock, limit, per, offset
        self.counts: dict[int, int] = {}
        self.throttled = 0
        self.lock = threading.Lock()

    def request(self) -> int:
        with self.lock:
            window = math.floor((self.clock() - self.offset) / self.per)
            self.counts[window] = self.counts.get(window, 0) + 1
            if self.counts[window] > self.limit:
                self.throttled += 1
                return 429
            return 200


@pytest.mark.parametrize("offset", [0.0, 0.37, 59.999])
def test_eight_threads_at_full_speed_never_get_a_429(clock, offset):
    policy = HttpPolicy.from_spec({"rate_limit": {"requests": 100, "per": "minute"}})
    api = FixedWindowAPI(clock, limit=100, per=60, offset=clock() + offset)

    def worker() -> None:
        bucket = bucket_for("clickup", "fp", policy, clock=clock, sleep=clock.sleep)
        for _ in range(150):
            with bucket.acquire():
                clock.advance(0.001)  # the request travels
                api.request()
                clock.advance(0.002)  # the response travels back

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.throttled == 0
    assert sum(api.counts.values()) == 1200
    assert max(api.counts.values()) == 100  # and it did run at full speed


def test_buckets_are_shared_per_connector_and_credential():
    per_credential = HttpPolicy.from_spec({"rate_limit": {"requests": 1, "per": 1}})
    per_connector = HttpPolicy.from_spec(
        {"rate_limit": {"requests": 1, "per": 1, "scope": "connector"}}
    )
    assert bucket_for("jira", "a", per_credential) is bucket_for("jira", "a", per_credential)
    assert bucket_for("jira", "a", per_credential) is not bucket_for("jira", "b", per_credential)
    assert bucket_for("jira", "a", per_credential) is not bucket_for("asana", "a", per_credential)
    assert bucket_for("trello", "a", per_connector) is bucket_for("trello", "b", per_connector)


def test_fingerprints_are_stable_short_and_do_not_contain_the_secret():
    token = "pk_12345_SECRETSECRET"
    fingerprint = credential_fingerprint(token)
    assert fingerprint == credential_fingerprint(token)
    assert fingerprint != credential_fingerprint("pk_other")
    assert len(fingerprint) == 16
    assert "SECRET" not in fingerprint
    assert credential_fingerprint("a", "b") != credential_fingerprint("ab")
