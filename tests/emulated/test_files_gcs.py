"""target-files and tap-files against Google Cloud Storage as served by gcp-storage-emulator
(in this process, on loopback): a round trip through Parquet objects, read incrementally."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pytest
from gcp_storage_emulator.server import create_server
from gcsfs.core import GCSFileSystem

from taps.files.tap import TapFiles
from targets.files.target import TargetFiles
from tests.support.targets import singer_lines

BUCKET = "brainhub-test"


@pytest.fixture
def gcs() -> Iterator[dict[str, str]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket=BUCKET)
    server.start()
    try:
        yield {
            "endpoint_url": f"http://127.0.0.1:{port}",
            "google_credentials": "anon",
            "google_project": "sandbox",
        }
    finally:
        server.stop()


def _messages(run: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        run()
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def test_parquet_round_trip_through_gcs(gcs: dict[str, str]) -> None:
    lines = singer_lines(
        [
            {"type": "SCHEMA", "stream": "tasks", "schema": {"properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}, "key_properties": ["id"]},
            {"type": "RECORD", "stream": "tasks", "record": {"id": 1, "name": "Zoë"}},
            {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": 1}}}},
        ]
    )  # fmt: skip
    target = TargetFiles(config={"path": f"gs://{BUCKET}/out", "format": "parquet", **gcs})
    assert _messages(lambda: target.listen(io.StringIO(lines))) == [
        {"bookmarks": {"tasks": {"n": 1}}}
    ]

    fs = GCSFileSystem(token="anon", endpoint_url=gcs["endpoint_url"], skip_instance_cache=True)
    (key,) = fs.find(f"{BUCKET}/out")  # the temporary object is gone
    assert key.endswith("-00001.parquet")

    config = {
        "path": f"gs://{BUCKET}/out",
        "tables": [{"name": "tasks", "glob": "tasks/**/*.parquet", "key_properties": ["id"]}],
        "settle_seconds": 0,
        **gcs,
    }
    first = _messages(TapFiles(config=config, setup_mapper=True).sync_all)
    assert [m["record"]["name"] for m in first if m["type"] == "RECORD"] == ["Zoë"]
    state = [m["value"] for m in first if m["type"] == "STATE"][-1]
    again = _messages(TapFiles(config=config, state=state, setup_mapper=True).sync_all)
    assert [m for m in again if m["type"] == "RECORD"] == []
