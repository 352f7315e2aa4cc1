"""A response body larger than the policy's limit is refused, counted as it streams in (not
trusted from Content-Length), with one line naming the connector, the request (no query,
so no secret) and the limit."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.errors import FatalAPIError, SettingsError
from brainhub.http import HttpPolicy, PolicyAdapter
from brainhub.http.policy import MAX_RESPONSE_BYTES, RESPONSE_LIMIT_VARIABLE

LIMIT = 10_000


class RawServer:
    """Answers every request with ``head`` then ``body_size`` bytes of JSON-ish text, then
    closes; counts how much of the body it managed to send."""

    def __init__(self, head: str, body_size: int, raw: bytes = b"") -> None:
        self.head = head.replace("\n", "\r\n").encode()
        self.body_size = body_size
        self.raw = raw
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(self.head + b"\r\n" + self.raw)
                chunk = b"x" * 4096
                sent = 0
                while sent < self.body_size:
                    piece = chunk[: self.body_size - sent]
                    conn.sendall(piece)
                    sent += len(piece)
            except OSError:
                return  # the client hung up: what the limit is for

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[RawServer] = []

    def start(head: str, body_size: int, raw: bytes = b"") -> RawServer:
        servers.append(RawServer(head, body_size, raw))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def session_with(limit: int | None = LIMIT) -> requests.Session:
    policy = HttpPolicy.from_spec({"retry": {"max_tries": 1}})
    if limit is not None:
        policy = policy.with_response_limit(limit)
    session = requests.Session()
    session.mount("http://", PolicyAdapter(policy, "clickup", "fp", sleep=lambda s: None))
    return session


def test_a_body_without_content_length_is_cut_off_at_the_limit(serve: Any) -> None:
    server = serve("HTTP/1.1 200 OK\nContent-Type: text/plain\nConnection: close\n", 10 * LIMIT)
    with pytest.raises(FatalAPIError) as caught:
        session_with().get(f"{server.url}/list/1/task?api_token=s3cret-token")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("clickup: GET /list/1/task: the response body is larger than")
    assert f"{LIMIT} bytes" in message
    assert RESPONSE_LIMIT_VARIABLE in message
    assert "s3cret-token" not in message


def test_a_declared_length_over_the_limit_is_refused_before_reading(serve: Any) -> None:
    server = serve(
        f"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: {50 * LIMIT}\n", 0
    )
    with pytest.raises(FatalAPIError, match=r"declares 500000 bytes, over the limit of 10000"):
        session_with().get(f"{server.url}/big")


def test_a_chunked_body_without_any_length_is_counted(serve: Any) -> None:
    size = 3 * LIMIT
    chunked = f"{size:x}\r\n".encode() + b"y" * size + b"\r\n0\r\n\r\n"
    head = "HTTP/1.1 200 OK\nContent-Type: text/plain\nTransfer-Encoding: chunked\n"
    server = serve(head, 0, chunked)
    with pytest.raises(FatalAPIError, match="larger than"):
        session_with().get(f"{server.url}/chunked")


def test_a_body_within_the_limit_is_returned_whole(serve: Any) -> None:
    server = serve("HTTP/1.1 200 OK\nContent-Type: text/plain\nConnection: close\n", LIMIT)
    answer = session_with().get(f"{server.url}/ok")
    assert len(answer.content) == LIMIT


def test_the_default_limit_is_generous_and_the_variable_sets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(RESPONSE_LIMIT_VARIABLE, raising=False)
    assert HttpPolicy().max_response_bytes == MAX_RESPONSE_BYTES == 256 * 1024 * 1024
    monkeypatch.setenv(RESPONSE_LIMIT_VARIABLE, "1048576")
    assert HttpPolicy.from_spec(None).max_response_bytes == 1_048_576
    monkeypatch.setenv(RESPONSE_LIMIT_VARIABLE, "lots")
    with pytest.raises(SettingsError, match=rf"{RESPONSE_LIMIT_VARIABLE}='lots'.*positive"):
        HttpPolicy.from_spec(None)
