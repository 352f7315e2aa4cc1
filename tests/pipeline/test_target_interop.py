"""Interop: community Singer taps from the package registry, piped into target-duckdb.

Each tap is installed into a throwaway virtualenv of its own under ``.venv-interop/`` at the
repository root (kept between runs, ignored by git). ``meltanolabs-tap-postgres`` reads a
private PostgreSQL cluster that the test starts on 127.0.0.1 (see ``tests/support``).
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import venv
from pathlib import Path

import duckdb
import pytest

from tests.support.postgres import find_bin_dir, private_postgres

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO / ".venv-interop"
TARGET = Path(sys.executable).with_name("target-duckdb")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("target-interop")]


def community_tap(package: str, version: str, executable: str) -> Path:
    """Install ``package==version`` in its own virtualenv once; return its executable."""
    home = INTEROP / f"{package}-{version}"
    binary = home / "bin" / executable
    INTEROP.mkdir(exist_ok=True)
    with open(INTEROP / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(home)
            done = subprocess.run(
                [str(home / "bin" / "pip"), "install", "--quiet", f"{package}=={version}"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode != 0:
                pytest.fail(f"pip could not install {package}=={version}:\n{done.stderr[-2000:]}")
    return binary


def pipe(tap: list[str], target_config: dict, tmp_path: Path) -> list[dict]:
    """Run ``tap | target-duckdb``; return the states the target emitted."""
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps(target_config))
    tapped = subprocess.run(tap, capture_output=True, timeout=300, check=False)
    assert tapped.returncode == 0, tapped.stderr.decode()[-2000:]
    loaded = subprocess.run(
        [str(TARGET), "--config", str(config_file)],
        input=tapped.stdout,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr.decode()[-2000:]
    return [json.loads(line) for line in loaded.stdout.decode().splitlines() if line.strip()]


def test_tap_jsonl_output_loads(tmp_path):
    tap = community_tap("tap-jsonl", "0.3.1", "tap-jsonl")
    data = tmp_path / "people.jsonl"
    rows = [
        {"id": 1, "name": "Zoë", "address": {"city": "Kraków"}, "tags": ["a", "b"], "score": 1.5},
        {"id": 2, "name": None, "tags": [], "score": 2},
        {"id": 3, "name": "Third", "address": {"city": "Lyon", "zip": "69001"}},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    tap_config = tmp_path / "tap.json"
    tap_config.write_text(
        json.dumps({"path": str(data), "stream_name": "people", "primary_keys": ["id"]})
    )
    db = tmp_path / "w.duckdb"
    states = pipe(
        [str(tap), "--config", str(tap_config)],
        {"path": str(db), "default_target_schema": "raw_jsonl"},
        tmp_path,
    )
    assert states, "the target emitted no state"
    with duckdb.connect(str(db), read_only=True) as conn:
        loaded = conn.execute(
            "SELECT id, name, address, tags, score FROM raw_jsonl.people ORDER BY id"
        ).fetchall()
    assert [(r[0], r[1]) for r in loaded] == [(1, "Zoë"), (2, None), (3, "Third")]
    assert json.loads(loaded[0][2]) == {"city": "Kraków"}
    assert json.loads(loaded[2][2]) == {"city": "Lyon", "zip": "69001"}
    assert json.loads(loaded[0][3]) == ["a", "b"]
    assert [r[4] for r in loaded] == [1.5, 2.0, None]


@pytest.mark.services
def test_tap_postgres_output_loads(tmp_path):
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL binaries not installed (run scripts/install-services.sh)")
    psycopg2 = pytest.importorskip("psycopg2")
    tap = community_tap("meltanolabs-tap-postgres", "0.10.0", "tap-postgres")
    with private_postgres() as pg:
        with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, "
                "price numeric(10,2), created timestamptz, day date, done boolean, "
                "doc jsonb, tags text[], big bigint)"
            )
            cur.execute(
                "INSERT INTO items VALUES "
                "(1, 'ä', 12.34, '2024-01-01T10:00:00+02', '2024-01-01', true, "
                "'{\"k\": [1, 2]}', '{x,y}', 9007199254740993), "
                "(2, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
            )
            cur.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
            cur.execute(
                "INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 250) g"
            )
        tap_config = tmp_path / "tap.json"
        tap_config.write_text(
            json.dumps(
                {
                    "host": pg.host,
                    "port": pg.port,
                    "user": pg.user,
                    "password": pg.password,
                    "database": pg.database,
                    "filter_schemas": ["public"],
                }
            )
        )
        discovered = subprocess.run(
            [str(tap), "--config", str(tap_config), "--discover"],
            capture_output=True,
            timeout=300,
            check=True,
        )
        catalog = json.loads(discovered.stdout)
        for stream in catalog["streams"]:
            for entry in stream["metadata"]:
                if entry["breadcrumb"] == []:
                    entry["metadata"]["selected"] = True
        catalog_file = tmp_path / "catalog.json"
        catalog_file.write_text(json.dumps(catalog))
        db = tmp_path / "w.duckdb"
        pipe(
            [str(tap), "--config", str(tap_config), "--catalog", str(catalog_file)],
            {"path": str(db), "default_target_schema": "raw_postgres", "batch_size_rows": 100},
            tmp_path,
        )
    # Streams public-items and public-notes land in schema public (the SDK's schema-table).
    with duckdb.connect(str(db), read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'items'"
            ).fetchall()
        )
        items = conn.execute(
            "SELECT id, name, price, strftime(created, '%Y-%m-%dT%H:%M:%S'), day, done, doc, "
            "tags, big FROM public.items ORDER BY id"
        ).fetchall()
        notes = conn.execute(
            "SELECT count(*), count(DISTINCT id), max(body) FROM public.notes"
        ).fetchone()
    assert types["created"] == "TIMESTAMP WITH TIME ZONE"
    assert types["tags"] == "VARCHAR[]"
    assert types["big"] == "BIGINT"
    first, second = items
    assert first[:4] == (1, "ä", 12.34, "2024-01-01T08:00:00")
    assert str(first[4]) == "2024-01-01"
    assert first[5] is True
    assert json.loads(first[6]) == {"k": [1, 2]}
    assert first[7] == ["x", "y"]
    assert first[8] == 9007199254740993  # beyond double precision: kept exact
    assert second == (2, "b", None, None, None, None, None, None, None)
    assert notes == (250, 250, "note 99")
