"""Every connector, hostile credentials, every path: no spelling of a secret in any output.

Each case runs the tap executable (as Meltano does) against its emulator and searches
stdout (records, state), stderr (logs, errors), the catalog and the emulator's request
log — the file and the in-memory entries — for every spelling of each secret setting
(see ``tests.support.secrets``). The paths:

- ``served``: the emulator accepts the hostile credentials, the whole sync runs;
- ``debug``: the same with every logger at DEBUG (urllib3 logs each request line);
- ``fault``: accepted, but every request draws a 500, and the tap gives up at once;
- ``refused``: the emulator keeps its own credentials and refuses them (401, Slack's invalid_auth);
- ``unreachable``: nothing listens at the base URL (the request's URL is in the error).

Secrets holding control characters are refused before any request.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import Emulator, emulator_class, serve
from taps.runtime.registry import load_connector
from tests.support.secrets import CONTROL_SECRETS, HOSTILE_SECRETS, leaks

SERVICES = (
    "clickup",
    "github",
    "jira",
    "slack",
    "asana",
    "notion",
    "trello",
    "bitbucket",
    "discord",
)
BIN = Path(sys.executable).parent
#: Which paths each hostile value takes (all five for the one with every special character).
CASES = [
    *(("specials", path) for path in ("served", "debug", "fault", "refused", "unreachable")),
    ("unicode", "served"),
    ("unicode", "refused"),
    ("short", "served"),
    ("short", "refused"),
]
#: Non-Latin-1 text cannot travel in an HTTP header: those taps stop with one clear line.
HEADER_SAFE = {
    (service, "unicode"): service in ("jira", "trello")  # base64 of Basic auth; query string
    for service in SERVICES
}


@cache
def secret_settings(service: str) -> tuple[str, ...]:
    return tuple(load_connector(service).secret_settings)


def hostile_values(service: str, secret: str) -> dict[str, str]:
    """One hostile value per secret setting, each different (``…-1``, ``…-2``)."""
    names = secret_settings(service)
    if len(names) == 1:
        return {names[0]: secret}
    return {name: f"{secret}-{i}" for i, name in enumerate(names, 1)}


def emulator_accepting(service: str, accepted: dict[str, str], **options: Any) -> Emulator:
    """The service's emulator, accepting ``accepted`` in place of the credentials it issues."""

    class Accepting(emulator_class(service)):  # type: ignore[misc]
        @property
        def credentials(self) -> dict[str, str]:
            return {**super().credentials, **accepted}

    return Accepting(size="tiny", generation=0, **options)  # type: ignore[no-any-return]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_tap(
    service: str, config_file: Path, *args: str, debug: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOGLEVEL": "DEBUG"} if debug else None
    return subprocess.run(
        [str(BIN / f"tap-{service}"), "--config", str(config_file), *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        env=env,
    )


def assert_no_secret_in(outputs: dict[str, str], secrets: dict[str, str], user: str | None) -> None:
    for name, secret in secrets.items():
        for where, text in outputs.items():
            assert leaks(secret, text, basic_user=user) == [], f"{name} shown in {where}"


@pytest.mark.parametrize(("value", "path"), CASES, ids=[f"{v}-{p}" for v, p in CASES])
@pytest.mark.parametrize("service", SERVICES)
def test_no_spelling_of_a_secret_reaches_any_output(
    service: str, value: str, path: str, tmp_path: Path
) -> None:
    secrets = hostile_values(service, HOSTILE_SECRETS[value])
    faults = {"fault_rate": 1.0, "faults": "500"} if path == "fault" else {}
    request_log = tmp_path / "requests.jsonl"
    accepted = {} if path == "refused" else secrets
    emulator = emulator_accepting(service, accepted, request_log_path=request_log, **faults)
    config_file = tmp_path / "config.json"
    outputs: dict[str, str] = {}
    with serve(emulator) as served:
        base_url = served.base_url
        if path == "unreachable":
            base_url = f"http://127.0.0.1:{closed_port()}{emulator.base_path}"
        config = {**served.credentials, **secrets, "base_url": base_url, "max_tries": 1}
        config_file.write_text(json.dumps(config))
        sync = run_tap(service, config_file, debug=path == "debug")
        if (value, path) == ("specials", "served"):  # the catalog depends on the config only
            discover = run_tap(service, config_file, "--discover")
            assert discover.returncode == 0, discover.stderr[-2000:]
            assert "Traceback" not in discover.stderr
            outputs.update(catalog=discover.stdout, discover_log=discover.stderr)
    outputs.update(
        stdout=sync.stdout,
        stderr=sync.stderr,
        request_log_file=request_log.read_text() if request_log.exists() else "",
        request_log=json.dumps([entry.as_dict() for entry in emulator.request_log]),
    )
    assert_no_secret_in(outputs, secrets, user=config.get("email"))
    assert "Traceback" not in sync.stderr
    statuses = {entry.status for entry in emulator.request_log}
    last_line = sync.stderr.strip().splitlines()[-1]
    if path in ("served", "debug") and HEADER_SAFE.get((service, value), True):
        assert sync.returncode == 0, last_line
        assert 200 in statuses, "the hostile credentials went through and were accepted"
    else:
        assert sync.returncode != 0
        assert last_line.startswith(f"tap-{service}: "), last_line
    if not HEADER_SAFE.get((service, value), True):
        assert "an HTTP header cannot carry" in last_line, last_line
    elif path == "refused":
        assert "check the" in last_line, last_line
        assert "setting" in last_line, last_line
    elif path == "fault":
        assert "500 INTERNAL SERVER ERROR" in last_line, last_line
    elif path == "unreachable":
        assert "ConnectionError" in last_line, last_line
        assert emulator.request_log == []
    if path == "debug":
        assert "| DEBUG    | urllib3.connectionpool" in sync.stderr, "request lines were logged"


@pytest.mark.parametrize("value", ["crlf"])
@pytest.mark.parametrize("service", SERVICES)
def test_secrets_with_control_characters_are_refused_before_any_request(
    service: str, value: str, tmp_path: Path
) -> None:
    secrets = hostile_values(service, CONTROL_SECRETS[value])
    request_log = tmp_path / "requests.jsonl"
    emulator = emulator_accepting(service, {}, request_log_path=request_log)
    config_file = tmp_path / "config.json"
    with serve(emulator) as served:
        config_file.write_text(
            json.dumps({**served.credentials, **secrets, "base_url": served.base_url})
        )
        sync = run_tap(service, config_file)
    assert sync.returncode != 0
    assert "Traceback" not in sync.stderr
    *logged, line = sync.stderr.strip().splitlines()
    assert not [entry for entry in logged if "ERROR" in entry], "one line says what is wrong"
    first = secret_settings(service)[0]
    assert line.startswith(
        f"tap-{service}: setting {first!r}: (hidden) contains control characters"
    )
    assert emulator.request_log == []
    for secret in secrets.values():
        assert leaks(secret, sync.stderr + sync.stdout) == []
        assert secret.splitlines()[0] not in sync.stderr
