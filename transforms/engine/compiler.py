"""Compile one output of a mapping file to DuckDB SQL.

An output compiles to a few SELECT statements over the same FROM/WHERE:

- ``select_all``: the output's rows, computed as if every row passed its checks;
- ``failures``: one row per source row that fails a conversion or a rule, with
  ``_rule``, ``_field``, ``_reason`` and ``_action`` (``reject`` or ``fail``);
- ``rejects``: those failures joined back to their source row (``_record``, JSON);
- ``select_valid``: the output's rows without the failing ones.

The runner builds the rejects table first and, when it is empty (the usual case), builds
the output with the plain ``select_all``: checks cost one narrow pass over the columns
they read. Every identifier and literal goes through ``quoting``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from brainhub.sql import quote_identifier, quote_literal, quote_qualified, quote_string
from transforms.engine import functions
from transforms.engine import types as k
from transforms.engine.errors import Location, MappingError
from transforms.engine.filters import compile_filter
from transforms.engine.functions import Compiled, FunctionArgumentError, as_text
from transforms.engine.model import Condition, FieldMapping, Output, Rule
from transforms.engine.paths import UNNEST_TABLE, PathError, Scope
from transforms.engine.types import UNKNOWN_TYPE, ColumnType

REJECT_COLUMNS = ("_rule", "_field", "_reason", "_record")
_REASON_VALUE_CHARS = 100


@dataclass
class Catalog:
    """What the compiler knows about sources: their columns and how to read them.

    ``tables`` maps a source name to its columns (absent: types unknown, nothing is
    checked). ``relations`` maps a source name to the SQL that reads it (default: the
    quoted name itself). With ``strict``, a source missing from ``tables`` is an error.
    """

    tables: dict[str, dict[str, ColumnType]] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    strict: bool = False

    def columns(self, name: str) -> dict[str, ColumnType] | None:
        """The columns of source ``name``, or ``None`` when unknown."""
        return self.tables.get(name)

    def relation(self, name: str) -> str:
        """SQL naming source ``name`` in a FROM clause."""
        if name in self.relations:
            return self.relations[name]
        return quote_qualified(name) if "." in name else quote_identifier(name)


@dataclass(frozen=True)
class Check:
    """A per-row check: a SQL condition that is true when the row fails.

    ``value`` is the SQL of the value shown in the reason (as text) and ``count`` an extra
    number some reasons show; ``reason`` builds the reason's SQL from the names of the
    columns those are computed into, so each expression is written once.
    """

    condition: str
    rule: str
    field: str
    reason: Callable[[str, str], str]
    action: str
    value: str = "NULL"
    count: str = "NULL"
    uses_window: bool = False


def _prefixed(prefix: str) -> Callable[[str, str], str]:
    """A reason builder: ``prefix`` followed by the shown value in quotes."""
    return lambda shown, _count: f"{prefix} || {_shown(shown)}"


def _shown(value_column: str) -> str:
    quote = "''''"  # SQL for a text holding one single quote
    return f"{quote} || left({value_column}, {_REASON_VALUE_CHARS}) || {quote}"


@dataclass(frozen=True)
class CompiledOutput:
    """The SQL of one output (see the module docstring)."""

    output: Output
    target: str
    rejects_target: str
    columns: tuple[str, ...]
    select_all: str
    select_valid: str
    failures: str | None
    source_relation: str | None
    checks: tuple[Check, ...]

    def rejects(self, failures_table: str) -> str:
        """The rejects SELECT, reading failures from the (quoted) table ``failures_table``.

        Each failure is joined back to its source row by ``rowid``; ``_record`` is that
        row as JSON.
        """
        if self.source_relation is None:
            msg = f"output {self.output.name!r} has no checks, so no rejects"
            raise ValueError(msg)
        record = "CAST(to_json(s) AS VARCHAR) AS _record"
        joined = f"{failures_table} AS f JOIN {self.source_relation} AS s ON s.rowid = f.__bh_rowid"
        return f"SELECT f._rule, f._field, f._reason, {record} FROM {joined} ORDER BY f.__bh_rowid"  # noqa: S608

    @property
    def has_fail_action(self) -> bool:
        """True when some check stops the run instead of rejecting the row."""
        return any(check.action == "fail" for check in self.checks)


def compile_output(output: Output, catalog: Catalog | None = None) -> CompiledOutput:
    """Compile ``output``; raises :class:`MappingError` naming the file and line."""
    return _OutputCompiler(output, catalog or Catalog()).compile()


class _OutputCompiler:
    def __init__(self, output: Output, catalog: Catalog) -> None:
        self.output = output
        self.catalog = catalog
        self.where = f"output {output.name!r}"
        self.checks: list[Check] = []

    def fail(self, message: str, location: Location) -> MappingError:
        return MappingError(f"{self.where}: {message}", location)

    # --- sources --------------------------------------------------------------------

    def source_columns(self, name: str, location: Location) -> dict[str, ColumnType] | None:
        columns = self.catalog.columns(name)
        if columns is None and self.catalog.strict:
            known = ", ".join(sorted(self.catalog.tables)) or "none"
            raise self.fail(f"source {name!r} does not exist (known: {known})", location)
        return columns

    def build_scope(self) -> tuple[Scope, str]:
        output = self.output
        scope = Scope(
            output.alias, {output.alias: self.source_columns(output.source, output.location)}
        )
        from_sql = f"{self.catalog.relation(output.source)} AS {quote_identifier(output.alias)}"
        if output.unnest is not None:
            listed = self.path(scope, output.unnest.path, output.unnest.location, "unnest")
            if listed.kind not in (k.LIST, k.UNKNOWN):
                raise self.fail(
                    f"unnest needs a list, {output.unnest.path!r} is a {listed.kind}",
                    output.unnest.location,
                )
            scope.unnest_alias = output.unnest.alias
            scope.unnest_type = self._element_type(scope, output.unnest.path)
            from_sql += f", unnest({listed.sql}) AS {quote_identifier(UNNEST_TABLE)}({quote_identifier(output.unnest.alias)})"
        for join in output.joins:
            right_columns = self.source_columns(join.source, join.location)
            right_scope = Scope(join.alias, {join.alias: right_columns})
            pairs = []
            for left, right in join.keys:
                left_sql = self.path(scope, left, join.location, f"join {join.alias!r}").sql
                right_sql = self.path(right_scope, right, join.location, f"join {join.alias!r}").sql
                pairs.append(f"{left_sql} = {right_sql}")
            keyword = "LEFT JOIN" if join.kind == "left" else "JOIN"
            from_sql += (
                f" {keyword} {self.catalog.relation(join.source)} AS {quote_identifier(join.alias)}"
                f" ON {' AND '.join(pairs)}"
            )
            scope.sources[join.alias] = right_columns
        return scope, from_sql

    def _element_type(self, scope: Scope, path: str) -> ColumnType:
        columns = scope.sources.get(scope.main_alias)
        if columns is None:
            return UNKNOWN_TYPE
        ctype: ColumnType | None = None
        for index, part in enumerate(path.split(".")):
            name = part.removesuffix("[]")
            if index == 0:
                ctype = columns.get(name)
            elif ctype is not None:
                ctype = ctype.children.get(name)
        return (ctype.element if ctype is not None else None) or UNKNOWN_TYPE

    def path(self, scope: Scope, path: str, location: Location, context: str) -> Compiled:
        try:
            return scope.compile(path)
        except PathError as error:
            raise MappingError(f"{self.where}, {context}: {error}", location) from None

    # --- the row-level select ---------------------------------------------------------

    def compile(self) -> CompiledOutput:
        output = self.output
        scope, from_sql = self.build_scope()
        where = self.filter_sql(scope)
        values = self.field_values(scope)
        select_items = [f"{sql} AS {quote_identifier(name)}" for name, (sql, _) in values.items()]
        select_items += self.unmapped_items(scope, values)
        self.rule_checks(scope, values)
        body = f"FROM {from_sql}" + (f" WHERE {where}" if where else "")
        any_failure = " OR ".join(f"COALESCE({c.condition}, FALSE)" for c in self.checks)
        windowed = any(check.uses_window for check in self.checks)
        exclusion = self.exclusion(any_failure, windowed, bool(where))
        if output.is_aggregation and values:
            row_select = f"SELECT {', '.join(select_items)} {body}"
            select_all = self.aggregate(f"({row_select})", values, scope)
            select_valid = self.aggregate(f"({row_select}{exclusion})", values, scope)
        elif output.is_aggregation:
            if windowed:
                raise self.fail("a unique rule on an aggregation needs 'fields'", output.location)
            select_all = self.aggregate(from_sql, values, scope, where)
            excluded = f"NOT ({any_failure})" if any_failure else ""
            valid_where = " AND ".join(part for part in (where, excluded) if part)
            select_valid = self.aggregate(from_sql, values, scope, valid_where)
        else:
            select_all = f"SELECT {', '.join(select_items)} {body}"
            select_valid = select_all + exclusion
        failures, rejects = self.failure_queries(body, any_failure, windowed, bool(where))
        columns = tuple(self.output_columns(values, select_items))
        schema, table = output.name.split(".")
        return CompiledOutput(
            output=output,
            target=quote_qualified(output.name),
            rejects_target=f"{quote_identifier(schema)}.{quote_identifier(table + '__rejected')}",
            columns=columns,
            select_all=select_all,
            select_valid=select_valid if self.checks else select_all,
            failures=failures,
            source_relation=rejects,
            checks=tuple(self.checks),
        )  # fmt: skip

    def exclusion(self, any_failure: str, windowed: bool, has_where: bool) -> str:
        if not any_failure:
            return ""
        if windowed:
            return f" QUALIFY NOT ({any_failure})"
        return f" {'AND' if has_where else 'WHERE'} NOT ({any_failure})"

    def filter_sql(self, scope: Scope) -> str:
        if self.output.filter is None:
            return ""

        def compile_path(path: str, condition: Condition) -> Compiled:
            return self.path(scope, path, condition.location, "filter")

        return compile_filter(self.output.filter, compile_path)

    def field_values(self, scope: Scope) -> dict[str, tuple[str, str]]:
        """Output field name → (SQL, kind); records conversion checks on the way."""
        values: dict[str, tuple[str, str]] = {}
        for mapping in self.output.fields:
            compiled = self.field_value(scope, mapping)
            values[mapping.name] = (compiled.sql, compiled.kind)
        if not self.output.fields and not self.output.is_aggregation:
            return {}
        return values

    def field_value(self, scope: Scope, mapping: FieldMapping) -> Compiled:
        context = f"field {mapping.name!r}"
        if mapping.source is not None:
            value = self.path(scope, mapping.source, mapping.location, context)
        else:
            value = Compiled(quote_literal(mapping.constant), _literal_kind(mapping.constant))

        for call in mapping.functions:

            def coalesce_path(
                path: str, _call_location: Location = call.location
            ) -> tuple[str, str]:
                compiled = self.path(scope, path, _call_location, context)
                return compiled.sql, compiled.kind

            try:
                result = functions.apply_function(value, call, coalesce_path)
            except FunctionArgumentError as error:
                raise MappingError(f"{self.where}, {context}: {error}", call.location) from None
            spec = functions.SPECS[call.name]
            if spec.converts and self.output.on_conversion_error != "null" and result is not value:
                prefix = quote_string(call.name + " could not convert ")
                self.checks.append(
                    Check(
                        condition=f"({value.sql} IS NOT NULL AND {result.sql} IS NULL)",
                        rule=call.name,
                        field=mapping.name,
                        reason=_prefixed(prefix),
                        action="fail" if self.output.on_conversion_error == "fail" else "reject",
                        value=as_text(value),
                    )
                )
            value = result
        return value

    def unmapped_items(self, scope: Scope, values: Mapping[str, tuple[str, str]]) -> list[str]:
        alias = quote_identifier(self.output.alias)
        if not self.output.fields and not self.output.is_aggregation:
            return [f"{alias}.*"]
        if not self.output.keep_unmapped:
            return []
        mapped_columns = {m.source for m in self.output.fields if m.source and "." not in m.source}
        taken = mapped_columns | set(values)
        columns = scope.sources.get(self.output.alias)
        if columns is None:
            excluded = ", ".join(quote_identifier(name) for name in sorted(taken))
            return [f"{alias}.* EXCLUDE ({excluded})" if excluded else f"{alias}.*"]
        return [
            f"{alias}.{quote_identifier(name)} AS {quote_identifier(name)}"
            for name in columns
            if name not in taken
        ]

    def output_columns(self, values: Mapping[str, tuple[str, str]], items: list[str]) -> list[str]:
        if self.output.is_aggregation:
            return [g.name for g in self.output.group_by] + [m.name for m in self.output.measures]
        names = list(values)
        if not self.output.fields or self.output.keep_unmapped:
            columns = self.catalog.columns(self.output.source)
            if columns is not None:
                mapped = {m.source for m in self.output.fields if m.source and "." not in m.source}
                names += [c for c in columns if c not in mapped and c not in values]
        return names

    # --- rules ------------------------------------------------------------------------

    def rule_checks(self, scope: Scope, values: dict[str, tuple[str, str]]) -> None:
        for rule in self.output.rules:
            if rule.field in values:
                sql, kind = values[rule.field]
            else:
                compiled = self.path(scope, rule.field, rule.location, f"rule {rule.kind!r}")
                sql, kind = compiled.sql, compiled.kind
            self.checks.append(self.rule_check(rule, Compiled(sql, kind)))

    def rule_check(self, rule: Rule, value: Compiled) -> Check:
        action = "fail" if self.output.on_rule_failure == "fail" else "reject"
        sql, text = value.sql, as_text(value)

        def saying(suffix: str) -> Callable[[str, str], str]:
            return lambda shown, _: f"'value ' || {_shown(shown)} || {quote_string(suffix)}"

        if rule.kind == "not_null":
            null = quote_string("value is null")
            return Check(f"({sql} IS NULL)", rule.kind, rule.field, lambda *_: null, action)
        if rule.kind == "unique":
            count = f"count(*) OVER (PARTITION BY {sql})"
            return Check(
                f"({sql} IS NOT NULL AND {count} > 1)",
                rule.kind,
                rule.field,
                lambda shown, n: (
                    f"'value ' || {_shown(shown)} || ' appears ' || CAST({n} AS VARCHAR) || ' times'"
                ),
                action,
                value=text,
                count=count,
                uses_window=True,
            )
        if rule.kind == "accepted_values":
            listed = ", ".join(quote_literal(v) for v in rule.values)
            valid = ", ".join(str(v) for v in rule.values)
            return Check(
                f"({sql} NOT IN ({listed}))",
                rule.kind,
                rule.field,
                saying(" is not one of: " + valid),
                action,
                value=text,
            )
        if rule.kind == "regex":
            pattern = rule.pattern or ""
            return Check(
                f"(NOT regexp_matches({text}, {quote_string(pattern)}))",
                rule.kind,
                rule.field,
                saying(" does not match " + pattern),
                action,
                value=text,
            )
        bounds = []
        if rule.minimum is not None:
            bounds.append(f"{sql} < {quote_literal(rule.minimum)}")
        if rule.maximum is not None:
            bounds.append(f"{sql} > {quote_literal(rule.maximum)}")
        low = "" if rule.minimum is None else rule.minimum
        high = "" if rule.maximum is None else rule.maximum
        return Check(
            f"({' OR '.join(bounds)})",
            rule.kind,
            rule.field,
            saying(f" is outside [{low}, {high}]"),
            action,
            value=text,
        )

    # --- failures and rejects -----------------------------------------------------------

    def failure_queries(
        self, body: str, any_failure: str, windowed: bool, has_where: bool
    ) -> tuple[str | None, str | None]:
        if not self.checks:
            return None, None

        alias = quote_identifier(self.output.alias)
        inner_items = [f"{alias}.rowid AS __bh_rowid"]
        for number, check in enumerate(self.checks):
            inner_items.append(f"COALESCE({check.condition}, FALSE) AS __bh_c{number}")
            inner_items.append(f"{check.value} AS __bh_v{number}")
            inner_items.append(f"{check.count} AS __bh_n{number}")
        inner = f"SELECT {', '.join(inner_items)} {body}"

        def case(attribute: Callable[[int, Check], str]) -> str:
            branches = " ".join(
                f"WHEN __bh_c{n} THEN {attribute(n, c)}" for n, c in enumerate(self.checks)
            )
            return f"CASE {branches} END"

        items = [
            "__bh_rowid",
            f"{case(lambda n, c: quote_string(c.rule))} AS _rule",
            f"{case(lambda n, c: quote_string(c.field))} AS _field",
            f"{case(lambda n, c: c.reason(f'__bh_v{n}', f'__bh_n{n}'))} AS _reason",
            f"{case(lambda n, c: quote_string(c.action))} AS _action",
        ]
        failing = " OR ".join(f"__bh_c{n}" for n in range(len(self.checks)))
        failures = f"SELECT {', '.join(items)} FROM ({inner}) AS __bh_checks WHERE {failing}"  # noqa: S608
        rejects = self.catalog.relation(self.output.source)
        return failures, rejects  # fmt: skip

    # --- aggregation -------------------------------------------------------------------

    def aggregate(
        self,
        rows_sql: str,
        values: Mapping[str, tuple[str, str]],
        scope: Scope,
        where: str = "",
    ) -> str:
        """GROUP BY over the mapped rows (``rows_sql`` a subquery) or, without fields,
        directly over the sources (``rows_sql`` the FROM clause, ``where`` its filter)."""
        output = self.output
        rows = quote_identifier("__bh_rows")

        def ref(name: str, location: Location) -> Compiled:
            if values:
                return Compiled(
                    f"{rows}.{quote_identifier(name)}", values.get(name, ("", k.UNKNOWN))[1]
                )
            return self.path(scope, name, location, "aggregation")

        groups = []
        for key in output.group_by:
            value = ref(key.field, key.location)
            sql = value.sql
            if key.bucket is not None:
                if value.kind not in (k.TIMESTAMP, k.DATE, k.UNKNOWN):
                    raise self.fail(
                        f"group_by {key.field!r}: bucket {key.bucket!r} needs a timestamp or date, got a {value.kind}",
                        key.location,
                    )
                sql = f"CAST(date_trunc({quote_string(key.bucket)}, {sql}) AS DATE)"
            groups.append((key.name, sql))
        measures = []
        for measure in output.measures:
            if measure.field is None:
                measures.append((measure.name, "count(*)"))
                continue
            value = ref(measure.field, measure.location)
            if measure.function in ("sum", "avg") and value.kind not in (
                *k.NUMERIC,
                k.UNKNOWN,
                k.BOOLEAN,
            ):
                raise self.fail(
                    f"measure {measure.name!r}: {measure.function} needs a number, {measure.field!r} is a {value.kind}",
                    measure.location,
                )
            if measure.function == "count_distinct":
                measures.append((measure.name, f"count(DISTINCT {value.sql})"))
            else:
                measures.append((measure.name, f"{measure.function}({value.sql})"))
        items = ", ".join(f"{sql} AS {quote_identifier(name)}" for name, sql in groups + measures)
        positions = ", ".join(str(i + 1) for i in range(len(groups)))
        grouping = f" GROUP BY {positions} ORDER BY {positions}" if groups else ""
        source = (
            f"{rows_sql} AS {rows}" if values else rows_sql + (f" WHERE {where}" if where else "")
        )
        return f"SELECT {items} FROM {source}{grouping}"  # noqa: S608 - parts are quoted  # fmt: skip


def _literal_kind(value: object) -> str:
    if isinstance(value, bool):
        return k.BOOLEAN
    if isinstance(value, int):
        return k.INTEGER
    if isinstance(value, float):
        return k.FLOAT
    if isinstance(value, str):
        return k.TEXT
    return k.UNKNOWN
