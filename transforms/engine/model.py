"""The typed model of mapping files: what the loader builds and the compiler reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from transforms.engine.errors import Location

Scalar = str | int | float | bool | None
Table = tuple[tuple[str, Scalar], ...]
"""A function's lookup-table argument (``map_values``): (from, to) pairs in file order."""
FunctionArg = Scalar | Table


@dataclass(frozen=True)
class FunctionCall:
    """One step of a field's ``apply`` chain, e.g. ``replace('-', '_')``."""

    name: str
    args: tuple[FunctionArg, ...]
    location: Location


@dataclass(frozen=True)
class FieldMapping:
    """One output field: a source path (or constant) and the functions applied to it."""

    name: str
    source: str | None
    constant: Scalar
    functions: tuple[FunctionCall, ...]
    location: Location


@dataclass(frozen=True)
class Rule:
    """A validation rule on one output field."""

    kind: Literal["not_null", "unique", "accepted_values", "regex", "range"]
    field: str
    location: Location
    values: tuple[Scalar, ...] = ()
    pattern: str | None = None
    minimum: Scalar = None
    maximum: Scalar = None


@dataclass(frozen=True)
class FieldRef:
    """A filter value that reads another field."""

    path: str


@dataclass(frozen=True)
class Now:
    """A filter value meaning the run's current UTC time."""


@dataclass(frozen=True)
class Condition:
    """A filter leaf: ``field op value``."""

    field: str
    op: str
    value: Scalar | tuple[Scalar, ...] | FieldRef | Now
    location: Location


@dataclass(frozen=True)
class BoolOp:
    """A filter branch: ``all`` / ``any`` of its parts, or ``not`` of its only part."""

    op: Literal["all", "any", "not"]
    parts: tuple[Filter, ...]
    location: Location


Filter = Condition | BoolOp


@dataclass(frozen=True)
class Join:
    """Another source joined by key."""

    source: str
    alias: str
    kind: Literal["inner", "left"]
    keys: tuple[tuple[str, str], ...]
    location: Location


@dataclass(frozen=True)
class Unnest:
    """One row per element of a list column, the element named ``alias``."""

    path: str
    alias: str
    location: Location


@dataclass(frozen=True)
class GroupKey:
    """A group-by field, optionally truncated to a time bucket."""

    field: str
    name: str
    bucket: Literal["day", "week", "month"] | None
    location: Location


@dataclass(frozen=True)
class Measure:
    """An aggregated output column."""

    name: str
    function: Literal["count", "count_distinct", "sum", "avg", "min", "max"]
    field: str | None
    location: Location


@dataclass(frozen=True)
class Output:
    """One output table declared in a mapping file."""

    name: str
    source: str
    alias: str
    location: Location
    description: str = ""
    fields: tuple[FieldMapping, ...] = ()
    keep_unmapped: bool = False
    rules: tuple[Rule, ...] = ()
    filter: Filter | None = None
    joins: tuple[Join, ...] = ()
    unnest: Unnest | None = None
    group_by: tuple[GroupKey, ...] = ()
    measures: tuple[Measure, ...] = ()
    on_conversion_error: Literal["reject", "null", "fail"] = "reject"
    on_rule_failure: Literal["reject", "fail"] = "reject"
    #: Declared by a file for mapper-duckdb only (``in_flight: true``): transform-duckdb
    #: leaves it out, its source being a stream that is never loaded.
    in_flight: bool = False

    @property
    def is_aggregation(self) -> bool:
        """True when the output groups rows (post-load only)."""
        return bool(self.measures)

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Every source name this output reads."""
        return (self.source, *(join.source for join in self.joins))


@dataclass(frozen=True)
class SqlModel:
    """A plain ``.sql`` model: a SELECT whose result becomes the table ``name``."""

    name: str
    sql: str
    location: Location
    depends_on: tuple[str, ...] = field(default=())
    first_line: int = 1
    """The file line the SQL text starts on."""
    trusted: bool = False
    """Marked ``-- trusted: true``: may read files, URLs and other databases. Untrusted
    models run with DuckDB's external access switched off."""


Model = Output | SqlModel
