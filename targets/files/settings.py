"""The settings of target-files."""

from __future__ import annotations

from singer_sdk import typing as th

from brainhub.objectstore import STORE_SETTINGS

DEFAULT_PATH = "data/files"
FORMATS = ("jsonl", "parquet", "csv")

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "path",
        th.StringType,
        default=DEFAULT_PATH,
        title="Location",
        description=(
            "Where the files go: a directory (relative to the working directory) or an object "
            "store prefix, `s3://bucket/prefix` or `gs://bucket/prefix`. Files are laid out as "
            "`<path>/<stream>/date=YYYY-MM-DD/part-<run>-<n>.<format>`."
        ),
    ),
    th.Property(
        "format",
        th.StringType,
        default="jsonl",
        allowed_values=list(FORMATS),
        title="File format",
        description="`jsonl` (one JSON object a line), `parquet` or `csv` (with a header; nested values as JSON text).",
    ),
    th.Property(
        "partition_date_property",
        th.StringType,
        title="Partition date property",
        description=(
            "A record property holding a date or timestamp (e.g. `date_updated`) whose UTC date "
            "picks the record's `date=` partition; the run's UTC date when unset, or for a "
            "record without a usable value."
        ),
    ),
    *STORE_SETTINGS,
).to_dict()
