"""``mapper-duckdb``: the mapping language applied to Singer streams in flight.

A Singer SDK inline mapper. Each stream that an output of the configured mapping files
reads (``from: raw_clickup.tasks`` matches stream ``tasks``) is buffered and mapped in
micro-batches (``batch_size`` records, and at every STATE message, so a STATE is emitted
only after every record before it). Each output becomes a stream named ``schema-table``
(``stg_clickup.tasks`` → ``stg_clickup-tasks``, which target-duckdb loads into
``stg_clickup.tasks``) with a SCHEMA derived from the mapped types; rejected rows go to
``stg_clickup-tasks__rejected`` (``_rule``, ``_field``, ``_reason``, ``_record``).
Streams no output reads pass through unchanged (``unmatched_streams: drop`` drops them).
Aggregations and joins are post-load only and are refused at start.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import typing as t
import weakref
from pathlib import Path

import click
import duckdb
from singer_sdk import singerlib as singer
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import PluginCapabilities
from singer_sdk.mapper_base import InlineMapper
from singer_sdk.singerlib.json import serialize_json

from brainhub.errors import BrainhubError
from transforms.engine.errors import MappingError
from transforms.engine.inflight import REJECTS_SCHEMA, StreamBatcher, batches_for, check_row_level
from transforms.engine.loader import load_mapping_text
from transforms.engine.model import Output
from transforms.engine.project import Project
from transforms.engine.singer_input import RAW_LINE, CheckedSingerReader

DEFAULT_BATCH_SIZE = 50_000


class MapperDuckDB(InlineMapper):
    """Field mappings, validation rules and filters applied in flight through DuckDB."""

    name = "mapper-duckdb"
    package_name = "brainhub"
    message_reader_class = CheckedSingerReader
    capabilities: t.ClassVar[list] = [PluginCapabilities.ABOUT]
    config_jsonschema = th.PropertiesList(
        th.Property(
            "mapping_files",
            th.ArrayType(th.StringType),
            title="Mapping files",
            description=(
                "Mapping files or folders (relative to the project root), or inline mapping "
                "YAML documents. Only row-level outputs (fields, rules, filter, unnest)."
            ),
        ),
        th.Property(
            "mappings",
            th.ArrayType(th.StringType),
            title="Mappings (alias)",
            description=(
                "Same as `mapping_files`, for standalone use; in meltano.yml use "
                "`mapping_files`, since Meltano reserves `mappings` for a mapper's named mappings."
            ),
        ),
        th.Property(
            "batch_size",
            th.IntegerType,
            default=DEFAULT_BATCH_SIZE,
            title="Batch size",
            description="Records per micro-batch; a STATE message also ends a batch.",
        ),
        th.Property(
            "unmatched_streams",
            th.StringType,
            default="pass",
            allowed_values=["pass", "drop"],
            title="Unmatched streams",
            description="Streams no output reads: `pass` them through unchanged, or `drop` them.",
        ),
    ).to_dict()

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.outputs_by_source: dict[str, list[Output]] = {}
        for output in self._load_outputs():
            check_row_level(output)
            self.outputs_by_source.setdefault(output.source, []).append(output)
        self.connection = duckdb.connect()
        self.connection.execute("SET TimeZone = 'UTC'")
        self.batchers: dict[str, StreamBatcher] = {}
        self.passthrough: set[str] = set()
        self.batch_size = int(self.config.get("batch_size") or DEFAULT_BATCH_SIZE)
        self._pending: list[str] = []
        shm = Path("/dev/shm")  # noqa: S108 - a private directory (mkdtemp, mode 0700) inside it
        self.work_dir = Path(
            tempfile.mkdtemp(prefix="mapper-duckdb-", dir=shm if shm.is_dir() else None)
        )
        # Removed by close(), or when the mapper is collected or the process exits after an
        # error stopped the run.
        self._remove_work_dir = weakref.finalize(self, shutil.rmtree, self.work_dir, True)

    def _load_outputs(self) -> list[Output]:
        root = Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())
        entries = self.config.get("mapping_files") or self.config.get("mappings") or []
        if isinstance(entries, str):
            entries = [entries]
        outputs: list[Output] = []
        paths = []
        for number, entry in enumerate(entries, start=1):
            if "\n" in entry:
                outputs.extend(load_mapping_text(entry, f"<mapping_files item {number}>"))
            else:
                path = Path(entry).expanduser()
                paths.append(path if path.is_absolute() else root / path)
        if paths:
            project = Project.load(paths, display_root=root)
            outputs.extend(m for m in project.models if isinstance(m, Output))
            sql_models = [m for m in project.models if not isinstance(m, Output)]
            if sql_models:
                raise MappingError(
                    "SQL models are post-load only; run them with transform-duckdb",
                    sql_models[0].location,
                )
        if not outputs:
            raise MappingError(
                "setting 'mapping_files' names no output; give mapping files or inline YAML"
            )
        return outputs

    # -- emitting --------------------------------------------------------------------------

    def _emit(self, line: str) -> None:
        self._pending.append(line)

    def _write_pending(self) -> None:
        if self._pending:
            sys.stdout.write("".join(self._pending))
            self._pending.clear()
        sys.stdout.flush()

    def _flush(self, stream: str | None = None) -> None:
        batchers = [self.batchers[stream]] if stream in self.batchers else []
        if stream is None:
            batchers = list(self.batchers.values())
        for batcher in batchers:
            batcher.flush(self._emit)
        self._write_pending()

    # -- messages ------------------------------------------------------------------------------

    def map_schema_message(self, message_dict: dict) -> t.Iterable[singer.Message]:
        """Start mapping a stream (or pass its SCHEMA through)."""
        stream = message_dict["stream"]
        outputs = list(batches_for(self.outputs_by_source, stream))
        self._flush(stream)
        if not outputs:
            self.passthrough.add(stream)
            if self.config.get("unmatched_streams", "pass") == "pass":
                self._emit(serialize_json(message_dict) + "\n")
                self._write_pending()
            return []
        batcher = StreamBatcher(
            self.connection, stream, message_dict.get("schema") or {},
            list(message_dict.get("key_properties") or []), outputs, len(self.batchers) + 1,
            self.work_dir,
        )  # fmt: skip
        self.batchers[stream] = batcher
        messages: list[singer.Message] = []
        for output in batcher.outputs:
            messages.append(
                singer.SchemaMessage(output.stream, output.schema, output.key_properties)
            )
            if output.compiled.failures is not None:
                messages.append(singer.SchemaMessage(output.rejects_stream, REJECTS_SCHEMA, []))
        return messages

    def map_record_message(self, message_dict: dict) -> t.Iterable[singer.Message]:
        """Buffer the record; a full batch is mapped and written."""
        stream = message_dict["stream"]
        line = message_dict.get(RAW_LINE) or serialize_json(message_dict)
        batcher = self.batchers.get(stream)
        if batcher is None:
            if stream not in self.passthrough:
                raise MappingError(f"RECORD for stream {stream!r} before its SCHEMA message")
            if self.config.get("unmatched_streams", "pass") == "pass":
                self._emit(line if line.endswith("\n") else line + "\n")
                if len(self._pending) >= self.batch_size:
                    self._write_pending()
            return []
        batcher.add(line)
        if len(batcher.lines) >= self.batch_size:
            self._flush(stream)
        return []

    def map_state_message(self, message_dict: dict) -> t.Iterable[singer.Message]:
        """Map every buffered record first, then pass the STATE on."""
        self._flush()
        return [singer.StateMessage(value=message_dict["value"])]

    def map_activate_version_message(self, message_dict: dict) -> t.Iterable[singer.Message]:
        """Pass ACTIVATE_VERSION on for each output of the stream."""
        stream = message_dict["stream"]
        self._flush(stream)
        if stream in self.batchers:
            version = message_dict["version"]
            return [
                singer.ActivateVersionMessage(o.stream, version)
                for o in self.batchers[stream].outputs
            ]
        if self.config.get("unmatched_streams", "pass") == "pass":
            return [singer.ActivateVersionMessage(stream, message_dict["version"])]
        return []

    def process_endofpipe(self) -> None:
        """Map what is still buffered."""
        self._flush()
        self.close()

    def close(self) -> None:
        """Release DuckDB and the batch files (also after a failed run)."""
        self.connection.close()
        self._remove_work_dir()

    @classmethod
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the mapper; bad settings, mappings or input print one line and exit 1."""
        try:
            super().invoke(*args, **kwargs)
        except ConfigValidationError as error:
            _fail(f"invalid settings: {'; '.join(error.errors) or error}")
        except BrainhubError as error:
            _fail(str(error))

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """Read ``--config`` files; an unreadable or non-JSON file is one line and exit 1."""
        for item in value:
            if item == "ENV":
                continue
            problem = config_file_problem(Path(item))
            if problem is not None:
                _fail(f"config file {item}: {problem}")
        return super().cb_config(ctx, param, value)


def config_file_problem(path: Path) -> str | None:
    """What is wrong with a ``--config`` file, or ``None`` when it holds a JSON object."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"cannot read it ({error.strerror})"
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return f"not UTF-8 text (byte {error.start + 1})"
    except ValueError as error:
        return f"not valid JSON ({error})"
    except RecursionError:
        return "JSON nested too deeply to read"
    if not isinstance(document, dict):
        return "must hold one JSON object of settings"
    return None


def _fail(message: str) -> t.NoReturn:
    sys.stdout.flush()
    print(f"mapper-duckdb: error: {message}", file=sys.stderr)
    sys.exit(1)
