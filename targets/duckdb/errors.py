"""Errors of target-duckdb, all subclasses of :class:`brainhub.errors.BrainhubError`.

::

    TargetDuckDBError          base; the message says what, ``line`` and ``stream`` say where
    ├── InputError             the input is not a valid Singer stream (bad JSON, unknown
    │   │                      message type, missing field); always fatal
    │   └── RecordBeforeSchemaError   a RECORD (or BATCH, ACTIVATE_VERSION) before its SCHEMA
    ├── InvalidRecordError     one record is unusable; fatal, or rejected with
    │   │                      ``on_invalid_record: reject``
    │   └── MissingKeyError    a key property is missing or null
    ├── LoadError              DuckDB refused a batch for a reason no single record explains
    └── WarehouseError         the database cannot be opened (locked by another process for
                               longer than ``lock_timeout``, unreadable) or a table cannot
                               take the stream (key properties or a column's type family
                               changed)

The two leaves also subclass the SDK's ``RecordsWithoutSchemaException`` and
``MissingKeyPropertiesError``, so code written against the SDK recognises them.

Each one renders as ``line 42, stream 'tasks': <what is wrong>``; the command line prefixes
it with ``target-duckdb:`` and exits non-zero without a traceback.
"""

from __future__ import annotations

from singer_sdk.exceptions import MissingKeyPropertiesError, RecordsWithoutSchemaException

from brainhub.errors import BrainhubError


class TargetDuckDBError(BrainhubError):
    """Base class of every error target-duckdb raises on purpose."""

    locatable = True
    """Whether the line being read when the error surfaced is where it happened."""

    def __init__(self, reason: str, *, line: int | None = None, stream: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.stream = stream

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.stream is not None:
            where.append(f"stream {self.stream!r}")
        text = f"{', '.join(where)}: {self.reason}" if where else self.reason
        # One line, whatever names or values the reason quotes.
        return text.replace("\r", "\\r").replace("\n", "\\n")


class InputError(TargetDuckDBError):
    """The input is not a valid Singer message stream."""


class RecordBeforeSchemaError(InputError, RecordsWithoutSchemaException):
    """A RECORD, BATCH or ACTIVATE_VERSION message arrived before its stream's SCHEMA."""


class InvalidRecordError(TargetDuckDBError):
    """A record cannot be loaded: it violates its schema or lacks a key property."""


class MissingKeyError(InvalidRecordError, MissingKeyPropertiesError):
    """A record lacks one of its stream's key properties, or has it null."""


class LoadError(TargetDuckDBError):
    """DuckDB refused a batch and no single record could be blamed.

    Its message names the batch's range of input lines, so ``line`` stays unset.
    """

    locatable = False


class WarehouseError(TargetDuckDBError):
    """The database or a stream's table cannot take the load, whatever the input line."""

    locatable = False
