"""Every option form ``brainhub sandbox serve --help`` offers works for every emulator,
and options that cannot work are refused at start with one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from emulator_samples import auth, fill, path_values, required_query
from werkzeug.test import Client

from brainhub.cli import main
from brainhub.sandbox.faults import FAULT_KINDS
from brainhub.sandbox.ratelimit import RATE_FORMS
from brainhub.sandbox.registry import emulator_class, services

SERVICES = services()


def _serve_help() -> str:
    result = CliRunner().invoke(main, ["sandbox", "serve", "--help"], terminal_width=1000)
    assert result.exit_code == 0
    return result.output


def test_the_help_offers_exactly_the_rate_forms_that_are_tested() -> None:
    text = " ".join(_serve_help().split())
    for form in RATE_FORMS:
        assert form in text


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("form", list(RATE_FORMS))
def test_every_rate_form_sets_the_limit_and_window_of_every_emulator(
    service: str, form: str
) -> None:
    example, window = RATE_FORMS[form]
    cls = emulator_class(service)
    emulator = cls(size="tiny", generation=0, rate_limit=example)
    limiter = emulator.rate_limiter
    assert limiter.limit == 100
    assert limiter.window_s == (window if window is not None else cls.rate_limit_window_s)
    # the emulator still answers (a route it does not know is the vendor's 404, not a crash)
    response = Client(emulator).get(f"{cls.base_path}/no-such-route")
    assert response.status_code < 500


def _brainhub() -> list[str]:
    script = Path(sys.executable).parent / "brainhub"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from brainhub.cli import main; main()"]


@pytest.mark.parametrize("service", SERVICES)
def test_serve_starts_with_a_per_minute_rate_limit(service: str, tmp_path: Path) -> None:
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(tmp_path / "state")}
    process = subprocess.Popen(
        [*_brainhub(), "sandbox", "serve", service, "--size", "tiny", "--rate-limit", "100/min"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        info = json.loads(line)
        assert (info["rate_limit"], info["rate_window_s"]) == (100, 60.0)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err


@pytest.mark.parametrize("service", SERVICES)
def test_an_unwritable_request_log_is_refused_at_start(service: str, tmp_path: Path) -> None:
    log = tmp_path / "no-such-directory" / "requests.jsonl"
    result = CliRunner().invoke(main, ["sandbox", "serve", service, "--request-log", str(log)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(log) in lines[0]
    assert "cannot write the request log" in lines[0]
    assert "Traceback" not in result.output


def _sample_get(emulator: Any) -> tuple[str, dict[str, str], dict[str, str]]:
    """A GET every emulator answers 200: its first route, with real ids and credentials."""
    values, required = path_values(emulator), required_query(emulator)
    rule = next(r for r in emulator.routes if "GET" in (r.methods or ()))
    headers, query = auth(emulator)
    return (
        emulator.base_path + fill(rule.rule, values),
        headers,
        {**query, **required.get(rule.rule, {})},
    )


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_every_fault_kind_the_help_offers_works_for_every_emulator(service: str, kind: str) -> None:
    assert kind in _serve_help()
    emulator = emulator_class(service)(
        size="tiny", generation=0, faults=kind, fault_rate=1.0, stall_s=0, rate_limit="100000"
    )
    path, headers, query = _sample_get(emulator)
    client = Client(emulator)
    if kind == "reset":
        with pytest.raises(ConnectionResetError):
            client.get(path, headers=headers, query_string=query)
        return
    response = client.get(path, headers=headers, query_string=query)
    if kind == "429":  # GitHub also throttles with 403, as it does for secondary limits
        assert response.status_code in (403, 429)
        assert response.headers["Retry-After"] == "1"
        return
    expected = {"500": 500, "502": 502, "503": 503, "timeout": 200, "truncate": 200}
    assert response.status_code == expected[kind]
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    if kind == "truncate":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    elif kind == "timeout":
        json.loads(body)
