"""Upserts keep the rows they replace until a table is worth rewriting, then rewrite it."""

from __future__ import annotations

from targets.duckdb.loader import COMPACT_FRACTION, Warehouse

from .conftest import record, schema

TASK = {"id": {"type": "integer"}, "name": {"type": "string"}}


def tasks(ids, revision):
    return [record("tasks", {"id": i, "name": f"task {i} r{revision}"}) for i in ids]


def stored_and_live(query):
    stored = query(
        "SELECT estimated_size FROM duckdb_tables() "
        "WHERE schema_name = 'raw_test' AND table_name = 'tasks'"
    )[0][0]
    live = query("SELECT count(*) FROM raw_test.tasks")[0][0]
    return stored, live


def test_checkpoints_do_not_vacuum_the_rows_an_upsert_replaced(db_path):
    # Vacuuming rewrites every row group an upsert deleted a row from: several times the
    # cost of loading the changed records. The warehouse's connection never does it.
    warehouse = Warehouse(str(db_path))
    try:
        setting = warehouse.conn.execute("SELECT current_setting('max_vacuum_tasks')")
        assert setting.fetchall() == [(0,)]
    finally:
        warehouse.close()


def test_a_small_update_pass_leaves_the_table_as_it_was_stored(run, query):
    run([schema("tasks", TASK), *tasks(range(1000), 0)])
    run([schema("tasks", TASK), *tasks(range(0, 1000, 10), 1)])
    stored, live = stored_and_live(query)
    assert (stored, live) == (1100, 1000)  # the 100 replaced rows wait for a rewrite
    names = dict(query("SELECT id, name FROM raw_test.tasks"))
    assert names[10] == "task 10 r1"
    assert names[11] == "task 11 r0"


def test_a_table_whose_deleted_rows_reach_the_limit_is_rewritten(run, query):
    run([schema("tasks", TASK), *tasks(range(1000), 0)])
    passes = 0
    while True:  # another 20% of the records change per pass, until the limit is reached
        passes += 1
        run([schema("tasks", TASK), *tasks(range(passes, 1000, 5), passes)])
        stored, live = stored_and_live(query)
        assert passes < 5, (stored, live)
        if stored - live >= COMPACT_FRACTION * stored:
            break
    keys = query(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'raw_test' "
        "AND table_name = 'tasks'"
    )
    run([schema("tasks", TASK), *tasks([0], passes + 1)])
    stored, live = stored_and_live(query)
    assert (stored, live) == (1001, 1000)  # rewritten with 1,000 rows, then one replaced
    names = dict(query("SELECT id, name FROM raw_test.tasks"))
    assert names[0] == f"task 0 r{passes + 1}"
    assert names[1] == "task 1 r1"
    assert names[4] == ("task 4 r4" if passes >= 4 else "task 4 r0")
    assert (
        query(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'raw_test' "
            "AND table_name = 'tasks'"
        )
        == keys
    )
    assert query(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '\\_\\_bh\\_%' ESCAPE '\\'"
    ) == [(0,)]
