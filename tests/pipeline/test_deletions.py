"""Records ``brainhub sandbox mutate`` deletes are marked deleted in the warehouse.

A full-table stream (with only full-table ancestors) is read completely on every sync, so a
record missing from the new read was deleted at the source: the tap's ACTIVATE_VERSION lets
target-duckdb set ``_sdc_deleted_at`` on it. Incremental streams (and their children) never
see a deletion; their deleted rows simply stay.
"""

from __future__ import annotations

import json

import pytest

from brainhub.sandbox.registry import services
from taps.runtime.registry import load_connector
from tests.pipeline.conftest import MeltanoProject, deleted_per_stream

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]


def fully_reread_streams(service: str) -> list[str]:
    """Streams a sync reads in full: full table, and so is every ancestor."""
    streams = load_connector(service).streams

    def full(name: str) -> bool:
        stream = streams[name]
        return stream.incremental is None and all(full(p) for p in stream.parent_names)

    return [name for name in streams if full(name)]


@pytest.mark.parametrize("service", services())
def test_records_deleted_at_the_source_are_marked_deleted_in_the_warehouse(
    meltano_project: MeltanoProject, service: str
) -> None:
    meltano_project.run("run", f"tap-{service}", "target-duckdb")
    mutated = json.loads(meltano_project.brainhub("sandbox", "mutate", service).stdout)
    meltano_project.run("run", f"tap-{service}", "target-duckdb")
    now = json.loads(meltano_project.brainhub("sandbox", "counts", service).stdout)
    deleted = deleted_per_stream(mutated["changes"])
    checked = fully_reread_streams(service)
    assert any(deleted.get(stream) for stream in checked), "mutate deletes in a re-read stream"
    for stream in checked:
        ((live, marked),) = meltano_project.query(
            "SELECT count(*) FILTER (WHERE _sdc_deleted_at IS NULL), "  # noqa: S608
            f"count(*) FILTER (WHERE _sdc_deleted_at IS NOT NULL) FROM raw_{service}.{stream}"
        )
        assert (stream, live, marked) == (stream, now[stream], deleted.get(stream, 0))
