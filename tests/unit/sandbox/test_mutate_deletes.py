"""`brainhub sandbox mutate` deletes records in every emulator, and `counts` follows."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.registry import services
from taps.runtime.registry import load_connector


def sandbox(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["sandbox", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("service", services())
def test_mutate_deletes_records_of_streams_a_sync_reads(service: str) -> None:
    before = sandbox("counts", service, "--size", "tiny")
    report = sandbox("mutate", service, "--size", "tiny")
    after = sandbox("counts", service, "--size", "tiny")
    changes = report["changes"]
    assert isinstance(changes, dict)
    deleted = {k.removesuffix("_deleted"): v for k, v in changes.items() if k.endswith("_deleted")}
    assert set(deleted) <= set(after), "deletions are named <stream>_deleted"
    assert sum(deleted.values()) > 0
    streams = load_connector(service).streams
    full_table = [s for s in deleted if deleted[s] and streams[s].incremental is None]
    assert full_table, "a full-table stream loses records, so a full re-read can tell"
    assert after != before
    sandbox("reset", service)
    assert sandbox("counts", service, "--size", "tiny") == before
