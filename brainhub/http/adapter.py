"""``PolicyAdapter``: the requests transport adapter that applies an :class:`HttpPolicy`.

Mount it on a stream's ``requests.Session``::

    adapter = PolicyAdapter(policy, "clickup", credential_fingerprint(token),
                            auth_hint="check the api_token setting", stats=stats)
    session.mount("https://", adapter)
    session.mount("http://", adapter)

Each ``send()`` runs: a wait while the circuit is open (see :mod:`brainhub.http.breaker`) →
shared rate-limit bucket → request with the policy's connect/read timeouts (the caller's
``timeout`` argument is ignored) → body read in full, counted as it streams in and refused
beyond the policy's ``max_response_bytes`` (a ``Content-Length`` over it is refused before
reading) → bucket adapted from the response
headers → classification by the error rules → on
``retry``/``throttle`` a wait (exactly what ``Retry-After`` or the reset header says, else
exponential backoff) and another attempt, bounded by ``max_tries`` and ``max_time`` (waits
for the circuit count against ``max_time``). Every wait ends at once when a stop is
requested (:mod:`brainhub.http.stop`), and no request leaves after it.

Outcomes: data is returned (a JSON body already parsed is on ``response.brainhub_json``); a
``skip`` response is returned with ``response.brainhub_skip`` set to its :class:`Verdict`
(see :func:`skip_verdict`); everything else raises a :mod:`brainhub.errors` class whose
message names the connector, method and path (never the query string or headers).

**Endpoint names for metrics**: pass the endpoint template of a request (``/list/{list_id}/task``)
in the ``X-Brainhub-Endpoint`` request header (removed before sending) or set it around the
call with ``with endpoint("/list/{list_id}/task"):``; otherwise the URL path is used.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import requests
from requests.adapters import HTTPAdapter
from singer_sdk import metrics as sdk_metrics

from brainhub.errors import AuthError, CircuitOpenError, FatalAPIError
from brainhub.http import stop
from brainhub.http.backoff import backoff_delay
from brainhub.http.breaker import CircuitBreaker, breaker_for
from brainhub.http.headers import read_rate_limit
from brainhub.http.messages import (
    body_excerpt,
    install_urllib3_redaction,
    path_of,
    redact,
    request_secrets,
    request_target,
    status_text,
)
from brainhub.http.policy import RESPONSE_LIMIT_VARIABLE, HttpPolicy
from brainhub.http.ratelimit import Permit, RateLimitBucket, bucket_for
from brainhub.http.routes import RouteBudgets
from brainhub.http.rules import ResponseClassifier, Verdict, is_json
from brainhub.http.stats import RequestStats

ENDPOINT_HEADER = "X-Brainhub-Endpoint"
METRICS_LOGGER = logging.getLogger("brainhub.metrics")
LOGGER = logging.getLogger("brainhub.http")

_endpoint: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "brainhub_http_endpoint", default=None
)
_TRANSIENT_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@contextlib.contextmanager
def endpoint(template: str) -> Iterator[None]:
    """Name the endpoint (``/list/{list_id}/task``) of the requests sent inside the block."""
    token = _endpoint.set(template)
    try:
        yield
    finally:
        _endpoint.reset(token)


def skip_verdict(response: requests.Response) -> Verdict | None:
    """The verdict of a response the error rules said to skip, or ``None`` for data."""
    return getattr(response, "brainhub_skip", None)


@dataclass
class _Attempt:
    """The outcome of one attempt: a verdict, the response if any, a safe description."""

    verdict: Verdict
    description: str
    response: requests.Response | None = None


class PolicyAdapter(HTTPAdapter):
    """A ``requests`` adapter that applies one connector's HTTP policy (see module docstring).

    The rate-limit bucket and the circuit breaker are shared process-wide per connector (and
    credential, for the bucket); ``bucket`` and ``breaker`` may be passed to use others.
    ``clock`` (epoch seconds), ``sleep`` and ``rng`` are injectable for tests.
    """

    def __init__(
        self,
        policy: HttpPolicy,
        connector: str,
        credential_fingerprint: str,
        auth_hint: str = "",
        stats: RequestStats | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = stop.pause,
        rng: Callable[[], float] = random.random,
        bucket: RateLimitBucket | None = None,
        breaker: CircuitBreaker | None = None,
        **adapter_options: Any,
    ) -> None:
        super().__init__(max_retries=0, **adapter_options)
        self.policy = policy
        self.connector = connector
        self.auth_hint = auth_hint
        self.stats = stats if stats is not None else RequestStats()
        self.bucket = bucket or bucket_for(
            connector, credential_fingerprint, policy, clock=clock, sleep=sleep
        )
        self.breaker = breaker or breaker_for(connector, policy.circuit_breaker, clock=clock)
        self.routes = RouteBudgets(
            policy, connector, credential_fingerprint, clock=clock, sleep=sleep
        )
        self.classifier = ResponseClassifier(policy)
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        install_urllib3_redaction()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Send ``request`` under the policy; see the module docstring for the outcomes."""
        request, endpoint_name = _take_endpoint(request)
        target = request_target(request)
        secrets = request_secrets(request)
        retry = self.policy.retry
        started = self._clock()
        attempt = 0
        while True:
            stop.check()
            self._wait_for_circuit(target, attempt, started)
            attempt += 1
            try:
                outcome = self._attempt(
                    request, endpoint_name, attempt, stream, verify, cert, proxies
                )
            except BaseException:
                self.breaker.abandon_probe()
                raise
            verdict = outcome.verdict
            if verdict.action in ("ok", "skip"):
                self.breaker.record_success()
                return self._deliver(outcome, target)
            if verdict.action in ("fail", "reject", "auth"):
                self.breaker.record_success()  # the API works; this request is wrong
                raise self._fatal(outcome, target, secrets)
            if verdict.action == "throttle":
                self.stats.add_throttle()
                self.breaker.record_success()
            elif self.breaker.record_failure(
                f"{outcome.description} on {_method(request)} {endpoint_name}"
            ):
                self.stats.add_circuit_opening()
                self._log_opening()
            _close(outcome.response)
            wait = self._wait_before_retry(outcome, attempt, target, started)
            LOGGER.info(
                "%s: %s: %s; attempt %d of %d, next in %.1f s",
                self.connector,
                target,
                outcome.description,
                attempt,
                retry.max_tries,
                wait,
            )
            if verdict.action == "throttle":
                self._hold(request, verdict, self._clock() + wait)
            self.stats.add_retry()
            self.stats.add_wait(wait)
            reason = "the rate limit" if verdict.action == "throttle" else "a retry"
            self._wait(wait, reason)

    def _hold(self, request: requests.PreparedRequest, verdict: Verdict, until: float) -> None:
        """After a 429: hold the route's bucket, or every request when the limit was global
        (or the API names no route buckets)."""
        if self.routes.learns_routes and not verdict.global_limit:
            self.routes.hold_route(_method(request), path_of(request.url), until)
        else:
            self.bucket.block_until(until)

    def _acquire(self, request: requests.PreparedRequest) -> tuple[list[Permit], float]:
        """Permits of every bucket the request spends (endpoint, route, connector)."""
        buckets = [*self.routes.buckets_for(_method(request), path_of(request.url)), self.bucket]
        permits: list[Permit] = []
        try:
            for bucket in buckets:
                try:
                    permits.append(
                        bucket.acquire(
                            on_wait=lambda seconds: self.stats.begin_wait(seconds, "the rate limit")
                        )
                    )
                finally:
                    self.stats.end_wait()
        except BaseException:
            for permit in permits:
                permit.release()
            raise
        return permits, sum(permit.waited for permit in permits)

    def _log_opening(self) -> None:
        retry = self.policy.retry
        if self.breaker.outage_openings == 1:
            LOGGER.warning(
                "%s; each request keeps retrying within its budget (%d attempts, %.0f s)",
                self.breaker.describe(),
                retry.max_tries,
                retry.max_time,
            )
        else:
            LOGGER.info(
                "%s: the probe failed; the circuit has been open for %.0f s",
                self.connector,
                self.breaker.open_for(),
            )

    def _wait_for_circuit(self, target: str, attempts: int, started: float) -> None:
        """Wait while the circuit is open, within this request's retry time budget."""
        max_time = self.policy.retry.max_time
        while (wait := self.breaker.admit()) > 0:
            elapsed = self._clock() - started
            if elapsed + wait > max_time:
                tried = f"{attempts} attempt{'s' if attempts != 1 else ''}" if attempts else "none"
                raise CircuitOpenError(
                    f"{self.connector}: {target} gave up after {elapsed:.0f} s "
                    f"(attempts: {tried}): {self.breaker.describe()}; it has been open for "
                    f"{self.breaker.open_for():.0f} s, and waiting {wait:.0f} s more would pass "
                    f"the retry time limit of {max_time:.0f} s. Try again later, or raise the "
                    "max_retry_time setting"
                )
            self.stats.add_wait(wait)
            self._wait(wait, "the circuit breaker")

    def _wait(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds``, the stream's statistics saying what for meanwhile."""
        self.stats.begin_wait(seconds, reason)
        try:
            self._sleep(seconds)
        finally:
            self.stats.end_wait()

    def _attempt(
        self,
        request: requests.PreparedRequest,
        endpoint_name: str,
        attempt: int,
        stream: bool,
        verify: bool | str,
        cert: Any,
        proxies: Any,
    ) -> _Attempt:
        permits, waited = self._acquire(request)
        self.stats.add_wait(waited)
        self.stats.add_request()
        began = time.perf_counter()
        response: requests.Response | None = None
        try:
            response = super().send(
                request,
                stream=True,
                timeout=(self.policy.timeout.connect, self.policy.timeout.read),
                verify=verify,
                cert=cert,
                proxies=proxies,
            )
            content = self._read_body(response)  # all of it, so truncation surfaces here
        except requests.exceptions.SSLError as exc:
            raise FatalAPIError(
                f"{self.connector}: {request_target(request)}: TLS failed: "
                f"{redact(str(exc), request_secrets(request))}"
            ) from None
        except _TRANSIENT_ERRORS as exc:
            _close(response)
            outcome = _Attempt(Verdict("retry"), _describe_exception(exc, request))
        except UnicodeEncodeError:
            hint = self.auth_hint or "check the settings sent in headers"
            raise FatalAPIError(
                f"{self.connector}: {request_target(request)}: a header value holds characters "
                f"an HTTP header cannot carry (only Latin-1 text); {hint}"
            ) from None
        except ValueError as exc:  # a header value http.client refuses
            raise FatalAPIError(
                f"{self.connector}: {request_target(request)}: the request could not be sent "
                f"({type(exc).__name__}: {redact(str(exc), request_secrets(request))})"
            ) from None
        else:
            outcome = self._judge(response, content)
        finally:
            for permit in permits:
                permit.release()
            duration = time.perf_counter() - began
        if outcome.response is not None:
            headers = outcome.response.headers
            snapshot = read_rate_limit(headers, self.policy.rate_limit_headers, self._clock())
            if self.routes.learns_routes:
                method, path = _method(request), path_of(request.url)
                self.routes.observe(method, path, headers, snapshot)
            else:
                self.bucket.observe(snapshot.remaining, snapshot.reset_at)
        self._log_metric(endpoint_name, outcome, attempt, duration)
        return outcome

    def _read_body(self, response: requests.Response) -> bytes:
        """The whole body, within the policy's limit (counted, whatever the headers say)."""
        limit = self.policy.max_response_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            self._too_large(response, f"declares {int(declared)} bytes, over the limit of")
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_content(chunk_size=1 << 16):
            received += len(chunk)
            if received > limit:
                self._too_large(response, "is larger than the limit of")
            chunks.append(chunk)
        content = b"".join(chunks)
        response._content = content  # what response.content and .json() read
        response._content_consumed = True  # type: ignore[attr-defined]
        return content

    def _too_large(self, response: requests.Response, what: str) -> None:
        _close(response)
        target = request_target(response.request)
        raise FatalAPIError(
            f"{self.connector}: {target}: the response body {what} "
            f"{self.policy.max_response_bytes} bytes; nothing of it was used (raise "
            f"{RESPONSE_LIMIT_VARIABLE} if the API really answers this much)"
        )

    def _judge(self, response: requests.Response, content: bytes) -> _Attempt:
        parsed: Any = _UNPARSED
        if 200 <= response.status_code < 300 and is_json(response) and content.strip():
            try:
                parsed = _decode_json(content)
            except ValueError:
                return _Attempt(
                    Verdict("retry"),
                    f"{status_text(response)} with a truncated or invalid JSON body",
                    response,
                )
            response.brainhub_json = parsed  # type: ignore[attr-defined]
        if parsed is _UNPARSED:
            verdict = self.classifier.classify(response, self._clock())
        else:
            verdict = self.classifier.classify(response, self._clock(), body=parsed)
        if verdict.message:
            secrets = request_secrets(response.request)
            verdict = dataclasses.replace(verdict, message=redact(verdict.message, secrets))
        description = status_text(response)
        if verdict.message:
            description = f"{description} ({verdict.message})"
        return _Attempt(verdict, description, response)

    def _deliver(self, outcome: _Attempt, target: str) -> requests.Response:
        response = outcome.response
        assert response is not None
        if outcome.verdict.action == "skip":
            message = outcome.verdict.message or (
                f"{self.connector}: {target} answered {status_text(response)}; "
                "skipped as the connector's error rules say"
            )
            response.brainhub_skip = Verdict("skip", message)  # type: ignore[attr-defined]
        return response

    def _fatal(self, outcome: _Attempt, target: str, secrets: list[str]) -> FatalAPIError:
        response = outcome.response
        assert response is not None
        status = status_text(response)
        excerpt = body_excerpt(response, secrets)
        tail = f"; response: {excerpt}" if excerpt else ""
        _close(response)
        if outcome.verdict.action == "auth":
            hint = self.auth_hint or "check the credential settings"
            return AuthError(
                f"{self.connector}: the API rejected the credentials "
                f"(HTTP {status} on {target}); {hint}{tail}"
            )
        if outcome.verdict.message:
            return FatalAPIError(
                f"{self.connector}: {outcome.verdict.message} (HTTP {status} on {target})"
            )
        return FatalAPIError(f"{self.connector}: {target} failed with HTTP {status}{tail}")

    def _wait_before_retry(
        self, outcome: _Attempt, attempt: int, target: str, started: float
    ) -> float:
        retry = self.policy.retry
        still = "still throttled" if outcome.verdict.action == "throttle" else "failed"
        elapsed = self._clock() - started
        if attempt >= retry.max_tries:
            raise FatalAPIError(
                f"{self.connector}: {target} {still} after {attempt} attempts in "
                f"{elapsed:.0f} s{self._circuit_note()}; last: {outcome.description}. Try "
                f"again later, or raise the max_tries setting (now {retry.max_tries})"
            )
        wait = outcome.verdict.wait
        if wait is None:
            wait = backoff_delay(attempt, retry.backoff, self._rng)
        if elapsed + wait > retry.max_time:
            raise FatalAPIError(
                f"{self.connector}: {target} {still} after {attempt} attempts in {elapsed:.0f} s; "
                f"waiting {wait:.0f} s more would pass the retry time limit of "
                f"{retry.max_time:.0f} s"
                f"{self._circuit_note()}; last: {outcome.description}. Try again later, or "
                "raise the max_retry_time setting"
            )
        return wait

    def _circuit_note(self) -> str:
        open_for = self.breaker.open_for()
        if not open_for:
            return ""
        return f" (the circuit has been open for {open_for:.0f} s, probing the API)"

    def _log_metric(
        self, endpoint_name: str, outcome: _Attempt, attempt: int, duration: float
    ) -> None:
        if not METRICS_LOGGER.isEnabledFor(logging.INFO):
            return
        response = outcome.response
        ok = outcome.verdict.action in ("ok", "skip")
        tags = {
            "endpoint": endpoint_name,
            "http_status_code": response.status_code if response is not None else None,
            "status": "succeeded" if ok else "failed",
            "connector": self.connector,
            "attempt": attempt,
        }
        point = sdk_metrics.Point(
            "timer", sdk_metrics.Metric.HTTP_REQUEST_DURATION, round(duration, 6), tags
        )
        sdk_metrics.log(METRICS_LOGGER, point)


_UNPARSED: Any = object()
_json_decoder = msgspec.json.Decoder()


def _decode_json(content: bytes) -> Any:
    """Parse JSON fast; fall back to the standard library for what msgspec refuses (NaN…)."""
    try:
        return _json_decoder.decode(content)
    except msgspec.DecodeError:
        return json.loads(content)


def _take_endpoint(request: requests.PreparedRequest) -> tuple[requests.PreparedRequest, str]:
    if ENDPOINT_HEADER in request.headers:
        request = request.copy()
        name = str(request.headers.pop(ENDPOINT_HEADER))
        return request, name
    return request, _endpoint.get() or path_of(request.url)


def _method(request: requests.PreparedRequest) -> str:
    return request.method or "GET"


def _describe_exception(exc: Exception, request: requests.PreparedRequest) -> str:
    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "ReadTimeout (no answer within the read timeout)"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "ConnectTimeout (no connection within the connect timeout)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"{kind} (the response body was cut short)"
    text = redact(str(exc), request_secrets(request))
    return f"{kind} ({text[:200]})"


def _close(response: requests.Response | None) -> None:
    if response is not None:
        response.close()
