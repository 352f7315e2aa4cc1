"""Serve an emulator on a 127.0.0.1 port, from a background thread.

::

    with serve(ClickUpEmulator(size="tiny")) as served:
        requests.get(f"{served.base_url}/team", headers={"Authorization": token})

    served = start_for_url("sandbox://clickup?size=demo&seed=1")   # what taps call
    served.base_url, served.credentials
    served.stop()

A ``sandbox://<service>?option=value&…`` URL accepts the emulator constructor options
listed in ``URL_OPTIONS`` (plus ``port``); anything else is an error naming the valid ones.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from brainhub.errors import EmulatorError
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.registry import emulator_class

HOST = "127.0.0.1"

#: Options a ``sandbox://`` URL may carry, with their types.
URL_OPTIONS: dict[str, Callable[[str], Any]] = {
    "seed": int,
    "size": str,
    "generation": int,
    "rate_limit": str,
    "latency_ms": int,
    "fault_rate": float,
    "faults": str,
    "fault_seed": int,
    "stall_s": float,
    "oauth_ttl_s": float,
}


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without one log line per request (the emulator logs them).

    It speaks HTTP/1.1, so clients keep their connections open between requests as they do
    with the real APIs (a new TCP connection per page would dominate any throughput test).
    """

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


#: Stands for the served root URL in an emulator's credentials.
ROOT_URL_PLACEHOLDER = "{root_url}"


class ServedEmulator:
    """An emulator being served on 127.0.0.1; stop it with ``stop()`` or a ``with``."""

    def __init__(self, emulator: Emulator, server: BaseWSGIServer) -> None:
        self.emulator = emulator
        self._server = server
        self.host = HOST
        self.port: int = server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sandbox-{emulator.service}-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>`` without the API's base path."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL a client should use (root URL plus the emulator's base path)."""
        return self.root_url + self.emulator.base_path

    @property
    def credentials(self) -> dict[str, str]:
        """The settings the emulator accepts (see ``Emulator.credentials``); ``{root_url}``
        in a value is this server's root URL (a token endpoint outside the API's base path,
        such as Microsoft's login authority)."""
        return {
            name: value.replace(ROOT_URL_PLACEHOLDER, self.root_url)
            for name, value in self.emulator.credentials.items()
        }

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> ServedEmulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(emulator: Emulator, port: int = 0) -> ServedEmulator:
    """Start serving ``emulator`` on 127.0.0.1 (``port=0`` picks a free port)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen(128)
        # werkzeug adopts a duplicate of the bound socket (so it never exits the process
        # on a busy port); the original is closed right after.
        server = make_server(
            HOST,
            listener.getsockname()[1],
            emulator,
            threaded=True,
            request_handler=_QuietRequestHandler,
            fd=listener.fileno(),
        )
    except OSError as exc:
        raise EmulatorError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from exc
    finally:
        listener.close()
    return ServedEmulator(emulator, server)


def parse_sandbox_url(url: str) -> tuple[str, dict[str, Any], int]:
    """Split ``sandbox://<service>?k=v`` into (service, emulator options, port)."""
    parts = urlsplit(url)
    if parts.scheme != "sandbox" or not parts.netloc:
        raise EmulatorError(
            f"not a sandbox URL: {url!r}; expected sandbox://<service>?size=demo&seed=1"
        )
    options: dict[str, Any] = {}
    port = 0
    for key, raw in parse_qsl(parts.query, keep_blank_values=True):
        if key == "port":
            convert: Callable[[str], Any] = int
        elif key in URL_OPTIONS:
            convert = URL_OPTIONS[key]
        else:
            valid = ", ".join([*URL_OPTIONS, "port"])
            raise EmulatorError(f"{url}: unknown option {key!r}; valid options are {valid}")
        try:
            value = convert(raw)
        except ValueError:
            raise EmulatorError(
                f"{url}: option {key!r} must be a {convert.__name__}, got {raw!r}"
            ) from None
        if key == "port":
            port = value
        else:
            options[key] = value
    return parts.netloc, options, port


def start_for_url(url: str) -> ServedEmulator:
    """Build the emulator a ``sandbox://`` URL describes and serve it on 127.0.0.1."""
    service, options, port = parse_sandbox_url(url)
    return serve(emulator_class(service)(**options), port=port)
