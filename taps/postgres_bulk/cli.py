"""Entry point of ``tap-postgres-bulk``: ``--config``, ``--discover``, ``--catalog``,
``--state``, ``--about``.

For every selected stream it prints SCHEMA, then one BATCH message naming the JSONL file
PostgreSQL wrote (``encoding: {format: jsonl}``, ``manifest: [file://…]``), then STATE with
the stream's bookmark. A setting, catalog or server the tap cannot use ends the run with one
line on stderr and exit code 1 — never a traceback, never the password.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import psycopg2
import psycopg2.extensions

from brainhub.errors import BrainhubError, SettingsError
from brainhub.plugin_cli import fail as end_run
from brainhub.singer_messages import check_input_files
from taps.postgres_bulk.discovery import discover
from taps.postgres_bulk.extract import StreamPlan, copy_stream, sweep_stale_batches
from taps.postgres_bulk.parquet import jsonl_to_parquet
from taps.postgres_bulk.settings import Settings, parse_settings

EXECUTABLE = "tap-postgres-bulk"
CAPABILITIES = ["catalog", "discover", "state", "about"]


def main(argv: list[str] | None = None) -> None:
    """Run tap-postgres-bulk; exit 0 when done, 1 after a one-line error."""
    parser = argparse.ArgumentParser(prog=EXECUTABLE, description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--catalog")
    parser.add_argument("--state")
    parser.add_argument("--discover", action="store_true")
    parser.add_argument("--about", action="store_true")
    parser.add_argument("--format", default="json", help="--about's format (json only)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.about:
        write({"name": EXECUTABLE, "capabilities": CAPABILITIES, "settings": SETTINGS_ABOUT})
        return
    password = ""
    try:
        check_input_files(sys.argv[1:] if argv is None else argv)
        config: dict[str, Any] = {}
        for path in args.config:
            config.update(read_json(path, "--config"))
        settings = parse_settings(config)
        password = settings.password
        if args.discover:
            with connected(settings) as connection, connection.cursor() as cursor:
                write(discover(cursor, settings.filter_schemas, settings.stream_naming))
            return
        catalog = read_json(args.catalog, "--catalog") if args.catalog else None
        state = read_json(args.state, "--state") if args.state else {}
        sync(settings, catalog, state)
    except BrainhubError as exc:
        fail(str(exc), password)
    except psycopg2.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"PostgreSQL at {settings.where()}: {reason}", password)
    except duckdb.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"writing a Parquet batch file: {reason} (batch_format: jsonl avoids it)", password)


def sync(settings: Settings, catalog: dict[str, Any] | None, state: dict[str, Any]) -> None:
    """Copy every selected stream of ``catalog`` (every table when none is given)."""
    sweep_stale_batches(settings.batch_path)
    with connected(settings) as connection:
        connection.set_session(
            isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True
        )
        if catalog is None:
            with connection.cursor() as cursor:
                catalog = discover(cursor, settings.filter_schemas, settings.stream_naming)
            connection.commit()
        plans = selected_streams(catalog)
        bookmarks: dict[str, Any] = dict(state.get("bookmarks") or {})
        for plan in plans:
            write(
                {
                    "type": "SCHEMA",
                    "stream": plan.name,
                    "schema": {"type": "object", "properties": plan.columns},
                    "key_properties": plan.key_properties,
                    **(
                        {"bookmark_properties": [plan.replication_key]}
                        if plan.replication_key
                        else {}
                    ),
                }
            )
            previous = bookmarks.get(plan.name) or {}
            bookmark = None
            if plan.replication_key and previous.get("replication_key") == plan.replication_key:
                bookmark = previous.get("replication_key_value")
            copied = copy_stream(connection, plan, bookmark, settings.batch_path)
            if copied.path is not None:
                path = copied.path
                if settings.batch_format == "parquet":
                    path = jsonl_to_parquet(path, plan.columns)
                write(
                    {
                        "type": "BATCH",
                        "stream": plan.name,
                        "encoding": {"format": settings.batch_format, "compression": "none"},
                        # not percent-encoded: targets read the path after file:// as it is
                        "manifest": [f"file://{path.resolve()}"],
                    }
                )
            if plan.replication_key:
                bookmarks[plan.name] = {
                    "replication_key": plan.replication_key,
                    "replication_key_value": copied.bookmark,
                }
                write({"type": "STATE", "value": {**state, "bookmarks": bookmarks}})
            print(
                f"{EXECUTABLE}: stream {plan.name}: {copied.rows} rows copied",
                file=sys.stderr,
            )
        if not any(p.replication_key for p in plans):
            write({"type": "STATE", "value": {**state, "bookmarks": bookmarks}})


def selected_streams(catalog: dict[str, Any]) -> list[StreamPlan]:
    """The catalog's selected streams and columns (key columns always), with their
    replication key when the stream is INCREMENTAL."""
    streams = catalog.get("streams")
    if not isinstance(streams, list):
        raise SettingsError("--catalog: expected an object with a 'streams' list")
    plans = []
    for index, stream in enumerate(streams):
        if not isinstance(stream, dict) or not isinstance(stream.get("schema"), dict):
            raise SettingsError(f"--catalog: stream {index}: expected an object with a 'schema'")
        name = stream.get("tap_stream_id") or stream.get("stream")
        by_breadcrumb = {
            tuple(entry.get("breadcrumb") or ()): entry.get("metadata") or {}
            for entry in stream.get("metadata") or []
        }
        top = by_breadcrumb.get((), {})
        if not _selected(top):
            continue
        table = stream.get("table_name")
        schema_name = top.get("schema-name")
        if not name or not table or not schema_name:
            raise SettingsError(
                f"--catalog: stream {name or index}: needs tap_stream_id, table_name and "
                "schema-name metadata (run --discover for a catalog)"
            )
        keys = list(stream.get("key_properties") or top.get("table-key-properties") or [])
        properties = stream["schema"].get("properties") or {}
        columns = {
            column: prop
            for column, prop in properties.items()
            if column in keys
            or by_breadcrumb.get(("properties", column), {}).get("inclusion") == "automatic"
            or _selected(by_breadcrumb.get(("properties", column), {}))
        }
        method = top.get("replication-method") or stream.get("replication_method")
        key = top.get("replication-key") or stream.get("replication_key")
        if method == "FULL_TABLE":
            key = None
        elif method == "LOG_BASED":
            raise SettingsError(
                f"--catalog: stream {name}: LOG_BASED is not supported "
                "(valid: FULL_TABLE, or INCREMENTAL with a replication-key)"
            )
        elif method == "INCREMENTAL" and not key:
            raise SettingsError(f"--catalog: stream {name}: INCREMENTAL needs a replication-key")
        if key and key not in properties:
            raise SettingsError(
                f"--catalog: stream {name}: replication-key {key!r} is not a column "
                f"(valid: {', '.join(top.get('valid-replication-keys') or properties)})"
            )
        plans.append(StreamPlan(name, schema_name, table, columns, keys, key or None))
    return plans


def _selected(metadata: dict[str, Any]) -> bool:
    if "selected" in metadata:
        return bool(metadata["selected"])
    return bool(metadata.get("selected-by-default", False))


class connected:  # noqa: N801 - used as a context manager, named like one
    """A connection to the server, closed on leaving (not committed: the work is reads)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: Any = None

    def __enter__(self) -> Any:
        self.connection = psycopg2.connect(**self.settings.connect_kwargs())
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def read_json(path: str, what: str) -> dict[str, Any]:
    """The JSON object in ``path``; a :class:`SettingsError` naming the file."""
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{what} {path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{what} {path}: line {exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(loaded, dict):
        raise SettingsError(f"{what} {path}: expected a JSON object")
    return loaded


def write(message: dict[str, Any]) -> None:
    """Print one Singer message and flush."""
    sys.stdout.write(json.dumps(message, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, password: str) -> NoReturn:
    """One line on stderr (the password, if it ever were in it, masked); exit 1."""
    end_run(EXECUTABLE, message.replace(password, "***") if password else message)


#: ``--about``'s settings, as a JSON schema (the shape the Singer SDK's taps print).
SETTINGS_ABOUT = {
    "type": "object",
    "properties": {
        "host": {"type": "string", "description": "The server's host name."},
        "port": {"type": "integer", "default": 5432, "description": "The server's port."},
        "user": {"type": "string", "description": "The user to connect as."},
        "password": {
            "type": "string",
            "secret": True,
            "writeOnly": True,
            "description": "The user's password.",
        },
        "database": {"type": "string", "description": "The database to read."},
        "filter_schemas": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Only tables of these schemas become streams.",
        },
        "batch_path": {"type": "string", "description": "Directory of the batch files."},
        "stream_naming": {
            "type": "string",
            "enum": ["schema-table", "table"],
            "default": "schema-table",
            "description": "Streams named <schema>-<table>, or by the table alone.",
        },
        "batch_format": {
            "type": "string",
            "enum": ["parquet", "jsonl"],
            "default": "parquet",
            "description": "Parquet (typed, loaded without per-row checks) or JSON lines.",
        },
    },
    "required": ["host", "user", "password", "database"],
}
