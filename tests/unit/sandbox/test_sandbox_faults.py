from __future__ import annotations

import socket

import pytest
import requests
from conftest import ToyEmulator
from werkzeug.test import Client

from brainhub.sandbox import FAULT_KINDS, FaultPolicy, serve


def test_same_seed_same_fault_sequence():
    def draws(seed: int) -> list[str | None]:
        policy = FaultPolicy(rate=0.3, seed=seed)
        return [policy.draw() for _ in range(200)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    sequence = draws(7)
    assert set(sequence) == {None, *FAULT_KINDS}
    assert 30 < sum(kind is not None for kind in sequence) < 90


def test_same_seed_same_faults_on_the_same_requests(toy_headers):
    def statuses() -> list[int]:
        emulator = ToyEmulator(
            generation=0, rate_limit=1000, fault_rate=0.5, faults="500,503", fault_seed=3
        )
        client = Client(emulator)
        return [client.get("/v1/pets", headers=toy_headers).status_code for _ in range(30)]

    first = statuses()
    assert first == statuses()
    assert {500, 503, 200} == set(first)


def test_zero_rate_never_faults():
    policy = FaultPolicy(rate=0.0, seed=1)
    assert {policy.draw() for _ in range(100)} == {None}


@pytest.fixture
def served_with_fault(request):
    kind = request.param
    emulator = ToyEmulator(generation=0, fault_rate=1.0, faults=kind, stall_s=0.5)
    with serve(emulator) as served:
        yield served


def _get(served, timeout: float = 5.0) -> requests.Response:
    return requests.get(f"{served.base_url}/pets", headers={"X-Api-Key": "key-1"}, timeout=timeout)


@pytest.mark.parametrize("served_with_fault", ["reset"], indirect=True)
def test_reset_drops_the_connection(served_with_fault):
    with pytest.raises(requests.ConnectionError):
        _get(served_with_fault)
    assert served_with_fault.emulator.request_log[-1].fault == "reset"
    assert served_with_fault.emulator.request_log[-1].status is None


@pytest.mark.parametrize("served_with_fault", ["timeout"], indirect=True)
def test_timeout_stalls_past_the_client_timeout(served_with_fault):
    with pytest.raises(requests.ReadTimeout):
        _get(served_with_fault, timeout=0.1)


@pytest.mark.parametrize("served_with_fault", ["truncate"], indirect=True)
def test_truncate_sends_half_a_json_body(served_with_fault):
    response = _get(served_with_fault)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(requests.JSONDecodeError):
        response.json()


@pytest.mark.parametrize("served_with_fault", ["429"], indirect=True)
def test_injected_429_says_when_to_retry(served_with_fault):
    response = _get(served_with_fault)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-Left"] == "0"
    assert response.json() == {"error": "slow down"}


@pytest.mark.parametrize("served_with_fault", ["500", "502", "503"], indirect=True)
def test_server_errors(served_with_fault):
    response = _get(served_with_fault)
    kind = served_with_fault.emulator.fault_policy.kinds[0]
    assert response.status_code == int(kind)
    assert response.text


def test_reset_in_process_raises():
    emulator = ToyEmulator(generation=0, fault_rate=1.0, faults="reset")
    with pytest.raises(ConnectionResetError):
        Client(emulator).get("/v1/pets", headers={"X-Api-Key": "key-1"})


def test_server_survives_resets_and_keeps_serving():
    emulator = ToyEmulator(generation=0, rate_limit=1000, fault_rate=0.5, faults="reset")
    with serve(emulator) as served:
        outcomes = []
        for _ in range(12):
            try:
                outcomes.append(_get(served).status_code)
            except requests.ConnectionError:
                outcomes.append("reset")
    assert "reset" in outcomes
    assert 200 in outcomes


def test_latency_is_added(toy_headers):
    emulator = ToyEmulator(generation=0, latency_ms=50)
    with serve(emulator) as served:
        response = _get(served)
    assert response.elapsed.total_seconds() >= 0.05


def test_serve_binds_loopback_only():
    with serve(ToyEmulator(generation=0)) as served:
        assert served.base_url.startswith("http://127.0.0.1:")
        assert served._server.socket.getsockname()[0] == "127.0.0.1"
        assert served._server.socket.family == socket.AF_INET
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{served.base_url}/pets", timeout=1)
