"""The base class of every vendor emulator, on werkzeug.

An emulator answers HTTP requests the way one vendor's API does: same paths, envelopes,
pagination, auth failures, rate-limit headers and 429s. The base class runs the request
pipeline; a subclass supplies the vendor's knowledge through class attributes and hooks:

=========================  ===============================================================
``service``                our service name (``"clickup"``); the registry key
``base_path``              the API prefix every route sits under (``"/api/v2"``)
``routes``                 werkzeug ``Rule`` objects; each ``endpoint`` names a method
                           ``(self, request, **url_values) -> Response | dict | list``;
                           a handler may also ``werkzeug.exceptions.abort(response)``
``size_names``             the named dataset sizes (``tiny``, ``demo``, ``large``)
``default_rate_limit``     the vendor's documented requests per window (0 = unlimited)
``rate_limit_window_s``    the window length in seconds
``merges_slashes``         whether the vendor's servers read ``//`` in a path as ``/``
``make_rate_limiter()``    the limiter for ``(requests, window)`` (Slack: one per tier)
``load()``                 build the dataset for ``(seed, size, generation)``
``credentials``            the settings our tap needs, keyed by the tap's setting names
``counts()``               records per stream a default sync extracts
``changes(since)``         what changed between two generations (for ``mutate``); every
                           generation also deletes records the vendor's way, counted as
                           ``<stream>_deleted``
``authenticate()``         ``None`` when the request may proceed, else the vendor's error
``answer_outside_routes``  a response before routing and auth (the kit's OAuth endpoint)
``rate_limit_headers()``   the headers the vendor sends with a ``RateLimitDecision``
``throttled_response()``   the vendor's 429 (or 403…) when a caller is over the limit
``not_found_response()``   the vendor's answer to an unknown route
``server_error_response``  the vendor's 500 body (502/503 default to a gateway page)
``dispatch()``             how a matched route's endpoint is called (the kit adds shaped
                           operations answered from documented schemas)
``dress()``                the vendor's HTTP manners on every response (content type, gzip)
=========================  ===============================================================

Pipeline for each request: reload the stored generation if it changed (when following
the state file) → optional latency → route match (else ``not_found_response``) →
``authenticate`` → rate limiter keyed by ``credential_key`` → fault draw → handler →
rate-limit headers → ``dress`` → request log (credentials hidden: see
:mod:`brainhub.sandbox.request_log`).

Writing an emulator::

    from werkzeug.routing import Rule
    from brainhub.sandbox import Emulator

    class PetsEmulator(Emulator):
        service = "pets"
        base_path = "/v1"
        default_rate_limit = 60
        routes = [Rule("/pets", endpoint="list_pets", methods=["GET"])]

        def load(self):
            rng = self.rng("pets")
            self.pets = [{"id": i, "name": f"pet {rng.randint(1, 99)}"} for i in range(5)]

        @property
        def credentials(self):
            return {"api_key": f"key-{self.seed}"}

        def counts(self):
            return {"pets": len(self.pets)}

        def authenticate(self, request):
            if request.headers.get("X-Api-Key") != self.credentials["api_key"]:
                return self.json_response({"error": "bad key"}, status=401)
            return None

        def list_pets(self, request):
            return {"pets": self.pets}

Put it in ``brainhub/sandbox/services/pets/`` with ``EMULATOR = PetsEmulator`` in the
package ``__init__``; then ``brainhub sandbox serve pets`` works, and tests use it
in-process through ``werkzeug.test.Client(emulator)`` or on a port through ``serve``.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule, Submount
from werkzeug.wrappers import Request, Response

from brainhub.errors import EmulatorError
from brainhub.redaction import is_secret_name
from brainhub.sandbox import state
from brainhub.sandbox.faults import (
    FaultPolicy,
    gateway_error_response,
    parse_fault_kinds,
    reset_connection,
    truncate_response,
)
from brainhub.sandbox.ratelimit import Clock, FixedWindowRateLimiter, RateLimitDecision, parse_rate
from brainhub.sandbox.request_log import LoggedRequest, logged_request

#: Seconds a client is told to wait after an injected 429 fault.
FAULT_RETRY_AFTER_S = 1

_DOUBLED_SLASHES = re.compile(r"/{2,}")


class Emulator:
    """A vendor API emulator: a WSGI application with seeded data. See the module doc."""

    service: ClassVar[str] = ""
    base_path: ClassVar[str] = ""
    routes: ClassVar[Sequence[Rule]] = ()
    size_names: ClassVar[tuple[str, ...]] = ("tiny", "demo", "large")
    default_rate_limit: ClassVar[int] = 0
    rate_limit_window_s: ClassVar[float] = 60.0
    merges_slashes: ClassVar[bool] = False

    def __init__(
        self,
        *,
        seed: int = 1,
        size: str = "demo",
        generation: int | None = None,
        rate_limit: int | str | None = None,
        latency_ms: int = 0,
        fault_rate: float = 0.0,
        faults: str | Iterable[str] | None = None,
        fault_seed: int = 0,
        stall_s: float = 3.0,
        clock: Clock = time.time,
        state_dir: Path | None = None,
        request_log_path: Path | None = None,
        oauth_ttl_s: float | None = None,
    ) -> None:
        if size not in self.size_names:
            raise EmulatorError(
                f"{self.service}: unknown size {size!r}; valid sizes are "
                f"{', '.join(self.size_names)}"
            )
        if generation is not None and generation < 0:
            raise EmulatorError(f"{self.service}: generation must be >= 0, got {generation}")
        if latency_ms < 0:
            raise EmulatorError(f"{self.service}: latency_ms must be >= 0, got {latency_ms}")
        if oauth_ttl_s is not None and oauth_ttl_s <= 0:
            raise EmulatorError(f"{self.service}: oauth_ttl_s must be > 0, got {oauth_ttl_s}")
        #: Seconds an issued OAuth access token lives (None: the vendor's usual hour).
        self.oauth_ttl_s = oauth_ttl_s
        self.seed = seed
        self.size = size
        self.latency_ms = latency_ms
        self.clock = clock
        self._state_dir = state_dir
        self._follow_state = generation is None
        self._state_mtime = state.state_mtime(self.service, state_dir)
        self.generation = (
            state.read_generation(self.service, state_dir) if generation is None else generation
        )
        try:
            requests, window_s = parse_rate(rate_limit or 0)
            self.rate_limiter = self.make_rate_limiter(
                requests, window_s or self.rate_limit_window_s
            )
            self.fault_policy = FaultPolicy(
                fault_rate, parse_fault_kinds(faults), fault_seed, stall_s
            )
        except ValueError as exc:
            raise EmulatorError(f"{self.service}: {exc}") from exc
        self.request_log: list[LoggedRequest] = []
        self.request_log_path = request_log_path
        if request_log_path is not None:
            _check_appendable(self.service, request_log_path)
        self.data_lock = threading.RLock()
        self._log_lock = threading.Lock()
        self._url_map = Map(
            [Submount(self.base_path, [rule.empty() for rule in self.routes])],
            strict_slashes=False,
            merge_slashes=False,
        )
        self.load()

    # ----------------------------------------------------------------- subclass hooks

    def make_rate_limiter(self, requests: int, window_s: float) -> FixedWindowRateLimiter:
        """The limiter for ``requests`` per ``window_s`` (0 requests: the vendor's limit).

        ``requests`` and ``window_s`` come from ``rate_limit`` in any form
        :func:`~brainhub.sandbox.ratelimit.parse_rate` accepts; a vendor with several
        limits (Slack's tiers) overrides this and still honours both.
        """
        return FixedWindowRateLimiter(requests or self.default_rate_limit, window_s, self.clock)

    def load(self) -> None:
        """Build the dataset for ``(self.seed, self.size, self.generation)``."""

    @property
    def credentials(self) -> dict[str, str]:
        """The settings our tap needs to talk to this emulator, keyed by setting name.

        ``authenticate`` accepts exactly these; those named as credentials (``api_token``,
        ``api_key``…) never appear in clear in the request log.
        """
        return {}

    def counts(self) -> dict[str, int]:
        """Records per stream that a sync with default tap settings extracts."""
        return {}

    def changes(self, since_generation: int) -> dict[str, int]:
        """What changed from ``since_generation`` to ``self.generation`` (name → count);
        records a default sync no longer reads are ``<stream>_deleted``."""
        return {}

    def authenticate(self, request: Request) -> Response | None:
        """``None`` when the request's credentials are good, else the vendor's error."""
        return None

    def answer_outside_routes(self, request: Request) -> Response | None:
        """A response for a request no API route serves and no API credential guards
        (an OAuth token endpoint), or ``None`` to go on through the pipeline."""
        return None

    def credential_key(self, request: Request) -> str:
        """What the rate limiter counts requests by (default: the Authorization header)."""
        return request.headers.get("Authorization", "")

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        """Headers the vendor sends to describe the caller's rate-limit window."""
        return {}

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        """The vendor's answer to a caller over its limit."""
        return self.json_response({"error": "rate limit exceeded"}, status=429)

    def not_found_response(self, request: Request) -> Response:
        """The vendor's answer to a path (or method) it does not serve."""
        return Response("Not Found", status=404, content_type="text/plain")

    def server_error_response(self, status: int) -> Response:
        """The vendor's answer to an internal failure (used by 500/502/503 faults)."""
        if status >= 502:
            return gateway_error_response(status)
        return self.json_response({"error": "Internal Server Error"}, status=status)

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        """Call the handler a route names (default: the method called ``endpoint``)."""
        return getattr(self, endpoint)(request, **values)

    def dress(self, request: Request, response: Response) -> Response:
        """The vendor's finishing touches on every response (headers, compression)."""
        return response

    # ----------------------------------------------------------------------- helpers

    def rng(self, *scope: object) -> random.Random:
        """A RNG determined by the seed, the size and ``scope`` (never by wall time)."""
        key = ":".join(str(part) for part in (self.service, self.seed, self.size, *scope))
        return random.Random(key)

    @staticmethod
    def json_response(
        body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        """A JSON response (compact separators, UTF-8)."""
        data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":"))
        return Response(data, status=status, headers=headers, content_type="application/json")

    def set_generation(self, generation: int) -> None:
        """Switch the dataset to ``generation`` (rebuilds it with ``load``)."""
        with self.data_lock:
            self.generation = generation
            self.load()

    def clear_request_log(self) -> None:
        """Forget every logged request."""
        with self._log_lock:
            self.request_log.clear()

    # ---------------------------------------------------------------------- pipeline

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """The WSGI entry point (the emulator object itself is also callable as one)."""
        request = Request(environ)
        self._follow_stored_generation()
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        response, fault = self._respond(request)
        response = self.dress(request, response)
        self._log(request, response.status_code, fault)
        return response(environ, start_response)

    def _respond(self, request: Request) -> tuple[Response, str | None]:
        outside = self.answer_outside_routes(request)
        if outside is not None:
            return outside, None
        adapter = self._url_map.bind_to_environ(request.environ)
        path = request.environ.get("PATH_INFO") or "/"
        try:
            endpoint, values = adapter.match(
                _DOUBLED_SLASHES.sub("/", path) if self.merges_slashes else None
            )
        except HTTPException:
            return self.not_found_response(request), None
        denied = self.authenticate(request)
        if denied is not None:
            return denied, None
        decision = self.rate_limiter.hit(self.credential_key(request))
        if not decision.allowed:
            response = self.throttled_response(decision)
            response.headers.update(self.rate_limit_headers(decision))
            return response, None
        fault = self.fault_policy.draw()
        response = self._faulty_or_real(request, fault, endpoint, values, decision)
        if fault != "429":
            response.headers.update(self.rate_limit_headers(decision))
        return response, fault

    def _faulty_or_real(
        self,
        request: Request,
        fault: str | None,
        endpoint: str,
        values: Mapping[str, Any],
        decision: RateLimitDecision,
    ) -> Response:
        if fault == "reset":
            self._log(request, None, "reset")
            reset_connection(request.environ)
        if fault == "timeout":
            time.sleep(self.fault_policy.stall_s)
        if fault == "429":
            now = self.clock()
            throttled = RateLimitDecision(
                False, decision.limit, 0, now + FAULT_RETRY_AFTER_S, FAULT_RETRY_AFTER_S
            )
            response = self.throttled_response(throttled)
            response.headers.update(self.rate_limit_headers(throttled))
            response.headers["Retry-After"] = str(FAULT_RETRY_AFTER_S)
            return response
        if fault in ("500", "502", "503"):
            return self.server_error_response(int(fault))
        try:
            result = self.dispatch(endpoint, request, values)
        except HTTPException as exc:
            result = exc.get_response(request.environ)
        response = result if isinstance(result, Response) else self.json_response(result)
        if fault == "truncate" and response.status_code == 200:
            truncate_response(response)
        return response

    def _follow_stored_generation(self) -> None:
        if not self._follow_state:
            return
        mtime = state.state_mtime(self.service, self._state_dir)
        if mtime == self._state_mtime:
            return
        with self.data_lock:
            if mtime == self._state_mtime:
                return
            self._state_mtime = mtime
            generation = state.read_generation(self.service, self._state_dir)
            if generation != self.generation:
                self.set_generation(generation)

    def _log(self, request: Request, status: int | None, fault: str | None) -> None:
        secrets = [v for k, v in self.credentials.items() if is_secret_name(k)]
        entry = logged_request(request, status, self.clock(), fault, secrets)
        with self._log_lock:
            self.request_log.append(entry)
            if self.request_log_path is not None:
                with open(self.request_log_path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry.as_dict()) + "\n")


def _check_appendable(service: str, path: Path) -> None:
    """Fail now, not on every request, when the request log cannot be appended to."""
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise EmulatorError(
            f"{service}: cannot write the request log {path}: {exc.strerror or exc}; "
            "give a file in an existing, writable directory"
        ) from None
