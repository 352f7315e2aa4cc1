"""The settings of target-duckdb (the SDK adds its built-in ones: stream maps, flattening,
``batch_config``)."""

from __future__ import annotations

from singer_sdk import typing as th

DEFAULT_PATH = "data/warehouse.duckdb"
DEFAULT_SCHEMA = "raw"
DEFAULT_BATCH_ROWS = 250_000
DEFAULT_BATCH_BYTES = 192 * 1024 * 1024
DEFAULT_MEMORY_LIMIT = "200MB"
DEFAULT_BATCH_SECONDS = 30
DEFAULT_LOCK_TIMEOUT = 300

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "path",
        th.StringType,
        default=DEFAULT_PATH,
        title="Database file",
        description=(
            "The DuckDB database file to load into; created if absent. A relative path is "
            "relative to the working directory."
        ),
    ),
    th.Property(
        "filepath",
        th.StringType,
        title="Database file (alias)",
        description=(
            "Another name for `path`, as the community target-duckdb calls it; giving both "
            "with different values is an error."
        ),
    ),
    th.Property(
        "default_target_schema",
        th.StringType,
        default=DEFAULT_SCHEMA,
        title="Target schema",
        description="The DuckDB schema every stream's table is created in, e.g. `raw_clickup`.",
    ),
    th.Property(
        "load_method",
        th.StringType,
        default="upsert",
        allowed_values=["upsert", "append-only", "overwrite"],
        title="Load method",
        description=(
            "`upsert`: replace rows whose key properties match, insert the rest (streams "
            "without key properties are appended); `append-only`: insert every record; "
            "`overwrite`: load each stream into a new table beside the old one and replace "
            "the old one when the whole run has succeeded (STATE is emitted only then; a "
            "failed run changes nothing). `overwrite` also rebuilds a table whose key "
            "properties or column types changed."
        ),
    ),
    th.Property(
        "hard_delete",
        th.BooleanType,
        default=False,
        title="Hard delete",
        description=(
            "Delete rows whose record carries `_sdc_deleted_at`, and the rows of versions "
            "older than a stream's ACTIVATE_VERSION (retired at the end of a successful "
            "run), instead of keeping them with `_sdc_deleted_at` set (the default)."
        ),
    ),
    th.Property(
        "batch_size_rows",
        th.IntegerType,
        default=DEFAULT_BATCH_ROWS,
        title="Batch size (rows)",
        description=(
            "Records per load transaction; bounds memory together with bytes. Each "
            "transaction costs DuckDB a checkpoint: a million records load with about a "
            "fifth less CPU in batches of 250,000 than of 50,000."
        ),
    ),
    th.Property(
        "batch_size_bytes",
        th.IntegerType,
        default=DEFAULT_BATCH_BYTES,
        title="Batch size (bytes)",
        description=("Staged bytes per load transaction (staged on disk, not held in memory)."),
    ),
    th.Property(
        "batch_max_seconds",
        th.NumberType,
        default=DEFAULT_BATCH_SECONDS,
        title="Batch age limit (seconds)",
        description=(
            "A batch also closes once its first record is this old (checked as messages "
            "arrive), so that STATE advances during long, slow syncs."
        ),
    ),
    th.Property(
        "lock_timeout",
        th.NumberType,
        default=DEFAULT_LOCK_TIMEOUT,
        title="Lock timeout (seconds)",
        description=(
            "How long to wait for the database file while another process has it open "
            "(DuckDB allows one writer, and a read-only connection blocks writers too); the "
            "holder's PID is logged while waiting. Then the run fails."
        ),
    ),
    th.Property(
        "on_invalid_record",
        th.StringType,
        default="fail",
        allowed_values=["fail", "reject"],
        title="On invalid record",
        description=(
            "`fail`: stop at the first record that violates its schema or lacks a key "
            "property, keeping every batch committed before it; `reject`: write it to the "
            "schema's `_rejected` table with the reason and carry on."
        ),
    ),
    th.Property(
        "add_record_metadata",
        th.BooleanType,
        default=True,
        title="Add record metadata",
        description=(
            "Add `_sdc_extracted_at`, `_sdc_received_at`, `_sdc_batched_at`, "
            "`_sdc_sequence` columns (`_sdc_deleted_at` and `_sdc_table_version` are always "
            "present)."
        ),
    ),
    th.Property(
        "validate_records",
        th.BooleanType,
        default=True,
        title="Validate records",
        description=(
            "Check each record against its schema before staging: types, `required`, "
            "`enum`, lengths, `pattern`, bounds, `multipleOf` and the rest. When off, only "
            "JSON types (any value may be null) and `multipleOf` are checked, so that no "
            "value is ever converted on its way into its column."
        ),
    ),
    th.Property(
        "memory_limit",
        th.StringType,
        default=DEFAULT_MEMORY_LIMIT,
        title="DuckDB memory limit",
        description=(
            "DuckDB's `memory_limit` while loading, e.g. `1GB`. With the default batch sizes "
            "the target stays under about 400 MiB whatever the stream's length."
        ),
    ),
    th.Property(
        "staging_dir",
        th.StringType,
        title="Staging directory",
        description=(
            "Where batches are staged before DuckDB reads them; the system temporary "
            "directory by default."
        ),
    ),
).to_dict()
