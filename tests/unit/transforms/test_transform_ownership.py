"""Outputs never write into what targets load, nor into any table transform-duckdb did not
build: refused by name when the mapping is loaded, and by the table's mark when it is built."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from transforms.engine import MappingError, load_mapping_text
from transforms.engine.cli import main
from transforms.engine.sql_models import parse_sql_model

MAPPING = """\
version: 1
outputs:
  stg_demo.tasks:
    from: raw_demo.tasks
    fields:
      task_id: {from: id, apply: [to_int]}
      name: name
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "transforms").mkdir()
    (tmp_path / "data").mkdir()
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA raw_demo")
        connection.execute(
            "CREATE TABLE raw_demo.tasks AS SELECT *, now() AS _sdc_extracted_at FROM "
            "(VALUES ('1', 'a'), ('2', 'b'), ('x', 'c')) AS t(id, name)"
        )
    return tmp_path


def write(project: Path, name: str, text: str) -> None:
    (project / "transforms" / name).write_text(text, encoding="utf-8")


def invoke(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, [*args, "--project-dir", str(project)], env={"TRANSFORM_DUCKDB_PATH": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def query(project: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_an_output_into_a_load_schema_is_refused_and_the_loaded_rows_stay(project: Path) -> None:
    write(project, "bad.yaml", MAPPING.replace("stg_demo.tasks:", "raw_demo.tasks:"))
    for command in ("run", "validate"):
        code, out, err = invoke(project, command)
        assert (code, out) == (1, "")
        assert err == (
            "transform-duckdb: error: transforms/bad.yaml:3: output 'raw_demo.tasks': schema "
            "'raw_demo' is where targets load raw data, and outputs never replace loaded "
            "tables; outputs go to a staging schema stg_<service> or a mart schema "
            "mart_<service> (e.g. stg_clickup.tasks, mart_clickup.tasks_by_status)\n"
        )
    assert query(project, "SELECT id, name FROM raw_demo.tasks ORDER BY id") == [
        ("1", "a"),
        ("2", "b"),
        ("x", "c"),
    ]


@pytest.mark.parametrize("name", ["raw.tasks", "RAW_Clickup.tasks", "raw_x.t", "pg_catalog.t"])
def test_every_spelling_of_a_load_or_system_schema_is_refused(name: str) -> None:
    with pytest.raises(MappingError, match=r"^m\.yaml:3: output .* stg_<service>"):
        load_mapping_text(MAPPING.replace("stg_demo.tasks", name), "m.yaml")
    with pytest.raises(MappingError, match=r"^top\.sql:1: output .* stg_<service>"):
        parse_sql_model(f"-- output: {name}\nSELECT 1 AS a", "top.sql", "x")


def test_a_sql_model_named_into_a_load_schema_by_its_file_name_is_refused(project: Path) -> None:
    write(project, "raw_demo.tasks.sql", "SELECT 1 AS id")
    code, _, err = invoke(project, "run")
    assert code == 1
    assert err.startswith(
        "transform-duckdb: error: transforms/raw_demo.tasks.sql:1: output 'raw_demo.tasks': "
    )
    assert query(project, "SELECT count(*) FROM raw_demo.tasks") == [(3,)]


@pytest.mark.parametrize("loaded", ["stg_demo.tasks", "stg_demo.other"])
def test_no_output_is_built_into_a_schema_a_target_loads(project: Path, loaded: str) -> None:
    # As mapper-duckdb in flight leaves it: target-duckdb loaded stg_demo.* itself.
    with duckdb.connect(str(project / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA stg_demo")
        connection.execute(
            f"CREATE TABLE {loaded} AS SELECT 42 AS task_id, now() AS _sdc_batched_at"
        )
    write(project, "m.yaml", MAPPING)
    code, out, err = invoke(project, "run")
    assert (code, out) == (1, "")
    table = loaded.split(".")[1]
    assert err == (
        "transform-duckdb: error: transforms/m.yaml:3: output 'stg_demo.tasks' would write "
        f"into schema 'stg_demo', which a target loads (stg_demo.{table} has _sdc_ columns, "
        "e.g. from mapper-duckdb in flight); outputs never write where targets load. Outputs "
        "go to a staging schema stg_<service> or a mart schema mart_<service> (e.g. "
        "stg_clickup.tasks, mart_clickup.tasks_by_status), in a schema no target loads\n"
    )
    assert query(project, f"SELECT task_id FROM {loaded}") == [(42,)]  # noqa: S608
    built = query(project, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'stg_demo'")
    assert built == [(table,)]
    code, _, err = invoke(project, "validate")
    assert code == 1
    assert "transforms/m.yaml:3: output 'stg_demo.tasks' would write into schema 'stg_demo'" in err


@pytest.mark.parametrize(
    ("existing", "reason"),
    [
        ("CREATE TABLE stg_demo.tasks AS SELECT 1 AS kept", "transform-duckdb did not build it"),
        ("CREATE VIEW stg_demo.tasks AS SELECT 1 AS kept", "it is a view"),
        (
            "CREATE TABLE stg_demo.tasks__rejected AS SELECT 1 AS kept",
            "transform-duckdb did not build it",
        ),
    ],
)
def test_tables_made_by_anyone_else_are_neither_replaced_nor_dropped(
    project: Path, existing: str, reason: str
) -> None:
    with duckdb.connect(str(project / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA stg_demo")
        connection.execute(existing)
    table = existing.split()[2]
    write(project, "m.yaml", MAPPING)
    code, _, err = invoke(project, "run")
    assert code == 1
    assert f"would replace {table}, but {reason};" in err
    assert query(project, f"SELECT kept FROM {table}") == [(1,)]  # noqa: S608


def test_tables_the_stage_built_are_rebuilt_and_marked(project: Path) -> None:
    write(project, "m.yaml", MAPPING)
    write(project, "mart_demo.names.sql", "SELECT name FROM stg_demo.tasks")
    for _ in range(2):
        code, out, err = invoke(project, "run")
        assert (code, err) == (0, ""), err
        assert "built stg_demo.tasks: 2 rows, 1 rejected" in out
    comments = query(
        project,
        "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
        "WHERE schema_name <> 'raw_demo' ORDER BY 1",
    )
    assert comments == [
        ("mart_demo.names", "built by transform-duckdb from transforms/mart_demo.names.sql:1"),
        ("stg_demo.tasks", "built by transform-duckdb from transforms/m.yaml:3"),
        ("stg_demo.tasks__rejected", "built by transform-duckdb from transforms/m.yaml:3"),
    ]
    # Dropped and re-created by someone else, the table loses the mark and is protected.
    with duckdb.connect(str(project / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE OR REPLACE TABLE mart_demo.names AS SELECT 'mine' AS name")
    code, _, err = invoke(project, "run")
    assert code == 1
    assert "would replace mart_demo.names, but transform-duckdb did not build it" in err
    assert query(project, "SELECT name FROM mart_demo.names") == [("mine",)]
