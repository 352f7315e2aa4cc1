"""The settings of target-files."""

from __future__ import annotations

from singer_sdk import typing as th

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
    th.Property(
        "endpoint_url",
        th.StringType,
        title="Endpoint URL",
        description=(
            "An S3- or GCS-compatible endpoint (a local emulator, MinIO); the cloud itself when unset."
        ),
    ),
    th.Property(
        "aws_access_key_id",
        th.StringType,
        secret=True,
        title="AWS access key id",
        description="S3 credentials; boto's own chain (environment, profile, role) when unset.",
    ),
    th.Property(
        "aws_secret_access_key",
        th.StringType,
        secret=True,
        title="AWS secret access key",
        description="The secret of `aws_access_key_id`.",
    ),
    th.Property(
        "aws_session_token",
        th.StringType,
        secret=True,
        title="AWS session token",
        description="For temporary credentials.",
    ),
    th.Property(
        "region_name", th.StringType, title="AWS region", description="The bucket's region."
    ),
    th.Property(
        "google_credentials",
        th.StringType,
        secret=True,
        title="Google credentials",
        description=(
            "For `gs://`: a service account key file, or `anon` (public buckets, emulators); "
            "Google's application default credentials when unset."
        ),
    ),
    th.Property(
        "google_project",
        th.StringType,
        title="Google project",
        description="For `gs://`: the project.",
    ),
).to_dict()
