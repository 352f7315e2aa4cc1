"""``meltano run`` with the store's secrets in its environment, and never in its output.

Meltano reads every setting from its environment variable (``TAP_CLICKUP_API_TOKEN``), so
the child gets the store's secrets that way: ``meltano.yml`` and ``.env`` need hold none.
The taps already keep secrets out of what they write; as a second line, every line the
child prints passes through a scrubber that replaces each stored secret, in any spelling,
before it reaches the terminal or a log collector.

Meltano writes each plugin's configuration, secrets included, to
``.meltano/run/<plugin>/*.config.json`` for the length of the run; the child runs with umask
077, so those files (and everything else the run creates) are readable by their owner only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from brainhub.connect.refresh_tokens import ENVIRONMENT_ENV, PROJECT_ENV
from brainhub.redaction import SecretScrubber
from brainhub.secrets.errors import SecretStoreError


def meltano_executable() -> str:
    """The ``meltano`` beside this Python (the project's environment), else on ``PATH``."""
    beside = Path(sys.executable).parent / "meltano"
    if beside.exists():
        return str(beside)
    found = shutil.which("meltano")
    if found is None:
        raise SecretStoreError("meltano is not installed here; run `make setup` first")
    return found


def child_environment(
    secrets: Mapping[str, str], project_root: Path | None = None, environment: str | None = None
) -> dict[str, str]:
    """This process's environment with the secrets added (the store's value wins), and the
    store they came from named, so a refresh token the vendor rotates goes back into it."""
    names = {}
    if project_root is not None and environment is not None and secrets:
        names = {PROJECT_ENV: str(project_root), ENVIRONMENT_ENV: environment}
    return {**os.environ, **secrets, **names}


#: Where each scrubbed line of Meltano's output goes: (line, the stream it came on).
LineSink = Callable[[str, IO[str]], None]


def _write_line(line: str, sink: IO[str]) -> None:
    sink.write(line)
    sink.flush()


def run_meltano(
    project_root: Path,
    environment: str,
    args: Sequence[str],
    secrets: Mapping[str, str],
    *,
    extra_env: Mapping[str, str] | None = None,
    on_line: LineSink = _write_line,
) -> int:
    """``meltano --environment=<environment> run <args>`` with ``secrets``; its exit code.

    SIGINT and SIGTERM are passed on to Meltano, which stops its plugins; a run they stopped
    returns ``128 + signal`` (130, 143) whatever Meltano's code, as a stopped tap exits.
    Every line of its output, scrubbed, goes to ``on_line`` (default: this process's stdout
    and stderr); ``extra_env`` adds variables that are not secrets.
    """
    command = [meltano_executable(), f"--environment={environment}", "run", *args]
    scrubber = SecretScrubber(secrets.values())
    child = subprocess.Popen(
        command,
        cwd=project_root,
        env={**child_environment(secrets, project_root, environment), **(extra_env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        umask=0o077,  # Meltano's per-run config files hold the secrets
        start_new_session=True,  # a terminal's Ctrl-C reaches it once, through forward()
    )

    forwarded: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        forwarded.append(signum)
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    assert child.stdout is not None
    assert child.stderr is not None
    pumps = [
        threading.Thread(
            target=_pump, args=(child.stdout, sys.stdout, scrubber, on_line), daemon=True
        ),
        threading.Thread(
            target=_pump, args=(child.stderr, sys.stderr, scrubber, on_line), daemon=True
        ),
    ]
    try:
        for pump in pumps:
            pump.start()
        code = child.wait()
        for pump in pumps:
            pump.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code != 0 and forwarded:
        return 128 + forwarded[0]  # stopped, not failed (Meltano itself exits 1)
    return code


def _pump(source: IO[bytes], sink: IO[str], scrubber: SecretScrubber, on_line: LineSink) -> None:
    """Pass ``source`` line by line to ``on_line``, each line scrubbed of every stored secret."""
    for raw in iter(source.readline, b""):
        line = raw.decode("utf-8", "replace")
        on_line(scrubber.scrub_values(line) if scrubber else line, sink)
    source.close()
