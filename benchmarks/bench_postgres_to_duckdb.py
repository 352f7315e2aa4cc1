"""PostgreSQL → DuckDB: our pipeline against a bulk copy, in the same run.

Starts a private PostgreSQL server (``brainhub.services``), fills a table of app-like rows
(integer key, text, numeric, timestamptz, boolean, jsonb, text[]), then times:

* **bulk** — our ``tap-postgres-bulk`` (``COPY`` of ``row_to_json`` lines, made a Parquet file
  by DuckDB inside the tap, one BATCH message) piped into our ``target-duckdb``, a full-table
  read;
* **community** — the community ``tap-postgres`` (as meltano.yml pins it, from
  ``.meltano/extractors``; run ``meltano install extractor tap-postgres`` first, else it is
  left out) piped into our ``target-duckdb``, a full-table read; with ``--batch jsonl`` (or
  ``gzip``) the tap writes the SDK's BATCH messages, JSONL files of 100,000 records that
  target-duckdb loads whole, and ``--tap-settings`` adds any other tap setting;
* **yardstick** — ``COPY (SELECT …) TO STDOUT`` through ``psql`` into a CSV file, then DuckDB's
  ``read_csv`` into a table (a fresh process each). DuckDB's own ``postgres`` extension
  would be the natural yardstick, but it is downloaded from the network on first use; it is
  used only when it is already installed.

Prints seconds, rows/s, the ratio, and the peak RSS and CPU seconds of every process (on a
shared machine wall times swing with the load; CPU seconds hardly move). Row counts are checked.

    python benchmarks/bench_postgres_to_duckdb.py [--rows 100000]   # --rows 1000000 for 1M
    python benchmarks/bench_postgres_to_duckdb.py --batch jsonl    # the community tap's BATCH messages

Configuration of the community tap, measured at 1,000,000 rows on 2 cores shared with other
work (wall ratios swung from 12x to 34x with the load; CPU seconds of tap + target against
the yardstick's 1.0-1.3 s hardly move): the defaults 43.4 s (tap 33.3 s, 96 MiB; target
10.1 s, 278 MiB); BATCH messages of JSONL files 29.1 s (tap 24.4 s, 308 MiB; target 4.7 s,
229 MiB), loading the same types and values; BATCH with ``dates_as_string`` 25.1 s, but
that makes timestamp columns text, so it is no free gain. The tap already reads through a
server-side cursor and offers no fetch-size setting; stream maps and flattening are off
unless configured. What remains is the tap's Python work per row (about 20 us):
configuration saves a third of the CPU and cannot bring it near 2x.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from brainhub.services.postgres import PostgresServer, postgres_bin_dir  # noqa: E402
from brainhub.services.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent
TAP = REPO / ".meltano/extractors/tap-postgres/venv/bin/tap-postgres"
COLUMNS = "id, name, amount, created, flag, payload, tags"


FILL = (
    "CREATE TABLE bench (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), "
    "created timestamptz, flag boolean, payload jsonb, tags text[]); "
    "INSERT INTO bench SELECT g, 'customer ' || g || ' Zoë', (g % 100000) / 100.0, "
    "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', g % 3 = 0, "
    "jsonb_build_object('n', g, 'tier', CASE WHEN g % 10 = 0 THEN 'gold' ELSE 'std' END), "
    "ARRAY['t' || (g % 7), 'x'] FROM generate_series(1, :rows) g; ANALYZE bench"
)


def fill(server: PostgresServer, rows: int) -> None:
    psql(server, FILL.replace(":rows", str(int(rows))))


def psql(server: PostgresServer, sql: str, stdout=None) -> None:
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    s = server.settings
    subprocess.run(
        [str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", s.host, "-p", str(s.port),
         "-U", s.user, "-d", s.database, "-c", sql],
        env={**os.environ, "PGPASSWORD": s.password},
        stdout=stdout,
        check=True,
    )  # fmt: skip


def cpu_seconds(peaks: dict[str, str]) -> float:
    """The CPU seconds of every process of a run (as :func:`waited` wrote them)."""
    return sum(float(used.split(", ")[1].split(" s CPU")[0]) for used in peaks.values())


def waited(process: subprocess.Popen) -> str:
    """Wait for ``process``; its peak RSS and CPU seconds (non-zero exit: stop the benchmark)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{process.args[0]} failed with exit code {process.returncode}")
    return f"{usage.ru_maxrss // 1024} MiB, {usage.ru_utime + usage.ru_stime:.1f} s CPU"


def bulk(server: PostgresServer, work: Path, rows: int) -> tuple[float, dict[str, str]]:
    """tap-postgres-bulk | target-duckdb, every table of schema public."""
    s = server.settings
    tap_config = work / "bulk-tap.json"
    batches = work / "batches"
    tap_config.write_text(
        json.dumps({**s.as_dict(), "filter_schemas": ["public"], "batch_path": str(batches)})
    )
    warehouse = work / "bulk.duckdb"
    target_config = work / "bulk-target.json"
    target_config.write_text(json.dumps({"path": str(warehouse)}))
    started = time.perf_counter()
    tap = subprocess.Popen(
        [str(BIN / "tap-postgres-bulk"), "--config", str(tap_config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    target = subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(target_config)],
        stdin=tap.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert tap.stdout is not None
    tap.stdout.close()
    peaks = {"tap-postgres-bulk": waited(tap), "target-duckdb": waited(target)}
    elapsed = time.perf_counter() - started
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM public.bench").fetchone() or (0,)
    assert count == rows, f"bulk loaded {count} rows of {rows}"
    return elapsed, peaks


def community(
    server: PostgresServer, work: Path, rows: int, tap_settings: dict, batch: str
) -> tuple[float, dict[str, str]]:
    """The community tap-postgres | target-duckdb (``batch``: the SDK's BATCH messages)."""
    s = server.settings
    tap_config = work / "tap.json"
    if batch != "none":  # the SDK's BATCH messages: JSONL files the target loads whole
        (work / "batches").mkdir(exist_ok=True)
        encoding = {"format": "jsonl", "compression": "gzip" if batch == "gzip" else "none"}
        storage = {"root": (work / "batches").as_uri(), "prefix": "bench-"}
        tap_settings = {
            "batch_config": {"encoding": encoding, "storage": storage, "batch_size": 100_000},
            **tap_settings,
        }
    tap_config.write_text(json.dumps({**s.as_dict(), "filter_schemas": ["public"], **tap_settings}))
    catalog = json.loads(
        subprocess.run(
            [str(TAP), "--config", str(tap_config), "--discover"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    (work / "catalog.json").write_text(json.dumps(catalog))
    warehouse = work / "ours.duckdb"
    target_config = work / "target.json"
    target_config.write_text(json.dumps({"path": str(warehouse), "default_target_schema": "raw"}))
    started = time.perf_counter()
    tap = subprocess.Popen(
        [str(TAP), "--config", str(tap_config), "--catalog", str(work / "catalog.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    target = subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(target_config)],
        stdin=tap.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert tap.stdout is not None
    tap.stdout.close()
    peaks = {"tap-postgres": waited(tap), "target-duckdb": waited(target)}
    elapsed = time.perf_counter() - started
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM public.bench").fetchone() or (0,)
    assert count == rows, f"community loaded {count} rows of {rows}"
    return elapsed, peaks


def yardstick(server: PostgresServer, work: Path, rows: int) -> tuple[float, dict[str, str]]:
    csv = work / "bench.csv"
    warehouse = work / "copy.duckdb"
    started = time.perf_counter()
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    s = server.settings
    with csv.open("wb") as out:
        copy = subprocess.Popen(
            [str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", s.host, "-p", str(s.port),
             "-U", s.user, "-d", s.database,
             "-c", f"COPY (SELECT {COLUMNS} FROM bench) TO STDOUT WITH (FORMAT csv, HEADER)"],  # noqa: S608
            env={**os.environ, "PGPASSWORD": s.password},
            stdout=out,
        )  # fmt: skip
        peaks = {"psql COPY": waited(copy)}
    load = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "con.execute(\"CREATE TABLE bench AS SELECT * FROM read_csv(?, header = true, "
         "types = {'payload': 'JSON', 'created': 'TIMESTAMPTZ'})\", [sys.argv[2]])",
         str(warehouse), str(csv)],
    )  # fmt: skip
    peaks["duckdb read_csv"] = waited(load)
    elapsed = time.perf_counter() - started
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM bench").fetchone() or (0,)
    assert count == rows, f"the yardstick loaded {count} rows of {rows}"
    return elapsed, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the table [100000]")
    parser.add_argument(
        "--without-community", action="store_true", help="leave the community tap out"
    )
    parser.add_argument(
        "--tap-settings",
        default="{}",
        help="extra settings of the community tap-postgres as JSON, e.g. '{\"dates_as_string\": true}'",
    )
    parser.add_argument(
        "--batch",
        choices=["none", "jsonl", "gzip"],
        default="none",
        help="the community tap writes BATCH messages of JSONL files (gzip: compressed) [none]",
    )
    args = parser.parse_args()
    tap_settings = json.loads(args.tap_settings)
    if postgres_bin_dir() is None:
        raise SystemExit("PostgreSQL not installed: run scripts/install-services.sh")
    if not TAP.exists():
        print(f"{TAP} missing (`meltano install extractor tap-postgres`): community tap left out")
    home = Path(tempfile.mkdtemp(prefix="brainhub-bench-postgres-"))
    work = Path(tempfile.mkdtemp(prefix="brainhub-bench-work-"))
    server = PostgresServer(home, free_port())
    try:
        server.up()
        started = time.perf_counter()
        fill(server, args.rows)
        print(f"filled {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        results = {
            "yardstick": yardstick(server, work, args.rows),
            "bulk": bulk(server, work, args.rows),
        }
        if TAP.exists() and not args.without_community:
            results["community"] = community(server, work, args.rows, tap_settings, args.batch)
    finally:
        server.down()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    for name, (seconds, peaks) in results.items():
        usage = "; ".join(f"{process} {used}" for process, used in peaks.items())
        print(f"{name:<10} {seconds:7.1f} s  {args.rows / seconds:>10,.0f} rows/s  ({usage})")
    base_wall, base_peaks = results["yardstick"]
    for name, (seconds, peaks) in results.items():
        if name != "yardstick":
            cpu = cpu_seconds(peaks) / cpu_seconds(base_peaks)
            print(f"{name} / yardstick: {seconds / base_wall:.1f}x wall, {cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
