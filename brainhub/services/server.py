"""What every private local server shares: its home directory, its port, start and stop.

A server kind subclasses :class:`LocalServer` and says how to find its binaries, create its
data directory once, start, tell it runs, and stop. ``up`` twice is harmless (a running
server is left alone), a port another process holds is a clear error, ``down`` waits until
the server has stopped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from brainhub.errors import ConfigError

LOOPBACK = "127.0.0.1"


class ServiceError(ConfigError):
    """A local server cannot start or stop; the message says why and what would help."""


@dataclass(frozen=True)
class Settings:
    """How a client reaches a running server (the sandbox's fixed local credentials)."""

    host: str
    port: int
    user: str
    password: str
    database: str

    def as_dict(self) -> dict[str, Any]:
        """The settings as one JSON-ready mapping."""
        return asdict(self)


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``127.0.0.1:port`` (so a server could bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def accepts_connections(port: int) -> bool:
    """Whether something accepts TCP connections on ``127.0.0.1:port``."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a child of ours that exited is reaped, not alive)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Whether ``pid`` has exited and only waits for a parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def wait_until(condition: Any, timeout: float, what: str) -> None:
    """Poll ``condition()`` until it is true; :class:`ServiceError` naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} (waited {timeout:.0f} s)")
        time.sleep(0.1)


class LocalServer(ABC):
    """One private server: ``home`` holds its data, log and socket; it listens on ``port``."""

    #: The name in ``brainhub services up <name>`` and under ``data/services/``.
    name: ClassVar[str]
    #: The loopback port of the sandbox's instance (tests pass their own).
    default_port: ClassVar[int]
    #: The Debian package ``scripts/install-services.sh`` installs for it.
    package: ClassVar[str]
    #: The sandbox's fixed local credentials and database.
    user: ClassVar[str] = "brainhub"
    password: ClassVar[str] = "brainhub"  # noqa: S105 (the sandbox's fixed local one)
    database: ClassVar[str] = "app"
    #: Seconds to wait for a start or a stop.
    timeout: ClassVar[float] = 60.0

    def __init__(self, home: Path, port: int | None = None) -> None:
        self.home = home.resolve()
        self.port = self.default_port if port is None else port

    @property
    def log_file(self) -> Path:
        """Where the server writes its log."""
        return self.home / "server.log"

    @property
    def settings(self) -> Settings:
        """How to connect to this server."""
        return Settings(LOOPBACK, self.port, self.user, self.password, self.database)

    # --- what each kind says -------------------------------------------------------------

    @abstractmethod
    def missing_binaries(self) -> str | None:
        """None when the server's programs are installed, else what is missing."""

    @abstractmethod
    def initialized(self) -> bool:
        """Whether the data directory has been created."""

    @abstractmethod
    def initialize(self) -> None:
        """Create the data directory (once, before the first start)."""

    @abstractmethod
    def launch(self) -> None:
        """Start the server process in the background on :attr:`port`."""

    @abstractmethod
    def pid(self) -> int | None:
        """The running server's process id, None when it is not running."""

    @abstractmethod
    def prepare(self) -> None:
        """After a start: make sure the sandbox's user and database exist."""

    @abstractmethod
    def halt(self, pid: int) -> None:
        """Ask the running server to stop (returns at once or when it has stopped)."""

    # --- shared behaviour ----------------------------------------------------------------

    def running(self) -> bool:
        """Whether the server runs (its process is alive)."""
        pid = self.pid()
        return pid is not None and process_alive(pid)

    def status(self) -> dict[str, Any]:
        """One JSON-ready line: name, running or stopped, connection settings, data directory."""
        return {
            "service": self.name,
            "status": "running" if self.running() else "stopped",
            **self.settings.as_dict(),
            "data": str(self.home),
        }

    def up(self) -> dict[str, Any]:
        """Start the server unless it runs already; return :meth:`status`."""
        if self.running():
            if not accepts_connections(self.port):
                raise ServiceError(
                    f"{self.name} runs (pid {self.pid()}) but not on port {self.port}; "
                    f"stop it first (brainhub services down {self.name})"
                )
            return self.status()
        missing = self.missing_binaries()
        if missing:
            raise ServiceError(
                f"{self.name}: {missing}; install the Debian package {self.package} "
                "(scripts/install-services.sh does)"
            )
        if not port_is_free(self.port):
            raise ServiceError(
                f"{self.name}: port {self.port} on {LOOPBACK} is in use by another process; "
                f"stop that process or choose another port (brainhub services up {self.name} --port N)"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.initialized():
            self.initialize()
        self.launch()
        try:
            wait_until(
                lambda: self.running() and accepts_connections(self.port),
                self.timeout,
                f"{self.name} did not start on {LOOPBACK}:{self.port}; see {self.log_file}",
            )
        except ServiceError as exc:
            raise ServiceError(f"{exc}{self.log_tail()}") from None
        self.prepare()
        return self.status()

    def down(self) -> dict[str, Any]:
        """Stop the server if it runs and wait until it has; return :meth:`status`."""
        pid = self.pid()
        if pid is not None and process_alive(pid):
            self.halt(pid)
            wait_until(
                lambda: not process_alive(pid),
                self.timeout,
                f"{self.name} (pid {pid}) did not stop; see {self.log_file}",
            )
        return self.status()

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of the server's log, for error messages."""
        if not self.log_file.exists():
            return ""
        tail = self.log_file.read_text(errors="replace").splitlines()[-lines:]
        return ("\n" + "\n".join(tail)) if tail else ""


class DetachedServer(LocalServer):
    """A server with no daemon mode of its own: started detached (``setsid -f``) by a shell
    that notes its pid in :attr:`pid_file` and then becomes the server (``exec`` keeps the
    pid); it stops on SIGTERM."""

    #: The pid file's name in the server's home.
    pid_name: ClassVar[str]

    @property
    def pid_file(self) -> Path:
        """Where the server's pid is kept."""
        return self.home / self.pid_name

    @abstractmethod
    def command(self) -> list[str]:
        """The server's command line (its binary is installed: see :meth:`missing_binaries`)."""

    def environment(self) -> dict[str, str]:
        """The server's environment (this process's, unless a kind adds to it)."""
        return dict(os.environ)

    def launch(self) -> None:
        """Start the server in a session of its own; note its pid."""
        script = 'echo $$ > "$1"; shift; exec "$@"'
        with open(self.log_file, "ab") as log:
            subprocess.run(
                ["setsid", "-f", "sh", "-c", script, "sh", str(self.pid_file), *self.command()],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.environment(), check=True, timeout=self.timeout,
            )  # fmt: skip

    def pid(self) -> int | None:
        """The server's pid, as its shell noted it."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def halt(self, pid: int) -> None:
        """SIGTERM."""
        os.kill(pid, signal.SIGTERM)
