"""The database jobs through the real Meltano CLI: postgres-to-duckdb follows an app
database's inserts, updates and deletes; duckdb-to-postgres upserts a mart into it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.databases.conftest import REPO

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = [pytest.mark.pipeline, pytest.mark.services, pytest.mark.xdist_group("postgres")]
BIN = Path(sys.executable).parent


def project(tmp_path: Path) -> Path:
    """A private copy of the Meltano project sharing the installed community plugins."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    for name in (".venv", "transforms", "extract"):
        (root / name).symlink_to(REPO / name)
    plugins = (
        ("extractors", "tap-postgres"),
        ("loaders", "target-postgres"),
        ("extractors", "tap-mysql"),
    )
    for kind, name in plugins:
        if not (REPO / ".meltano" / kind / name).exists():
            continue
        (root / ".meltano" / kind).mkdir(parents=True, exist_ok=True)
        (root / ".meltano" / kind / name).symlink_to(REPO / ".meltano" / kind / name)
    (root / "data").mkdir()
    return root


def meltano(root: Path, server, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_", "MELTANO_"))}
    port = str(server.port)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
        BRAINHUB_SANDBOX_DIR=str(root / "data" / "sandbox"),
        TAP_POSTGRES_PORT=port,
        TARGET_POSTGRES_PORT=port,
        TAP_POSTGRES_DATABASE="pipeline_app",
        TAP_POSTGRES_BULK_PORT=port,
        TAP_POSTGRES_BULK_DATABASE="pipeline_app",
        TARGET_POSTGRES_DATABASE="pipeline_app",
        TAP_MYSQL_PORT=port,
        TARGET_MYSQL_PORT=port,
    )
    done = subprocess.run(
        [str(BIN / "meltano"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"meltano {' '.join(args)} failed:\n{done.stderr[-5000:]}"


def run_sql(server, database: str, sql: str, autocommit: bool = False) -> list[tuple]:
    settings = server.settings
    conn = psycopg2.connect(
        host=settings.host,
        port=settings.port,
        user=settings.user,
        password=settings.password,
        dbname=database,
    )
    conn.autocommit = autocommit
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall() if cur.description else []
        if not autocommit:
            conn.commit()
        return rows
    finally:
        conn.close()


@pytest.fixture
def app_database(postgres_server):
    """The sandbox app database, seeded as `make demo-all` seeds it; dropped afterwards."""
    run_sql(
        postgres_server, "postgres", 'DROP DATABASE IF EXISTS "pipeline_app" WITH (FORCE)', True
    )
    run_sql(postgres_server, "postgres", 'CREATE DATABASE "pipeline_app"', True)
    # statement by statement, as psql runs the file (a replication slot needs its own transaction)
    seed = (REPO / "scripts/app-db/postgres-seed.sql").read_text()
    for statement in seed.split(";\n"):
        if statement.strip():
            run_sql(postgres_server, "pipeline_app", statement, True)
    yield "pipeline_app"
    slot = "SELECT pg_drop_replication_slot('brainhub_app') FROM pg_replication_slots WHERE slot_name = 'brainhub_app'"
    run_sql(postgres_server, "postgres", slot, True)
    run_sql(
        postgres_server, "postgres", 'DROP DATABASE IF EXISTS "pipeline_app" WITH (FORCE)', True
    )


def test_postgres_to_duckdb_follows_updates_and_deletes(
    postgres_server, app_database, tap_postgres, target_postgres, tmp_path
):
    root = project(tmp_path)
    meltano(root, postgres_server, "run", "postgres-to-duckdb")
    warehouse = root / "data" / "sandbox.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        customers = con.execute(
            "SELECT id, name, balance, tags, _sdc_deleted_at FROM raw_postgres.customers ORDER BY id"
        ).fetchall()
        orders = con.execute("SELECT count(*) FROM raw_postgres.orders").fetchone()
    assert [(c[0], c[1], c[2]) for c in customers] == [
        (1, "Ada Lovelace", 120.5),
        (2, "Zoë Ångström", None),
        (3, "Karel Čapek", 0.0),
        (4, "Grace Hopper", 87.25),
    ]
    assert customers[0][3] == ["vip", "early"]
    assert all(c[4] is None for c in customers)
    assert orders == (4,)

    run_sql(
        postgres_server, app_database, (REPO / "scripts/app-db/postgres-changes.sql").read_text()
    )
    meltano(root, postgres_server, "run", "postgres-to-duckdb")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        customers = dict(
            con.execute(
                "SELECT id, (balance, _sdc_deleted_at IS NOT NULL) FROM raw_postgres.customers"
            ).fetchall()
        )
        orders = con.execute(
            "SELECT customer_id, total FROM raw_postgres.orders WHERE _sdc_deleted_at IS NULL "
            "ORDER BY id"
        ).fetchall()
    assert customers[1] == (130.5, False)  # updated
    assert customers[3][1] is True  # deleted: marked with _sdc_deleted_at
    assert customers[4] == (87.25, False)
    assert orders[-1] == (4, 9.5)  # inserted
    assert len(orders) == 5


def test_postgres_bulk_to_duckdb_copies_the_app_tables(postgres_server, app_database, tmp_path):
    root = project(tmp_path)
    meltano(root, postgres_server, "run", "postgres-bulk-to-duckdb")
    with duckdb.connect(str(root / "data" / "sandbox.duckdb"), read_only=True) as con:
        customers = con.execute(
            "SELECT id, name, balance, tags FROM raw_postgres.customers ORDER BY id"
        ).fetchall()
        (orders,) = con.execute("SELECT count(*) FROM raw_postgres.orders").fetchone() or (0,)
    assert [(c[0], c[1], c[2]) for c in customers] == [
        (1, "Ada Lovelace", 120.5),
        (2, "Zoë Ångström", None),
        (3, "Karel Čapek", 0.0),
        (4, "Grace Hopper", 87.25),
    ]
    assert customers[0][3] == ["vip", "early"]
    assert orders == 4
    batches = root / ".meltano" / "run" / "tap-postgres-bulk" / "batches"
    assert sorted(p.suffix for p in batches.iterdir()) == [".parquet", ".parquet"]


def with_mart(root: Path) -> Path:
    """The project's sandbox warehouse holding a small mart_clickup.tasks_by_status."""
    warehouse = root / "data" / "sandbox.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA mart_clickup")
        con.execute(
            "CREATE TABLE mart_clickup.tasks_by_status AS SELECT * FROM (VALUES "
            "('L1', 'Backlog', 'open', 'open', 3, 1, 4.5, TIMESTAMPTZ '2024-05-01 10:00:00+00'), "
            "('L1', 'Backlog', 'done', 'closed', 2, 0, NULL, NULL)) "
            "AS t(list_id, list_name, status, status_type, tasks, tasks_with_due_date, "
            "estimated_hours, next_due_at)"
        )
    return warehouse


def test_duckdb_to_postgres_upserts_a_mart(
    postgres_server, app_database, target_postgres, tmp_path
):
    root = project(tmp_path)
    warehouse = with_mart(root)
    meltano(root, postgres_server, "run", "duckdb-to-postgres")
    query = (
        "SELECT list_id, status, tasks, estimated_hours FROM marts.tasks_by_status ORDER BY status"
    )
    assert run_sql(postgres_server, app_database, query) == [
        ("L1", "done", 2, None),
        ("L1", "open", 3, 4.5),
    ]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE mart_clickup.tasks_by_status SET tasks = 7 WHERE status = 'open'")
    meltano(root, postgres_server, "run", "duckdb-to-postgres")
    assert run_sql(postgres_server, app_database, query) == [
        ("L1", "done", 2, None),
        ("L1", "open", 7, 4.5),
    ]


def test_mariadb_to_duckdb_reads_changed_rows(mariadb_server, tap_mysql, tmp_path):
    import pymysql

    settings = mariadb_server.settings
    conn = pymysql.connect(
        host=settings.host,
        port=settings.port,
        user=settings.user,
        password=settings.password,
        database="app",
        charset="utf8mb4",
        autocommit=True,
    )
    try:
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS products")
            for statement in (REPO / "scripts/app-db/mariadb-seed.sql").read_text().split(";\n"):
                if statement.strip():
                    cur.execute(statement)
        root = project(tmp_path)
        meltano(root, mariadb_server, "run", "mariadb-to-duckdb")
        with conn.cursor() as cur:
            cur.execute("UPDATE products SET price = 99.00 WHERE sku = 'KB-01'")
        meltano(root, mariadb_server, "run", "mariadb-to-duckdb")
    finally:
        conn.close()
    with duckdb.connect(str(root / "data" / "sandbox.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT sku, name, CAST(price AS VARCHAR), CAST(released_on AS DATE) "
            "FROM raw_mysql.products ORDER BY id"
        ).fetchall()
    assert [(sku, name, price) for sku, name, price, _ in rows] == [
        ("KB-01", "Clavier ergonomique", "99.00"),
        ("MS-02", "Maus “Präzision”", "24.50"),
        ("CB-03", "USB-C cable 東京", None),
    ]
    assert str(rows[0][3]) == "2023-09-01"


def test_duckdb_to_mariadb_upserts_a_mart(mariadb_server, tmp_path):
    import pymysql

    root = project(tmp_path)
    warehouse = with_mart(root)

    def rows() -> list[tuple]:
        s = mariadb_server.settings
        conn = pymysql.connect(
            host=s.host, port=s.port, user=s.user, password=s.password, database="marts"
        )
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT list_id, status, tasks, estimated_hours, next_due_at "
                    "FROM tasks_by_status ORDER BY status"
                )
                return list(cur.fetchall())
        finally:
            conn.close()

    meltano(root, mariadb_server, "run", "duckdb-to-mariadb")
    first = rows()
    assert [r[:4] for r in first] == [("L1", "done", 2, None), ("L1", "open", 3, 4.5)]
    assert str(first[1][4]) == "2024-05-01 10:00:00"  # UTC
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE mart_clickup.tasks_by_status SET tasks = 7 WHERE status = 'open'")
    meltano(root, mariadb_server, "run", "duckdb-to-mariadb")
    assert [r[:3] for r in rows()] == [("L1", "done", 2), ("L1", "open", 7)]
