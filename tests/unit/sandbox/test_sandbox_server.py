from __future__ import annotations

import pytest
import requests
from conftest import ToyEmulator

from brainhub.errors import EmulatorError
from brainhub.sandbox import emulator_class, serve, services, start_for_url
from brainhub.sandbox.server import parse_sandbox_url


def test_sandbox_urls_carry_emulator_options():
    service, options, port = parse_sandbox_url(
        "sandbox://clickup?size=tiny&seed=4&rate_limit=10000&faults=429,500&fault_rate=0.1&port=0"
    )
    assert service == "clickup"
    assert options == {
        "size": "tiny",
        "seed": 4,
        "rate_limit": "10000",
        "faults": "429,500",
        "fault_rate": 0.1,
    }
    assert port == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://clickup", "not a sandbox URL"),
        ("sandbox://clickup?colour=red", "unknown option 'colour'; valid options are seed"),
        ("sandbox://clickup?seed=one", "option 'seed' must be a int, got 'one'"),
        ("sandbox://nothing?size=tiny", "valid services are"),
        ("sandbox://clickup?size=gigantic", "valid sizes are tiny, demo, large"),
    ],
)
def test_bad_sandbox_urls_are_clear_errors(url, message):
    with pytest.raises(EmulatorError, match=message):
        start_for_url(url)


def test_start_for_url_serves_on_loopback():
    served = start_for_url("sandbox://clickup?size=tiny&generation=0")
    try:
        response = requests.get(
            f"{served.base_url}/team",
            headers={"Authorization": served.credentials["api_token"]},
            timeout=5,
        )
        assert response.status_code == 200
    finally:
        served.stop()
    served.stop()  # idempotent


def test_a_busy_port_is_a_clear_error():
    with serve(ToyEmulator(generation=0)) as served:
        message = f"cannot listen on 127.0.0.1:{served.port}"
        with pytest.raises(EmulatorError, match=message):
            serve(ToyEmulator(generation=0), port=served.port)


def test_registry_knows_clickup_and_refuses_strangers():
    assert "clickup" in services()
    assert emulator_class("clickup").service == "clickup"
    with pytest.raises(EmulatorError, match=r"valid services are .*clickup"):
        emulator_class("myspace")
