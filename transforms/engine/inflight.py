"""Row-level mappings applied to a Singer stream in flight, in micro-batches through DuckDB.

The raw RECORD lines of a stream are buffered as they arrive; a batch is read by DuckDB's
own JSON reader into a table typed from the stream's SCHEMA, the compiled output queries
run on it, and the results leave as ready-made RECORD lines (one ``to_json`` per row).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import msgspec

from brainhub.sql import quote_identifier, quote_string
from transforms.engine import types as k
from transforms.engine.compiler import Catalog, compile_output
from transforms.engine.errors import MappingError, TransformRunError
from transforms.engine.model import BoolOp, FieldRef, Filter, Output
from transforms.engine.runner import FAILURES_TABLE, record_failures
from transforms.engine.stream_types import duckdb_type, json_schema
from transforms.engine.types import ColumnType, column_type
from transforms.engine.warehouse import first_line

REJECTS_SCHEMA = {
    "type": "object",
    "properties": {
        "_rule": {"type": ["string", "null"]},
        "_field": {"type": ["string", "null"]},
        "_reason": {"type": ["string", "null"]},
        "_record": {"type": ["string", "null"]},
    },
}
_TIMESTAMP_FORMAT = quote_string("%Y-%m-%dT%H:%M:%S.%fZ")


def check_row_level(output: Output) -> None:
    """Refuse what only works after load, naming the file and line."""
    if output.is_aggregation or output.group_by:
        what = "aggregates (group_by / measures)"
    elif output.joins:
        what = "joins other sources"
    else:
        return
    raise MappingError(
        f"output {output.name!r} {what}: aggregations and joins are post-load only; "
        "run them with transform-duckdb after target-duckdb, and give mapper-duckdb "
        "only row-level mappings (fields, rules, filter, unnest)",
        output.location,
    )


def referenced_columns(output: Output) -> set[str] | None:
    """The top-level source columns ``output`` reads, or ``None`` when it needs them all."""
    if not output.fields or output.keep_unmapped:
        return None
    paths: list[str] = []
    for mapping in output.fields:
        if mapping.source:
            paths.append(mapping.source)
        for call in mapping.functions:
            if call.name == "coalesce":
                paths.extend(str(arg) for arg in call.args)
    paths += [
        rule.field for rule in output.rules if rule.field not in {m.name for m in output.fields}
    ]
    if output.unnest is not None:
        paths.append(output.unnest.path)
    if output.filter is not None:
        paths += _filter_paths(output.filter)
    local = {output.unnest.alias} if output.unnest is not None else set()
    columns = set()
    for path in paths:
        parts = path.split(".")
        first = parts[0].removesuffix("[]")
        if first in local:
            continue
        if first == output.alias and len(parts) > 1:
            first = parts[1].removesuffix("[]")
        columns.add(first)
    return columns


def _filter_paths(node: Filter) -> list[str]:
    if isinstance(node, BoolOp):
        return [path for part in node.parts for path in _filter_paths(part)]
    found = [node.field]
    if isinstance(node.value, FieldRef):
        found.append(node.value.path)
    return found


def stream_name(table: str) -> str:
    """The Singer stream of output table ``schema.table``: ``schema-table``.

    Targets that follow the SDK's convention (target-duckdb among them) load a stream named
    ``schema-table`` into table ``table`` of schema ``schema``, so mapped streams land in
    the output's own schema (``stg_clickup.tasks``), never in the schema the tap's raw
    streams load into.
    """
    schema, _, name = table.rpartition(".")
    return f"{schema}-{name}" if schema else name


def record_line(stream: str, record_json: str) -> str:
    """A RECORD message line from a record already encoded as JSON."""
    return f'{{"type":"RECORD","stream":{json.dumps(stream)},"record":{record_json}}}\n'


class InflightOutput:
    """One output compiled against one stream's input table."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        output: Output,
        input_table: str,
        columns: dict[str, ColumnType],
        key_properties: list[str],
    ) -> None:
        check_row_level(output)
        self.output = output
        self.stream = stream_name(output.name)
        self.rejects_stream = stream_name(f"{output.name}__rejected")
        catalog = Catalog(
            tables={output.source: columns},
            relations={output.source: quote_identifier(input_table)},
            strict=True,
        )
        self.compiled = compile_output(output, catalog)
        try:
            relation = connection.sql(self.compiled.select_all)
        except duckdb.Error as error:
            raise MappingError(
                f"output {output.name!r}: {first_line(error)}", output.location
            ) from None
        types = {
            name: column_type(dtype)
            for name, dtype in zip(relation.columns, relation.dtypes, strict=True)
        }
        self.schema = {
            "type": "object",
            "properties": {n: json_schema(t) for n, t in types.items()},
        }
        renamed = {m.source: m.name for m in output.fields if m.source and not m.functions}
        if not output.fields or output.keep_unmapped:
            renamed.update({name: name for name in types if name not in renamed})
        mapped_keys = [renamed.get(key) for key in key_properties]
        # Unnesting makes several rows per record: the stream's key no longer identifies one.
        keyed = all(mapped_keys) and output.unnest is None
        self.key_properties = [key for key in mapped_keys if key] if keyed else []
        self.json_projection = ", ".join(
            _as_json_ready(name, ctype) for name, ctype in types.items()
        )

    def record_lines(self, connection: duckdb.DuckDBPyConnection, select: str) -> str:
        """The output's RECORD message lines for the current batch, built by DuckDB."""
        prefix = quote_string(record_line(self.stream, "")[:-2])
        line = f"{prefix} || CAST(to_json(o) AS VARCHAR) || '}}'"
        rows = f"SELECT {self.json_projection} FROM ({select}) AS s"  # noqa: S608
        result = connection.execute(f"SELECT {line} FROM ({rows}) AS o").fetchall()  # noqa: S608
        return "".join(row[0] + "\n" for row in result)


def _as_json_ready(name: str, ctype: ColumnType) -> str:
    column = f"s.{quote_identifier(name)}"
    if ctype.kind == k.TIMESTAMP:
        if "TIME ZONE" in ctype.sql.upper():
            column = f"timezone('UTC', {column})"
        column = f"strftime({column}, {_TIMESTAMP_FORMAT})"
    return f"{column} AS {quote_identifier(name)}"


def check_column_names(stream: str, names: list[str]) -> None:
    """Refuse stream properties DuckDB cannot hold as columns of one table."""
    seen: dict[str, str] = {}
    for name in names:
        if not name:
            raise TransformRunError(f"SCHEMA of stream {stream!r}: a property has an empty name")
        if "\x00" in name:
            raise TransformRunError(
                f"SCHEMA of stream {stream!r}: property {name!r} contains a NUL character"
            )
        other = seen.setdefault(name.lower(), name)
        if other != name:
            raise TransformRunError(
                f"SCHEMA of stream {stream!r}: properties {other!r} and {name!r} differ only "
                "in case, and DuckDB column names ignore case; map the stream with only one "
                "of them read (name the fields you need in 'fields')"
            )


# DuckDB's message about a bad record may quote it cut mid-character; Python then fails to
# decode the message itself.
_READ_ERRORS = (duckdb.Error, UnicodeDecodeError)


def _read_problem(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "DuckDB's JSON reader refused it"
    return first_line(error)


class StreamBatcher:
    """Buffers one stream's RECORD lines and maps them batch by batch."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        stream: str,
        schema: dict[str, Any],
        key_properties: list[str],
        outputs: list[Output],
        number: int,
        work_dir: Path,
    ) -> None:
        self.connection = connection
        self.stream = stream
        self.table = f"__bh_in_{number}"
        properties = schema.get("properties") or {}
        wanted: set[str] | None = set()
        for output in outputs:
            needed = referenced_columns(output)
            wanted = None if needed is None or wanted is None else wanted | needed
        self.column_types = {
            name: duckdb_type(prop)
            for name, prop in properties.items()
            if wanted is None or name in wanted
        }
        check_column_names(stream, list(self.column_types))
        self.record_type = (
            "STRUCT("
            + ", ".join(f"{quote_identifier(n)} {t}" for n, t in self.column_types.items())
            + ")"
            if self.column_types
            else "JSON"
        )
        columns_sql = ", ".join(f"{quote_identifier(n)} {t}" for n, t in self.column_types.items())
        table = quote_identifier(self.table)
        self.create_table = f"CREATE OR REPLACE TABLE {table} ({columns_sql or 'record JSON'})"
        try:
            connection.execute(self.create_table)
        except duckdb.Error as error:
            raise TransformRunError(
                f"SCHEMA of stream {stream!r} cannot be typed in DuckDB: {first_line(error)}"
            ) from None
        relation = connection.table(quote_identifier(self.table))
        columns = {
            c: column_type(t) for c, t in zip(relation.columns, relation.dtypes, strict=True)
        }
        self.outputs = [
            InflightOutput(connection, o, self.table, columns, key_properties) for o in outputs
        ]
        self.lines: list[str] = []
        self.loaded: list[str] = []
        self.batch_file = work_dir / f"{self.table}.jsonl"
        spec = "{'record': " + quote_string(self.record_type) + "}"
        reader = (
            f"read_json({quote_string(str(self.batch_file))}, format = 'newline_delimited', "
            f"columns = {spec}, records = true, maximum_object_size = 1073741824)"
        )
        projection = "record.*" if self.column_types else "record"
        self.insert_batch = f"INSERT INTO {table} SELECT {projection} FROM {reader}"  # noqa: S608

    def add(self, line: str) -> None:
        """Buffer one raw RECORD line."""
        self.lines.append(line if line.endswith("\n") else line + "\n")

    def flush(self, emit: Callable[[str], None]) -> int:
        """Map the buffered records; ``emit`` receives output lines. Returns records read."""
        if not self.lines:
            return 0
        lines, self.lines = self.lines, []
        bad = self._load(lines)
        for output in self.outputs:
            for reason, line in bad:
                record = _record_text(line)
                emit(record_line(output.rejects_stream, _reject_json("schema", "", reason, record)))
            self._map(output, emit)
        return len(lines)

    def _load(self, lines: list[str]) -> list[tuple[str, str]]:
        """Load lines into the input table; returns (reason, line) of records that do not fit."""
        try:
            self._read(lines)
            return []
        except _READ_ERRORS:
            pass
        good, bad = [], []
        for line in lines:
            try:
                self._read([line])
                good.append(line)
            except _READ_ERRORS as error:
                problem = re.sub(r"^.*in line \d+: ", "", _read_problem(error))
                bad.append((f"record does not match the stream schema: {problem}", line))
        self._read(good)
        return bad

    def _read(self, lines: list[str]) -> None:
        self.loaded = lines
        self.connection.execute(self.create_table)
        if not lines:
            return
        with self.batch_file.open("w", encoding="utf-8") as batch:
            batch.writelines(lines)
        self.connection.execute(self.insert_batch)

    def _map(self, output: InflightOutput, emit: Callable[[str], None]) -> None:
        compiled = output.compiled
        select = compiled.select_all
        if compiled.failures is not None:
            try:
                rejected = record_failures(self.connection, compiled)
            except TransformRunError as error:
                raise TransformRunError(f"stream {self.stream!r}: {error}") from None
            if rejected:
                rows = self.connection.execute(
                    f"SELECT __bh_rowid, _rule, _field, _reason FROM {FAILURES_TABLE} "  # noqa: S608
                    "ORDER BY __bh_rowid"
                ).fetchall()
                for rowid, rule, field, reason in rows:
                    record = _record_text(self.loaded[rowid])
                    emit(
                        record_line(
                            output.rejects_stream, _reject_json(rule, field, reason, record)
                        )
                    )
                select = compiled.select_valid
        emit(output.record_lines(self.connection, select))


def _record_text(line: str) -> str:
    """The record of a RECORD message line, as compact JSON text."""
    return msgspec.json.encode(msgspec.json.decode(line).get("record")).decode("utf-8")


def _reject_json(rule: str, field: str, reason: str, record: str) -> str:
    return json.dumps(
        {"_rule": rule, "_field": field, "_reason": reason, "_record": record.rstrip("\n")}
    )


def batches_for(stream_outputs: dict[str, list[Output]], stream: str) -> Iterator[Output]:
    """The outputs that read ``stream``: by full source name or by its table part."""
    for source, outputs in stream_outputs.items():
        if source == stream or source.split(".")[-1] == stream:
            yield from outputs
