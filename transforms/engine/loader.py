"""Load mapping files: YAML with lines → JSON Schema validation → the typed model.

Every error names the file and line (``transforms/clickup/staging.yaml:14: …``), the
output and field, the bad value and what would be valid.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from brainhub.yaml_lines import LineDict, LineList, load_yaml_with_lines
from transforms.engine import functions
from transforms.engine.errors import Location, MappingError, suggest
from transforms.engine.model import (
    BoolOp,
    Condition,
    FieldMapping,
    FieldRef,
    Filter,
    FunctionArg,
    FunctionCall,
    GroupKey,
    Join,
    Measure,
    Now,
    Output,
    Rule,
    Unnest,
)
from transforms.engine.ownership import check_output_name


@cache
def mapping_schema() -> dict[str, Any]:
    """The JSON Schema of the mapping format (``mapping.schema.json``)."""
    text = resources.files("transforms.engine").joinpath("mapping.schema.json").read_text()
    return json.loads(text)


def load_mapping_file(path: Path, display_name: str | None = None) -> list[Output]:
    """Load and check one mapping file; returns its outputs in file order."""
    name = display_name or str(path)
    return load_mapping_text(read_utf8(path, name, "mapping file"), name)


def read_utf8(path: Path, name: str, what: str) -> str:
    """The text of a mapping file or SQL model; unreadable or non-UTF-8 files raise a
    :class:`MappingError` naming the file (and the line of the first bad byte)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MappingError(f"cannot read {what}: {error.strerror}", Location(name)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MappingError(
            f"{what} is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
            Location(name, line),
        ) from None


def load_mapping_text(text: str, file: str) -> list[Output]:
    """Load and check mapping YAML given as text; ``file`` is the name used in errors."""
    try:
        document = load_yaml_with_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(error, "problem", None) or str(error)
        raise MappingError(f"invalid YAML: {problem}", Location(file, line)) from None
    except RecursionError:
        raise MappingError(
            "invalid YAML: nested too deeply to read (a mapping file needs a few levels)",
            Location(file),
        ) from None
    if not isinstance(document, LineDict):
        raise MappingError(
            "a mapping file must be a YAML mapping with 'version' and 'outputs'", Location(file, 1)
        )
    _validate_against_schema(document, file)
    return _FileReader(file, document).outputs()


def _validate_against_schema(document: LineDict, file: str) -> None:
    validator = jsonschema.Draft202012Validator(mapping_schema())
    errors = list(validator.iter_errors(document))
    if not errors:
        return
    error = min(errors, key=lambda e: _line_of(document, e.absolute_path))
    error = _deepest(error)
    where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    line = _line_of(document, error.absolute_path)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extra = sorted(set(error.instance) - set(allowed))
        if extra:
            key = extra[0]
            line = error.instance.line_of(key) if isinstance(error.instance, LineDict) else line
            message = f"unknown key {key!r}{suggest(key, allowed)} (valid: {', '.join(allowed)})"
    elif error.validator == "pattern" and error.schema.get("description"):
        message = f"{error.instance!r} is not valid: {error.schema['description']}"
        parent = _node_at(document, list(error.absolute_path))
        if isinstance(parent, LineDict) and error.instance in parent:
            line = parent.line_of(error.instance)
    raise MappingError(f"at {_shorten(where)}: {_shorten(message)}", Location(file, line))


def _shorten(text: str, limit: int = 300) -> str:
    """``text`` cut in the middle when longer than ``limit``: JSON Schema messages quote the
    offending value, which aliases can make enormous."""
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]} … {text[-keep:]}"


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf failures, the alternative that got furthest, else the error itself."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return error


def _node_at(document: Any, path: list[Any]) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _line_of(document: Any, path: Any) -> int:
    line = getattr(document, "line", 0)
    node = document
    for part in path:
        in_dict = isinstance(node, LineDict) and part in node
        in_list = isinstance(node, LineList) and isinstance(part, int) and part < len(node)
        if not (in_dict or in_list):
            break
        line = node.line_of(part)
        node = node[part]
    return line


class _FileReader:
    """Builds the model of one schema-valid mapping document."""

    def __init__(self, file: str, document: LineDict) -> None:
        self.file = file
        self.document = document
        self.defaults: dict[str, Any] = dict(document.get("defaults") or {})

    def at(self, line: int) -> Location:
        return Location(self.file, line)

    def outputs(self) -> list[Output]:
        outputs_node: LineDict = self.document["outputs"]
        return [
            self.output(name, outputs_node[name], outputs_node.line_of(name))
            for name in outputs_node
        ]

    def setting(self, node: LineDict, key: str, fallback: Any) -> Any:
        return node.get(key, self.defaults.get(key, fallback))

    def output(self, name: str, node: LineDict, line: int) -> Output:
        check_output_name(name, self.at(line))
        source = node["from"]
        alias = node.get("as") or source.split(".")[-1]
        fields = tuple(
            self.field(name, field_name, node["fields"][field_name], node["fields"])
            for field_name in node.get("fields") or {}
        )
        output = Output(
            name=name,
            source=source,
            alias=alias,
            location=self.at(line),
            description=node.get("description", ""),
            fields=fields,
            keep_unmapped=bool(self.setting(node, "keep_unmapped", False)),
            rules=tuple(self.rule(rule, node["rules"].line_of(i)) for i, rule in enumerate(node.get("rules") or [])),
            filter=self.filter(node["filter"], node.line_of("filter")) if "filter" in node else None,
            joins=tuple(self.join(j, node["joins"].line_of(i)) for i, j in enumerate(node.get("joins") or [])),
            unnest=self.unnest(node["unnest"], node.line_of("unnest")) if "unnest" in node else None,
            group_by=tuple(self.group_key(g, node["group_by"].line_of(i)) for i, g in enumerate(node.get("group_by") or [])),
            measures=tuple(self.measure(m, node["measures"][m], node["measures"].line_of(m)) for m in node.get("measures") or {}),
            on_conversion_error=self.setting(node, "on_conversion_error", "reject") or "null",
            on_rule_failure=self.setting(node, "on_rule_failure", "reject"),
            in_flight=bool(self.document.get("in_flight", False)),
        )  # fmt: skip
        self.check_output(output)
        return output

    def field(self, output: str, name: str, node: Any, parent: LineDict) -> FieldMapping:
        line = parent.line_of(name)
        if isinstance(node, str):
            return FieldMapping(name, node, None, (), self.at(line))
        calls_node = node.get("apply") or LineList()
        calls = []
        for index, entry in enumerate(calls_node):
            call_line = calls_node.line_of(index) if isinstance(calls_node, LineList) else line
            calls.append(self.function(output, name, entry, call_line))
        return FieldMapping(name, node.get("from"), node.get("value"), tuple(calls), self.at(line))

    def function(self, output: str, field: str, entry: Any, line: int) -> FunctionCall:
        args: tuple[FunctionArg, ...]
        if isinstance(entry, str):
            fname, args = entry, ()
        else:
            fname, raw = next(iter(entry.items()))
            if isinstance(raw, dict):  # a lookup table (map_values)
                args = (tuple((str(key), value) for key, value in raw.items()),)
            else:
                args = tuple(raw) if isinstance(raw, list) else (raw,)
        where = f"output {output!r}, field {field!r}"
        if fname not in functions.SPECS:
            valid = list(functions.SPECS)
            raise MappingError(
                f"{where}: unknown function {fname!r}{suggest(fname, valid)} "
                f"(valid: {', '.join(valid)})",
                self.at(line),
            )
        call = FunctionCall(fname, args, self.at(line))
        try:
            functions.check_call(call)
        except functions.FunctionArgumentError as error:
            raise MappingError(f"{where}: {error}", self.at(line)) from None
        return call

    def rule(self, node: LineDict, line: int) -> Rule:
        return Rule(
            kind=node["rule"],
            field=node["field"],
            location=self.at(line),
            values=tuple(node.get("values") or ()),
            pattern=node.get("pattern"),
            minimum=node.get("min"),
            maximum=node.get("max"),
        )

    def filter(self, node: LineDict, line: int) -> Filter:
        line = node.line or line
        for op in ("all", "any"):
            if op in node:
                parts = node[op]
                return BoolOp(
                    op,
                    tuple(self.filter(p, parts.line_of(i)) for i, p in enumerate(parts)),
                    self.at(line),
                )
        if "not" in node:
            return BoolOp("not", (self.filter(node["not"], node.line_of("not")),), self.at(line))
        value: Any = node.get("value")
        if isinstance(value, dict):
            value = FieldRef(value["field"]) if "field" in value else Now()
        elif isinstance(value, list):
            value = tuple(value)
        op = node["op"]
        needs_value = op not in ("is_null", "not_null")
        if needs_value and "value" not in node:
            raise MappingError(f"filter op {op!r} needs a value", self.at(line))
        if op in ("in", "not_in") and not isinstance(value, tuple):
            raise MappingError(f"filter op {op!r} needs a list of values", self.at(line))
        if op not in ("in", "not_in") and isinstance(value, tuple):
            raise MappingError(
                f"filter op {op!r} compares with one value, got a list", self.at(line)
            )
        return Condition(node["field"], op, value, self.at(line))  # fmt: skip

    def join(self, node: LineDict, line: int) -> Join:
        source = node["source"]
        keys = tuple((left, right) for left, right in node["on"].items())
        return Join(
            source,
            node.get("as") or source.split(".")[-1],
            node.get("type", "inner"),
            keys,
            self.at(node.line or line),
        )

    def unnest(self, node: LineDict, line: int) -> Unnest:
        return Unnest(node["field"], node["as"], self.at(node.line or line))

    def group_key(self, node: Any, line: int) -> GroupKey:
        if isinstance(node, str):
            return GroupKey(node, node.split(".")[-1], None, self.at(line))
        return GroupKey(
            node["field"],
            node.get("as") or node["field"].split(".")[-1],
            node.get("bucket"),
            self.at(line),
        )

    def measure(self, name: str, node: Any, line: int) -> Measure:
        if isinstance(node, str):
            return Measure(name, "count", None, self.at(line))
        function, field = next(iter(node.items()))
        return Measure(name, function, field, self.at(line))

    def check_output(self, output: Output) -> None:
        """Checks that need the whole output: names that must exist, clashes, aggregation."""
        where = f"output {output.name!r}"
        aliases = [output.alias, *(j.alias for j in output.joins)]
        if output.unnest:
            aliases.append(output.unnest.alias)
        duplicates = sorted({a for a in aliases if aliases.count(a) > 1})
        if duplicates:
            raise MappingError(
                f"{where}: alias {duplicates[0]!r} is used twice; set 'as' to tell sources apart",
                output.location,
            )
        field_names = [f.name for f in output.fields]
        for rule in output.rules:
            if output.fields and rule.field not in field_names:
                raise MappingError(
                    f"{where}: rule {rule.kind!r} checks unknown field {rule.field!r}{suggest(rule.field, field_names)} "
                    f"(output fields: {', '.join(field_names)})",
                    rule.location,
                )
        if output.group_by and not output.measures:
            raise MappingError(f"{where}: group_by needs measures", output.location)
        outputs_names = [*(g.name for g in output.group_by), *(m.name for m in output.measures)]
        for name in outputs_names:
            if outputs_names.count(name) > 1:
                raise MappingError(
                    f"{where}: aggregated column {name!r} is declared twice", output.location
                )
        if output.is_aggregation and output.fields:
            for ref, location in [(g.field, g.location) for g in output.group_by] + [
                (m.field, m.location) for m in output.measures if m.field
            ]:
                if ref not in field_names:
                    raise MappingError(
                        f"{where}: aggregation uses unknown field {ref!r}{suggest(ref, field_names)} "
                        f"(output fields: {', '.join(field_names)})",
                        location,
                    )
        if output.is_aggregation and output.keep_unmapped:
            raise MappingError(
                f"{where}: keep_unmapped cannot be combined with measures", output.location
            )
