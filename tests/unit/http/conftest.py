"""Fixtures for the HTTP policy tests: a fake clock and a scripted loopback HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from brainhub.http import forget_breakers, forget_buckets


class FakeClock:
    """Epoch-seconds clock whose ``sleep`` records the delay and moves time forward."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _fresh_registries() -> Iterator[None]:
    """Buckets and breakers are process-wide; each test starts without any."""
    forget_buckets()
    forget_breakers()
    yield
    forget_buckets()
    forget_breakers()


@dataclass
class Reply:
    """One scripted answer. ``mode``: ``normal``, ``reset`` (close without answering),
    ``truncate`` (promise more bytes than sent), ``slow`` (answer after ``delay`` s)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    mode: str = "normal"
    delay: float = 0.0


class ScriptedServer:
    """A loopback HTTP server answering each path from a queue of :class:`Reply`.

    When a path's queue is empty the last reply repeats. Every request's path and query
    string are recorded in ``requests``.
    """

    def __init__(self) -> None:
        self.scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.last: dict[str, Reply] = {}
        self.requests: list[str] = []
        self.request_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def add(self, path: str, status: int = 200, body: Any = None, **options: Any) -> None:
        """Queue one reply for ``path`` (options: ``headers``, ``mode``, ``delay``)."""
        self.scripts[path].append(Reply(status, body, **options))

    def _next(self, path: str) -> Reply:
        with self._lock:
            queue = self.scripts.get(path)
            if queue:
                self.last[path] = queue.popleft()
            return self.last.get(path, Reply(404, {"message": "not scripted"}))

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(handler.path)
            self.request_headers.append(dict(handler.headers.items()))
        reply = self._next(path)
        if reply.mode == "reset":
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            handler.close_connection = True
            handler.connection.close()
            return
        if reply.mode == "slow":
            time.sleep(reply.delay)
        body = reply.body
        if isinstance(body, bytes):
            payload = body
            content_type = "application/octet-stream"
        elif isinstance(body, str):
            payload = body.encode()
            content_type = "text/plain; charset=utf-8"
        else:
            payload = json.dumps(body).encode()
            content_type = "application/json"
        headers = {"Content-Type": content_type, **reply.headers}
        try:
            handler.send_response(reply.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if reply.mode == "truncate":
                handler.send_header("Content-Length", str(len(payload) + 50))
                handler.end_headers()
                handler.wfile.write(payload)
                handler.wfile.flush()
                handler.close_connection = True
                return
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            handler.close_connection = True

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running
