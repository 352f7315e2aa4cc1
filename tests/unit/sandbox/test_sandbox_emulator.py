from __future__ import annotations

import json

import pytest
from conftest import ToyEmulator
from werkzeug.test import Client

from brainhub.errors import EmulatorError
from brainhub.redaction import hidden
from brainhub.sandbox import state


def test_handlers_answer_through_the_base_path(toy_headers):
    client = Client(ToyEmulator(generation=0))
    response = client.get("/v1/pets", headers=toy_headers)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert len(response.json["pets"]) == 5
    assert client.get("/v1/pets/1", headers=toy_headers).json["id"] == 1


def test_request_log_records_what_tests_assert_on(fake_clock, toy_headers):
    emulator = ToyEmulator(generation=0, clock=fake_clock)
    Client(emulator).get("/v1/pets?tag=a&tag=b&page=2", headers=toy_headers)
    (entry,) = emulator.request_log
    assert entry.method == "GET"
    assert entry.path == "/v1/pets"
    assert entry.query == {"tag": ["a", "b"], "page": ["2"]}
    assert entry.headers["X-Api-Key"] == hidden("key-1")
    assert entry.status == 200
    assert entry.timestamp == fake_clock.now
    assert entry.fault is None
    assert entry.as_dict()["query"] == {"tag": ["a", "b"], "page": ["2"]}
    emulator.clear_request_log()
    assert emulator.request_log == []


def test_request_log_file_gets_json_lines(tmp_path, toy_headers):
    log = tmp_path / "requests.jsonl"
    emulator = ToyEmulator(generation=0, request_log_path=log)
    client = Client(emulator)
    client.get("/v1/pets", headers=toy_headers)
    client.get("/v1/nowhere", headers=toy_headers)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/v1/pets", 200),
        ("/v1/nowhere", 404),
    ]


def test_unknown_routes_and_methods_get_the_not_found_hook(toy_headers):
    client = Client(ToyEmulator(generation=0))
    assert client.get("/v1/owners", headers=toy_headers).status_code == 404
    assert client.post("/v1/pets", headers=toy_headers).status_code == 404
    assert client.get("/pets", headers=toy_headers).status_code == 404, "base path required"


def test_auth_failures_use_the_vendor_hook_and_are_not_rate_counted(fake_clock, toy_headers):
    emulator = ToyEmulator(generation=0, clock=fake_clock)
    client = Client(emulator)
    denied = client.get("/v1/pets", headers={"X-Api-Key": "wrong"})
    assert (denied.status_code, denied.json) == (401, {"error": "bad key"})
    assert "X-Left" not in denied.headers
    assert client.get("/v1/pets", headers=toy_headers).headers["X-Left"] == "2"


def test_rate_limit_headers_on_every_response_then_429(fake_clock, toy_headers):
    client = Client(ToyEmulator(generation=0, clock=fake_clock))
    lefts = [client.get("/v1/pets", headers=toy_headers).headers["X-Left"] for _ in range(3)]
    assert lefts == ["2", "1", "0"]
    throttled = client.get("/v1/pets", headers=toy_headers)
    assert throttled.status_code == 429
    assert throttled.json == {"error": "slow down"}
    assert throttled.headers["X-Reset"] == str(int(fake_clock.now + 60))
    fake_clock.now += 60
    assert client.get("/v1/pets", headers=toy_headers).status_code == 200


def test_rate_limit_override(fake_clock, toy_headers):
    client = Client(ToyEmulator(generation=0, clock=fake_clock, rate_limit=10))
    statuses = [client.get("/v1/pets", headers=toy_headers).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_same_seed_same_data_other_seed_other_data():
    assert ToyEmulator(seed=4, generation=0).pets == ToyEmulator(seed=4, generation=0).pets
    assert ToyEmulator(seed=4, generation=0).pets != ToyEmulator(seed=5, generation=0).pets


def test_generation_comes_from_the_state_file_and_is_followed(tmp_path, toy_headers):
    state.write_generation("toy", 2, tmp_path)
    emulator = ToyEmulator(state_dir=tmp_path)
    assert emulator.generation == 2
    assert emulator.counts() == {"pets": 7}
    state.write_generation("toy", 4, tmp_path)
    response = Client(emulator).get("/v1/pets", headers=toy_headers)
    assert len(response.json["pets"]) == 9
    assert emulator.generation == 4


def test_explicit_generation_ignores_the_state_file(tmp_path, toy_headers):
    state.write_generation("toy", 2, tmp_path)
    emulator = ToyEmulator(state_dir=tmp_path, generation=0)
    state.write_generation("toy", 5, tmp_path)
    assert len(Client(emulator).get("/v1/pets", headers=toy_headers).json["pets"]) == 5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"size": "huge"}, "valid sizes are tiny, demo, large"),
        ({"generation": -1}, "generation must be >= 0"),
        ({"faults": "429,boom"}, "unknown fault kind 'boom'"),
        ({"fault_rate": 2.0}, "fault rate must be between 0 and 1"),
        ({"rate_limit": -5}, "rate limit .-5. is not valid"),
        ({"latency_ms": -1}, "latency_ms must be >= 0"),
    ],
)
def test_bad_options_are_clear_errors(options, message):
    with pytest.raises(EmulatorError, match=message):
        ToyEmulator(**options)


def test_the_module_docstring_example_runs():
    import textwrap

    import brainhub.sandbox.emulator as module

    example = module.__doc__.split("Writing an emulator::")[1].split("Put it in")[0]
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(example), namespace)  # noqa: S102 - our own documentation
    emulator = namespace["PetsEmulator"](generation=0)
    response = Client(emulator).get("/v1/pets", headers={"X-Api-Key": "key-1"})
    assert len(response.json["pets"]) == 5
    assert emulator.counts() == {"pets": 5}
    assert Client(emulator).get("/v1/pets").status_code == 401
