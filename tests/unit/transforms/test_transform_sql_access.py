"""SQL models read only the warehouse unless marked ``-- trusted: true``: files, URLs, other
databases and extensions are refused by DuckDB itself, for run, validate and preview."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from transforms.engine import MappingError, load_mapping_text, run_models
from transforms.engine.access import restrict_external_access
from transforms.engine.cli import main
from transforms.engine.sql_models import parse_sql_model

SECRET = "root:x:0:0:do-not-leak"
HINT = (
    "(SQL models read only warehouse tables; a model that must read files, URLs or other "
    "databases needs the header line '-- trusted: true')"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "transforms").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.csv").write_text(f"line\n{SECRET}\n", encoding="utf-8")
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA raw_demo")
        connection.execute("CREATE TABLE raw_demo.items AS SELECT 1 AS id UNION ALL SELECT 2")
    return tmp_path


def write(project: Path, name: str, text: str) -> None:
    (project / "transforms" / name).write_text(text, encoding="utf-8")


def invoke(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, [*args, "--project-dir", str(project)], env={"TRANSFORM_DUCKDB_PATH": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def tables(project: Path) -> list[str]:
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


READERS = [
    "SELECT * FROM read_csv('{file}')",
    "SELECT * FROM '{file}'",
    "SELECT * FROM read_json('{file}')",
    "SELECT * FROM read_parquet('{file}')",
    "SELECT * FROM read_text('{file}')",
    "SELECT * FROM sniff_csv('{file}')",
    "SELECT * FROM glob('{dir}/*')",
    "SELECT * FROM query('SELECT * FROM read_csv(''{file}'')')",
    "WITH s AS (SELECT * FROM read_csv_auto('{file}')) SELECT * FROM s",
]


@pytest.mark.parametrize("reader", READERS)
def test_an_untrusted_model_cannot_read_files(project: Path, reader: str) -> None:
    sql = reader.format(file=project / "secret.csv", dir=project)
    write(project, "mart_demo.leak.sql", f"-- output: mart_demo.leak\n{sql}\n")
    for command in (("run",), ("preview", "mart_demo.leak")):
        code, out, err = invoke(project, *command)
        assert (code, out) == (1, ""), command
        assert err.startswith("transform-duckdb: error: transforms/mart_demo.leak.sql:"), err
        assert_refused(err)
    # validate binds without running: either it sees the refusal, or it runs nothing.
    code, out, err = invoke(project, "validate")
    if code:
        first, summary = err.splitlines()
        assert summary == "transform-duckdb: 1 error(s) in the mappings"
        assert first.startswith("transforms/mart_demo.leak.sql:")
        assert_refused(first + "\n")
    assert SECRET not in out + err
    assert tables(project) == ["raw_demo.items"]


def assert_refused(err: str) -> None:
    assert SECRET not in err
    assert len(err.splitlines()) == 1, err
    assert "output 'mart_demo.leak': " in err
    assert "Permission Error: " in err
    assert err.endswith(f"{HINT}\n")


def test_the_refusal_names_the_line_that_reads_outside(project: Path) -> None:
    write(
        project,
        "mart_demo.leak.sql",
        "-- output: mart_demo.leak\nSELECT id,\n  (SELECT count(*)\n   FROM "  # noqa: S608
        f"read_csv('{project / 'secret.csv'}')) AS n\nFROM raw_demo.items\n",
    )
    code, _, err = invoke(project, "run")
    assert code == 1
    assert err.startswith("transform-duckdb: error: transforms/mart_demo.leak.sql:4: ")


def test_a_trusted_model_reads_files_and_runs_before_access_is_switched_off(
    project: Path,
) -> None:
    # File order puts the untrusted model and a mapping output first; the trusted model
    # still runs while access is on, and what reads it runs after.
    write(project, "a.sql", "-- output: mart_demo.ids\nSELECT id FROM raw_demo.items\n")
    write(
        project,
        "b.yaml",
        "version: 1\noutputs:\n  stg_demo.items:\n    from: raw_demo.items\n",
    )
    write(
        project,
        "c.sql",
        "-- output: stg_demo.lines\n-- trusted: true\n-- Reads a reference file.\n"  # noqa: S608
        "SELECT line, (SELECT count(*) FROM stg_demo.items) AS items "
        f"FROM read_csv('{project / 'secret.csv'}')\n",
    )
    write(project, "d.sql", "-- output: mart_demo.lines\nSELECT line FROM stg_demo.lines\n")
    code, out, err = invoke(project, "run")
    assert (code, err) == (0, ""), err
    built = [line.split(":")[0] for line in out.splitlines()[:-1]]
    assert built == [
        "built stg_demo.items",
        "built stg_demo.lines",
        "built mart_demo.ids",
        "built mart_demo.lines",
    ]
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT * FROM mart_demo.lines").fetchall() == [(SECRET,)]
    code, out, err = invoke(project, "validate")
    assert (code, err) == (0, "")
    code, out, _ = invoke(project, "preview", "stg_demo.lines", "--format", "jsonl")
    assert (code, out) == (0, f'{{"line": "{SECRET}", "items": 2}}\n')


def test_a_trusted_model_may_not_read_an_untrusted_one(project: Path) -> None:
    write(project, "a.sql", "-- output: stg_demo.ids\nSELECT id FROM raw_demo.items\n")
    write(project, "b.yaml", "version: 1\noutputs:\n  mart_demo.mid: {from: stg_demo.ids}\n")
    write(
        project,
        "c.sql",
        "-- output: mart_demo.top\n-- trusted: true\nSELECT * FROM mart_demo.mid\n",
    )
    code, _, err = invoke(project, "run")
    assert code == 1
    assert err == (
        "transform-duckdb: error: transforms/c.sql:1: trusted SQL model 'mart_demo.top' reads "
        "'stg_demo.ids' (through mart_demo.mid), an untrusted SQL model; untrusted models run "
        "with external access off, after the trusted ones. Mark 'stg_demo.ids' '-- trusted: "
        "true' too, or let 'mart_demo.top' read only mapping outputs and loaded tables\n"
    )


def test_the_trusted_header_is_read_from_the_leading_comments_only() -> None:
    assert parse_sql_model("-- trusted: TRUE\nSELECT 1 AS a", "m.sql", "s.t").trusted
    assert not parse_sql_model("-- trusted: false\nSELECT 1 AS a", "m.sql", "s.t").trusted
    assert not parse_sql_model("SELECT 1 AS a\n-- trusted: true\n", "m.sql", "s.t").trusted
    with pytest.raises(
        MappingError, match=r"^m\.sql:2: '-- trusted:' must be true or false, got 'yes'$"
    ):
        parse_sql_model("-- output: s.t\n-- trusted: yes\nSELECT 1 AS a", "m.sql", "x")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('{file}')",
        "SELECT * FROM read_json('{file}')",
        "SELECT * FROM read_parquet('{file}')",
        "COPY (SELECT 1 AS a) TO '{dir}/out.csv'",
        "ATTACH '{dir}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    ],
)
def test_the_switch_refuses_every_way_out(tmp_path: Path, statement: str) -> None:
    (tmp_path / "f.csv").write_text("a\n1\n", encoding="utf-8")
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    restrict_external_access(connection)
    with pytest.raises(duckdb.PermissionException):
        connection.execute(statement.format(file=tmp_path / "f.csv", dir=tmp_path))
    with pytest.raises(duckdb.Error, match="Cannot enable external access"):
        connection.execute("SET enable_external_access = true")
    connection.execute("CREATE TABLE t AS SELECT 1 AS a")
    assert connection.execute("SELECT a FROM t").fetchall() == [(1,)]
    connection.close()
    assert not (tmp_path / "out.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_mapping_outputs_also_run_with_external_access_off(tmp_path: Path) -> None:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("CREATE SCHEMA raw_demo")
    connection.execute("CREATE TABLE raw_demo.items AS SELECT 1 AS id")
    outputs = load_mapping_text(
        "version: 1\noutputs:\n  stg_demo.items: {from: raw_demo.items}\n", "m.yaml"
    )
    assert [r.rows for r in run_models(connection, outputs)] == [1]
    setting = connection.execute("SELECT current_setting('enable_external_access')").fetchall()
    assert setting == [(False,)]
    connection.close()
