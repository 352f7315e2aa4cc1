"""The running receiver: inbox, dispatcher and HTTP server on 127.0.0.1, started together.

::

    with start_receiver(project_root, secrets, port=0) as running:
        running.url("clickup")          # http://127.0.0.1:<port>/webhooks/clickup

On start, events the inbox still holds unprocessed (the previous receiver died before
dispatching them) are scheduled first.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from brainhub.errors import ConfigError
from brainhub.webhooks.dispatch import (
    DEFAULT_DEBOUNCE_S,
    Action,
    CommandRunner,
    Dispatcher,
    targets_of,
)
from brainhub.webhooks.inbox import Inbox, inbox_path
from brainhub.webhooks.receiver import DEFAULT_MAX_BODY, WebhookReceiver
from brainhub.webhooks.secrets import SecretSource

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


@dataclass
class RunningReceiver:
    """A receiver being served; stop it with :meth:`stop` or a ``with`` block."""

    receiver: WebhookReceiver
    dispatcher: Dispatcher
    inbox: Inbox
    server: BaseWSGIServer
    thread: threading.Thread
    resumed: int

    @property
    def port(self) -> int:
        return int(self.server.socket.getsockname()[1])

    def url(self, service: str) -> str:
        """The callback URL of ``service`` on this receiver."""
        host = self.server.socket.getsockname()[0]
        return f"http://{host}:{self.port}/webhooks/{service}"

    def stop(self) -> None:
        """Stop serving, then dispatching, then close the inbox."""
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()
        self.dispatcher.stop()
        self.inbox.close()

    def __enter__(self) -> RunningReceiver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_receiver(
    project_root: Path,
    secrets: SecretSource,
    *,
    host: str = HOST,
    port: int = 0,
    action: Action | None = None,
    environment: str | None = None,
    debounce_s: float = DEFAULT_DEBOUNCE_S,
    max_body: int = DEFAULT_MAX_BODY,
    public_url: str | None = None,
    log: Callable[[str], None] | None = None,
) -> RunningReceiver:
    """Open the project's inbox, resume its pending events and serve on 127.0.0.1.

    ``action`` runs each target (default: its ``brainhub`` command in the project, in
    ``environment``, with ``BRAINHUB_TRIGGER=webhook``: :class:`CommandRunner`)."""
    echo: Callable[[str], None] = log or (lambda line: None)
    inbox = Inbox(inbox_path(project_root))
    dispatcher = Dispatcher(
        inbox,
        lambda service: targets_of(project_root, service),
        action or CommandRunner(project_root, environment),
        debounce_s=debounce_s,
    )
    dispatcher.log = echo
    receiver = WebhookReceiver(
        inbox,
        secrets,
        on_accept=dispatcher.submit,
        project_root=project_root,
        max_body=max_body,
        public_url=public_url,
        log=echo,
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
        # werkzeug adopts a duplicate of the bound socket, so a busy port is an error here
        # rather than an exit of the process.
        server = make_server(
            host,
            listener.getsockname()[1],
            receiver,
            threaded=True,
            request_handler=_QuietHandler,
            fd=listener.fileno(),
        )
    except OSError as exc:
        inbox.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        listener.close()
    resumed = dispatcher.submit_pending()
    dispatcher.start()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    return RunningReceiver(receiver, dispatcher, inbox, server, thread, resumed)
