"""Deterministic fault injection for emulators.

A :class:`FaultPolicy` draws, for each request that reaches a handler, whether to inject
a fault and which one, from a RNG seeded with ``seed``: the same seed and the same
sequence of requests give the same faults. Kinds:

``429``       throttled: the vendor's rate-limit response plus ``Retry-After`` (seconds)
``500``       an internal error with a plausible body
``502/503``   a gateway error page (HTML, as load balancers send)
``reset``     the TCP connection is dropped without a response (RST, SO_LINGER 0)
``timeout``   the response stalls for ``stall_s`` seconds (longer than a client's read
              timeout), then is sent normally
``truncate``  a 200 whose JSON body is cut in half, with a matching ``Content-Length``

Example::

    policy = FaultPolicy(rate=0.2, kinds=("429", "reset"), seed=7)
    [policy.draw() for _ in range(5)]   # e.g. [None, "reset", None, None, "429"]
"""

from __future__ import annotations

import os
import random
import socket
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

FAULT_KINDS: tuple[str, ...] = ("429", "500", "502", "503", "reset", "timeout", "truncate")


def parse_fault_kinds(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn ``"429,500"`` or ``["429", "500"]`` into a validated tuple of fault kinds.

    ``None`` or an empty value means every kind. Raises ``ValueError`` naming the bad
    kind and the valid ones.
    """
    if value is None:
        return FAULT_KINDS
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = tuple(str(item).strip() for item in items if str(item).strip())
    for kind in kinds:
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}; valid kinds are {', '.join(FAULT_KINDS)}"
            )
    return kinds or FAULT_KINDS


@dataclass
class FaultPolicy:
    """Which faults to inject, how often, and from which seed."""

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    stall_s: float = 3.0
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")
        if self.stall_s < 0:
            raise ValueError(f"stall must be >= 0 seconds, got {self.stall_s}")
        self.kinds = parse_fault_kinds(self.kinds)
        self._rng = random.Random(self.seed)

    def draw(self) -> str | None:
        """The fault to inject into the next request, or ``None``."""
        if self.rate <= 0:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            return self._rng.choice(self.kinds)


def gateway_error_response(status: int) -> Response:
    """An HTML error page like the ones load balancers send for 502/503."""
    reason = {502: "Bad Gateway", 503: "Service Temporarily Unavailable"}.get(status, "Error")
    body = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return Response(body, status=status, content_type="text/html")


def truncate_response(response: Response) -> Response:
    """Cut a response body in half, keeping a Content-Length that matches the cut body."""
    body = response.get_data()
    cut = body[: len(body) // 2]
    response.set_data(cut)
    response.headers["Content-Length"] = str(len(cut))
    return response


def reset_connection(environ: dict[str, Any]) -> None:
    """Drop the client's TCP connection with a RST, then raise ``ConnectionResetError``.

    Under werkzeug's server the socket is in ``environ["werkzeug.socket"]``: SO_LINGER 0
    makes closing it send a RST. The socket's descriptor is replaced by one end of a
    closed socket pair so the server thread finishes quietly (its reads see EOF, its
    writes fail with a broken pipe) and no descriptor is closed twice. In-process (no
    socket) the raised error is what the caller sees.
    """
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket) and sock.fileno() >= 0:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        spare, other = socket.socketpair()
        try:
            os.dup2(spare.fileno(), sock.fileno())
        finally:
            spare.close()
            other.close()
    raise ConnectionResetError("emulated connection reset")
