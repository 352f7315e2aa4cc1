"""tap-files and target-files against Azure Blob Storage as Azurite serves it (the pinned npm
package, started on loopback through ``brainhub services``): Parquet and CSV round trips,
incremental reads that re-read a rewritten blob and skip half-written ones, an atomic
publish, and errors that name the location without the account key."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pyarrow.parquet as pq
import pytest
from adlfs import AzureBlobFileSystem

from brainhub.errors import SettingsError
from brainhub.objectstore import StorageError
from brainhub.services.azurite import ACCOUNT_KEY, AzuriteServer
from taps.files.tap import TapFiles
from targets.files.target import TargetFiles
from tests.databases.conftest import running_server
from tests.support.targets import singer_lines

CONTAINER = "brainhub-test"

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("azurite")]


@pytest.fixture(scope="module")
def azure() -> Iterator[dict[str, str]]:
    """A private Azurite with one container; the settings tap-files and target-files take."""
    for server in running_server(AzuriteServer):
        assert isinstance(server, AzuriteServer)
        settings = {"azure_connection_string": server.connection_string()}
        _filesystem(settings).mkdir(CONTAINER)
        yield settings


def _filesystem(settings: dict[str, str]) -> AzureBlobFileSystem:
    return AzureBlobFileSystem(
        connection_string=settings["azure_connection_string"], skip_instance_cache=True
    )


def _messages(run: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        run()
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def _sync(config: dict[str, Any], state: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return _messages(TapFiles(config=config, state=state, setup_mapper=True).sync_all)


def _records(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def _last_state(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def test_parquet_round_trip_through_azure_blob(azure: dict[str, str]) -> None:
    lines = singer_lines(
        [
            {"type": "SCHEMA", "stream": "tasks", "schema": {"properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}, "key_properties": ["id"]},
            {"type": "RECORD", "stream": "tasks", "record": {"id": 1, "name": "Zoë"}},
            {"type": "RECORD", "stream": "tasks", "record": {"id": 2, "name": "Ana"}},
            {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": 2}}}},
        ]
    )  # fmt: skip
    target = TargetFiles(config={"path": f"az://{CONTAINER}/out", "format": "parquet", **azure})
    assert _messages(lambda: target.listen(io.StringIO(lines))) == [
        {"bookmarks": {"tasks": {"n": 2}}}
    ]

    fs = _filesystem(azure)
    (blob,) = fs.find(f"{CONTAINER}/out")  # the temporary blob is gone
    assert blob.startswith(f"{CONTAINER}/out/tasks/date={target.run_date.isoformat()}/part-")
    assert blob.endswith("-00001.parquet")
    with fs.open(blob, "rb") as stored:
        assert pq.read_table(stored).to_pylist() == [
            {"id": 1, "name": "Zoë"},
            {"id": 2, "name": "Ana"},
        ]

    config = {
        "path": f"az://{CONTAINER}/out",
        "tables": [{"name": "tasks", "glob": "tasks/**/*.parquet", "key_properties": ["id"]}],
        "settle_seconds": 0,
        **azure,
    }
    first = _sync(config)
    assert [r["name"] for r in _records(first)] == ["Zoë", "Ana"]
    assert _records(_sync(config, _last_state(first))) == []


def test_csv_blobs_are_read_incrementally_and_a_rewritten_one_again(
    azure: dict[str, str],
) -> None:
    fs = _filesystem(azure)
    fs.pipe(f"{CONTAINER}/in/a.csv", b"id,v\n1,x\n")
    fs.pipe(f"{CONTAINER}/in/b.csv.part", b"id,v\n9,half\n")  # still being uploaded
    config = {
        "path": f"az://{CONTAINER}/in",
        "tables": [{"name": "items", "glob": "*", "format": "csv", "key_properties": ["id"]}],
        "settle_seconds": 0,
        **azure,
    }
    first = _sync(config)
    assert [(r["id"], r["v"]) for r in _records(first)] == [(1, "x")]
    state = _last_state(first)
    assert _records(_sync(config, state)) == []

    fs.pipe(f"{CONTAINER}/in/a.csv", b"id,v\n1,y\n2,z\n")
    again = _records(_sync(config, state))
    assert [(r["id"], r["v"]) for r in again] == [(1, "y"), (2, "z")]


def test_a_missing_container_is_one_error_without_the_key(azure: dict[str, str]) -> None:
    config = {
        "path": "az://no-such-container/in",
        "tables": [{"name": "items", "glob": "*.jsonl"}],
        **azure,
    }
    with pytest.raises(SettingsError) as failed:
        TapFiles(config=config)
    assert str(failed.value) == (
        "setting 'path': the bucket 'no-such-container' of 'az://no-such-container/in' does "
        "not exist, or these credentials cannot see it"
    )
    assert ACCOUNT_KEY not in str(failed.value)


def test_a_wrong_key_is_one_error_without_either_key(azure: dict[str, str]) -> None:
    wrong = "d3Jvbmcta2V5LW5vdC10aGUtYWNjb3VudHMtb25l" * 2
    settings = {
        "azure_connection_string": azure["azure_connection_string"].replace(ACCOUNT_KEY, wrong)
    }
    config = {"path": f"az://{CONTAINER}/in", "tables": [{"name": "items", "glob": "*.csv"}]}
    with (
        pytest.warns(UserWarning, match="container properties"),
        pytest.raises(StorageError) as failed,
    ):
        TapFiles(config={**config, **settings})
    message = str(failed.value)
    assert message.startswith(f"az://{CONTAINER}/in: cannot list '*.csv': HttpResponseError: ")
    assert "authenticate" in message
    assert wrong not in message
    assert ACCOUNT_KEY not in message


def test_a_malformed_connection_string_names_the_setting_not_its_value() -> None:
    secret = "AccountKey=c2VjcmV0LXZhbHVl"
    config = {
        "path": f"az://{CONTAINER}/in",
        "tables": [{"name": "items", "glob": "*.csv"}],
        "azure_connection_string": secret,
    }
    with pytest.raises(SettingsError) as failed:
        TapFiles(config=config)
    message = str(failed.value)
    assert message.startswith(
        f"setting 'path': cannot open 'az://{CONTAINER}/in' with the connection settings given: "
    )
    assert secret not in message
