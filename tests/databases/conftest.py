"""Real database servers for connector tests, started through ``brainhub.services``.

Each server runs once per test session (per xdist worker) in a private directory on a free
loopback port, and is stopped and deleted afterwards. A test needing a server whose binaries
are not installed is skipped, saying which Debian package ``scripts/install-services.sh``
would install; CI installs them, so nothing is skipped there.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brainhub.services import LocalServer
from brainhub.services.mariadb import MariaDBServer
from brainhub.services.postgres import PostgresServer
from brainhub.services.server import free_port


def running_server(kind: type[LocalServer]) -> Iterator[LocalServer]:
    """Start a private server of ``kind``; yield it; stop it and delete its data."""
    home = Path(tempfile.mkdtemp(prefix=f"brainhub-{kind.name}-"))
    server = kind(home, free_port())
    missing = server.missing_binaries()
    if missing:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"{kind.name}: {missing} (scripts/install-services.sh installs {kind.package})")
    try:
        server.up()
        yield server
    finally:
        server.down()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LocalServer]:
    """A private PostgreSQL server for the session."""
    yield from running_server(PostgresServer)


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[LocalServer]:
    """A private MariaDB server for the session."""
    yield from running_server(MariaDBServer)


REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: meltano.yml's community plugins: name → (plugin type, executable inside its venv).
COMMUNITY_PLUGINS = {
    "tap-postgres": ("extractor", REPO / ".meltano/extractors/tap-postgres/venv/bin/tap-postgres"),
    "target-postgres": (
        "loader",
        REPO / ".meltano/loaders/target-postgres/venv/bin/target-postgres",
    ),
    "tap-mysql": ("extractor", REPO / ".meltano/extractors/tap-mysql/venv/bin/tap-mysql"),
}


def installed_plugin(name: str) -> Path:
    """``meltano install`` the community plugin ``name`` into the project once; its executable."""
    plugin_type, executable = COMMUNITY_PLUGINS[name]
    (REPO / ".meltano").mkdir(exist_ok=True)
    with open(REPO / ".meltano" / ".community-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not executable.exists():
            env = {**os.environ, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}
            done = subprocess.run(
                [str(BIN / "meltano"), "install", plugin_type, name],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(f"meltano install {plugin_type} {name} failed:\n{done.stderr[-3000:]}")
    return executable


@pytest.fixture(scope="session")
def tap_postgres() -> Path:
    """The community tap-postgres executable as meltano.yml pins it."""
    return installed_plugin("tap-postgres")


@pytest.fixture(scope="session")
def target_postgres() -> Path:
    """The community target-postgres executable as meltano.yml pins it."""
    return installed_plugin("target-postgres")


@pytest.fixture(scope="session")
def tap_mysql() -> Path:
    """The community tap-mysql executable as meltano.yml pins it."""
    return installed_plugin("tap-mysql")


def singer_run(
    executable: Path, config: dict, tmp_path: Path, *args: str, stdin: str | None = None
) -> list[dict]:
    """Run a tap or target with ``config``; the Singer messages it printed (targets: state)."""
    config_file = tmp_path / f"{executable.name}-config.json"
    config_file.write_text(json.dumps(config))
    done = subprocess.run(
        [str(executable), "--config", str(config_file), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def read_tap(
    tap: Path, config: dict, catalog: dict, tmp_path: Path, state: dict | None = None
) -> tuple[dict[str, list[dict]], dict]:
    """Run a tap with ``catalog`` (and ``state``); (records by stream, its last state)."""
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(catalog))
    args = ["--catalog", str(catalog_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    messages = singer_run(tap, config, tmp_path, *args)
    records: dict[str, list[dict]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, states[-1] if states else {}
