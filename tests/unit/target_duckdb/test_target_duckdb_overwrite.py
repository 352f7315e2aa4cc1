"""``load_method: overwrite`` replaces a table only when the whole run succeeded: the rows
are loaded beside the real table and swapped in at the end; a failure leaves the table,
and the state, as they were."""

from __future__ import annotations

import json

import duckdb
import pytest

from targets.duckdb.loader import Warehouse

from .conftest import invoke_cli, record, schema, state

TASK = {"id": {"type": "string"}, "priority": {"type": ["integer", "null"]}}


def tables(query) -> list[str]:
    """The stream tables of the schema (not the _streams and _columns name records)."""
    rows = query(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw_test' "
        "AND table_name NOT IN ('_streams', '_columns')"
    )
    return sorted(r[0] for r in rows)


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "duckdb-checked"])
def test_a_failed_overwrite_leaves_the_table_and_state_as_they_were(
    validate, run, config, query, tmp_path
):
    run([schema("tasks", TASK), record("tasks", {"id": "old1"}), record("tasks", {"id": "old2"})])
    messages = [schema("tasks", TASK)]
    for i in range(6):  # three batches of two commit before the bad record arrives
        messages += [record("tasks", {"id": f"new{i}"}), state({"n": i})]
    messages.append(record("tasks", {"id": "bad", "priority": "high"}))
    settings = {**config, "load_method": "overwrite", "batch_size_rows": 2}
    result = invoke_cli({**settings, "validate_records": validate}, messages, tmp_path)
    assert result.exit_code == 1
    assert "'priority'" in result.stderr.strip().splitlines()[-1]
    assert result.stdout.strip() == ""  # no state: the table does not hold those records
    assert query("SELECT id FROM raw_test.tasks ORDER BY id") == [("old1",), ("old2",)]
    assert tables(query) == ["tasks"]  # nothing left beside it


def test_a_successful_overwrite_swaps_every_stream_in_then_emits_state(
    config, query, tmp_path, run
):
    run([schema("tasks", TASK), record("tasks", {"id": "old"})])
    messages = [schema("tasks", TASK), schema("lists", TASK)]
    for i in range(5):
        messages += [record("tasks", {"id": f"t{i}"}), state({"n": i})]
    messages += [record("lists", {"id": "l0"}), state({"n": "end"})]
    settings = {**config, "load_method": "overwrite", "batch_size_rows": 2}
    result = invoke_cli(settings, messages, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"n": "end"}]
    assert query("SELECT count(*), min(id) FROM raw_test.tasks") == [(5, "t0")]
    assert query("SELECT id FROM raw_test.lists") == [("l0",)]
    assert tables(query) == ["lists", "tasks"]


def test_a_table_left_by_a_killed_overwrite_is_dropped_by_the_next_run(run, query, db_path):
    with duckdb.connect(str(db_path)) as con:
        con.execute("CREATE SCHEMA raw_test")
        con.execute("CREATE TABLE raw_test.__bh_overwrite_tasks AS SELECT 'stale' AS id")
    run([schema("tasks", TASK), record("tasks", {"id": "a"})])
    assert tables(query) == ["tasks"]


def test_a_database_failure_at_the_swap_is_one_line_and_changes_nothing(
    run, config, query, tmp_path, monkeypatch
):
    run([schema("tasks", TASK), record("tasks", {"id": "old"})])
    swap_in = Warehouse.swap_in

    def disk_full_after_the_first_rename(self, tables):
        original = self.conn.execute

        def execute(sql, *args):
            if sql.startswith("COMMIT"):
                raise duckdb.IOException("IO Error: No space left on device\nmore detail")
            return original(sql, *args)

        self.conn = _Connection(self.conn, execute)
        try:
            swap_in(self, tables)
        finally:
            self.conn = self.conn.wrapped

    monkeypatch.setattr(Warehouse, "swap_in", disk_full_after_the_first_rename)
    messages = [schema("tasks", TASK), record("tasks", {"id": "new"}), state({"n": 1})]
    result = invoke_cli({**config, "load_method": "overwrite"}, messages, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "target-duckdb: DuckDB failed: IO Error: No space left on device"
    )
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == ""
    assert query("SELECT id FROM raw_test.tasks") == [("old",)]
    assert tables(query) == ["tasks"]


class _Connection:
    """A DuckDB connection whose ``execute`` is replaced (DuckDB's own class is sealed)."""

    def __init__(self, wrapped, execute):
        self.wrapped = wrapped
        self.execute = execute

    def __getattr__(self, name):
        return getattr(self.wrapped, name)
