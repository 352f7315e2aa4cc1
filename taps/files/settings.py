"""The settings of tap-files and the checked form of its ``tables`` setting."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from singer_sdk import typing as th

from brainhub.errors import SettingsError
from brainhub.objectstore import STORE_SETTINGS

DEFAULT_PATH = "data/files"
DEFAULT_SETTLE_SECONDS = 30
DEFAULT_INFER_FILES = 20
FORMATS = ("csv", "jsonl", "parquet")
TABLE_KEYS = ("name", "glob", "format", "key_properties")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "path",
        th.StringType,
        default=DEFAULT_PATH,
        title="Location",
        description=(
            "Where the files are: a directory (relative to the working directory) or an object "
            "store prefix, `s3://bucket/prefix` or `gs://bucket/prefix`."
        ),
    ),
    th.Property(
        "tables",
        th.ArrayType(
            th.ObjectType(
                th.Property("name", th.StringType, required=True),
                th.Property("glob", th.StringType, required=True),
                th.Property("format", th.StringType),
                th.Property("key_properties", th.ArrayType(th.StringType)),
            )
        ),
        title="Tables",
        description=(
            "One object per stream: `name`, `glob` (relative to the location; `**` crosses "
            "folders), `format` (`csv`, `jsonl` or `parquet`; by default the glob's file "
            "extension) and optional `key_properties` (columns). Required: checked by the tap "
            "itself, so that a missing or bad entry is one line naming it."
        ),
    ),
    th.Property(
        "settle_seconds",
        th.NumberType,
        default=DEFAULT_SETTLE_SECONDS,
        title="Settle time (seconds)",
        description=(
            "A file modified less than this long ago may still be being written: it is left "
            "for the next run. A file that changes while it is read is left too."
        ),
    ),
    th.Property(
        "infer_files",
        th.IntegerType,
        default=DEFAULT_INFER_FILES,
        title="Files read for inference",
        description="How many of the newest files of a table its columns and types are inferred from.",
    ),
    *STORE_SETTINGS,
).to_dict()


@dataclass(frozen=True)
class TableSetting:
    """One checked entry of ``tables``."""

    name: str
    glob: str
    format: str
    key_properties: tuple[str, ...]


def table_settings(raw: Any) -> list[TableSetting]:
    """The ``tables`` setting checked; a :class:`SettingsError` naming the bad entry."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise SettingsError("tables: give a list of {name, glob, format, key_properties} objects")
    tables = [_table(number, item) for number, item in enumerate(raw, start=1)]
    names = [t.name for t in tables]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SettingsError(f"tables: the name {twice[0]!r} is used twice; names must differ")
    return tables


def _table(number: int, item: Any) -> TableSetting:
    where = f"tables[{number}]"
    if not isinstance(item, Mapping):
        raise SettingsError(f"{where}: must be an object with name and glob")
    unknown = sorted(set(item) - set(TABLE_KEYS))
    if unknown:
        raise SettingsError(
            f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(TABLE_KEYS)}"
        )
    name = item.get("name")
    if not isinstance(name, str) or not _TABLE_NAME.match(name):
        raise SettingsError(
            f"{where}: name must be letters, digits, '_' or '-' (not starting with a digit), "
            f"got {name!r}"
        )
    where = f"table {name!r}"
    glob = item.get("glob")
    if not isinstance(glob, str) or not glob.strip():
        raise SettingsError(f"{where}: glob must be a pattern such as 'exports/*.csv'")
    file_format = item.get("format") or _format_of(glob)
    if file_format is None:
        raise SettingsError(
            f"{where}: give format ({', '.join(FORMATS)}); the glob {glob!r} does not end in one"
        )
    if file_format not in FORMATS:
        raise SettingsError(
            f"{where}: format {file_format!r} is not one this reads; valid: {', '.join(FORMATS)}"
        )
    keys = item.get("key_properties") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise SettingsError(f"{where}: key_properties must be a list of column names")
    return TableSetting(name, glob.strip().lstrip("/"), file_format, tuple(keys))


def _format_of(glob: str) -> str | None:
    suffix = glob.rsplit(".", 1)[-1].lower() if "." in glob else ""
    return {
        "csv": "csv",
        "jsonl": "jsonl",
        "ndjson": "jsonl",
        "json": "jsonl",
        "parquet": "parquet",
    }.get(suffix)
