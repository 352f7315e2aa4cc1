"""Sync definitions (``syncs/<name>.yaml``): loading, checking and the model.

A definition is checked against ``sync-definition.schema.json`` (shipped beside this
module) and then against what the connectors offer (objects, scope keys, the fields their
targets write, the mapping language's functions). Every error is one line starting
``<file>:<line>:`` and says what would be valid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from brainhub.errors import ConfigError
from brainhub.sync.expressions import ExpressionError, parse_apply, parse_filter
from brainhub.sync.objects import OBJECTS, SyncObject, objects_of
from brainhub.yaml_lines import LineDict, line_at, load_yaml_with_lines
from transforms.engine.model import Filter, FunctionCall

SCHEMA_FILE = Path(__file__).with_name("sync-definition.schema.json")
SYNCS_DIR = "syncs"

Role = Literal["left", "right"]
ConflictPolicy = Literal["left-wins", "right-wins", "newest-wins", "manual"]


class SyncDefinitionError(ConfigError):
    """A sync definition is invalid; the message starts with ``file:line:``."""


@cache
def definition_schema() -> dict[str, Any]:
    """The JSON Schema of a sync definition."""
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class FieldSide:
    """Where one mapped field is on one side."""

    read: str
    apply: tuple[FunctionCall, ...]
    write: str
    removed: str | None
    #: Values the read's ``apply`` leaves out stay on the record when it is written.
    keep_others: bool = False


@dataclass(frozen=True)
class SyncField:
    """One mapped field and its conflict rule."""

    name: str
    left: FieldSide
    right: FieldSide
    to_right: tuple[FunctionCall, ...]
    to_left: tuple[FunctionCall, ...]
    conflict: ConflictPolicy
    direction: Literal["both", "to_right", "to_left"]

    def side(self, role: Role) -> FieldSide:
        return self.left if role == "left" else self.right

    def towards(self, role: Role) -> tuple[FunctionCall, ...]:
        """The functions turning the other side's value into a value of ``role``."""
        return self.to_left if role == "left" else self.to_right

    def flows_to(self, role: Role) -> bool:
        return self.direction == "both" or self.direction == f"to_{role}"


@dataclass(frozen=True)
class Side:
    """One side of a sync: a connector's object in a scope."""

    role: Role
    object: SyncObject
    scope: dict[str, str]
    write: dict[str, Any]
    archive: dict[str, Any] | None
    full_read: bool
    filter: Filter | None
    match: str

    @property
    def connector(self) -> str:
        return self.object.connector

    @property
    def table(self) -> str:
        return f"raw_{self.object.connector}.{self.object.stream}"

    def scope_filters(self) -> list[tuple[str, str]]:
        """(column path, value) pairs every record of the side has."""
        return [(self.object.scope[key].read, value) for key, value in self.scope.items()]

    def create_values(self) -> dict[str, Any]:
        """Record fields sent with every create on this side."""
        values: dict[str, Any] = {}
        for key, value in self.scope.items():
            values.update(self.object.scope[key].write(value))
        return {**values, **self.write}

    def settings(self) -> dict[str, Any]:
        """Tap and target settings the scope needs."""
        found: dict[str, Any] = {}
        for key, value in self.scope.items():
            found.update(self.object.scope[key].settings(value))
        return found


@dataclass(frozen=True)
class SyncDefinition:
    """A checked ``syncs/<name>.yaml``."""

    name: str
    file: str
    description: str
    left: Side
    right: Side
    delete: Literal["propagate", "archive", "ignore"]
    fields: tuple[SyncField, ...]
    interval: float | None = None
    """Seconds between runs under ``brainhub scheduler``; ``None``: not scheduled by it."""

    @property
    def schema(self) -> str:
        """The warehouse schema of the sync's state."""
        return "sync_" + self.name.replace("-", "_")

    def side(self, role: Role) -> Side:
        return self.left if role == "left" else self.right


def other(role: Role) -> Role:
    return "right" if role == "left" else "left"


# ---------------------------------------------------------------------------------- loading


def sync_files(project: Path) -> list[Path]:
    """Every ``syncs/*.yaml`` of a project."""
    return sorted((project / SYNCS_DIR).glob("*.yaml"))


def find_definition(project: Path, name: str) -> Path:
    """The file of sync ``name``; an error lists the syncs there are."""
    path = project / SYNCS_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sync_files(project)) or "none"
        raise SyncDefinitionError(
            f"no sync {name!r}: {SYNCS_DIR}/{name}.yaml does not exist (syncs: {known})"
        )
    return path


def load_definition(path: Path, display: str | None = None) -> SyncDefinition:
    """Load and check one definition file."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncDefinitionError(f"{file}: cannot read the sync definition: {exc}") from None
    return parse_definition(text, file, expected_name=path.stem)


def parse_definition(text: str, file: str, expected_name: str | None = None) -> SyncDefinition:
    """Check the text of a definition; ``expected_name`` is the file's stem."""
    try:
        document = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SyncDefinitionError(f"{file}{line}: not valid YAML: {problem}") from None
    if not isinstance(document, LineDict):
        raise SyncDefinitionError(
            f"{file}:1: a sync definition is a mapping with the keys name, left, right, "
            "match and fields"
        )
    _check_schema(document, file)
    return _Reader(file, document, expected_name).definition()


def _check_schema(document: LineDict, file: str) -> None:
    validator = jsonschema.Draft202012Validator(definition_schema())
    errors = list(validator.iter_errors(document))
    if not errors:
        return
    error = min(errors, key=lambda e: (_line(document, e.absolute_path), -len(e.absolute_path)))
    while error.validator in ("oneOf", "anyOf") and error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    path = tuple(error.absolute_path)
    where = ".".join(str(part) for part in path) or "(top level)"
    line = _line(document, path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted((schema.get("properties") or {}).keys())
        extra = sorted(set(error.instance) - set(allowed))
        key = extra[0] if extra else "?"
        if isinstance(error.instance, LineDict) and key in error.instance:
            line = error.instance.line_of(key)
        message = f"unknown key {key!r} (valid: {', '.join(allowed)})"
    elif error.validator == "required":
        message = f"{error.message}"
    elif error.validator == "enum":
        valid = ", ".join(str(v) for v in schema.get("enum", []))
        message = f"{error.instance!r} is not valid (valid: {valid})"
    elif error.validator == "pattern" and schema.get("description"):
        message = f"{error.instance!r} is not valid: {schema['description']}"
    else:
        message = error.message
    raise SyncDefinitionError(f"{file}:{line}: at {where}: {message}")


def _line(document: Any, path: Any) -> int:
    found = line_at(document, tuple(path))
    while found is None and path:
        path = tuple(path)[:-1]
        found = line_at(document, tuple(path))
    return found or getattr(document, "line", 1) or 1


class _Reader:
    """Builds the model of a schema-valid definition, checking what the schema cannot."""

    def __init__(self, file: str, document: LineDict, expected_name: str | None) -> None:
        self.file = file
        self.document = document
        self.expected_name = expected_name

    def fail(self, path: tuple[str | int, ...], message: str) -> SyncDefinitionError:
        return SyncDefinitionError(f"{self.file}:{_line(self.document, path)}: {message}")

    def definition(self) -> SyncDefinition:
        doc = self.document
        name = str(doc["name"])
        if self.expected_name is not None and name != self.expected_name:
            raise self.fail(
                ("name",),
                f"name {name!r} differs from the file's name; name it {self.expected_name!r} "
                f"or rename the file to {name}.yaml",
            )
        delete = doc.get("delete", "archive")
        left = self.side("left")
        right = self.side("right")
        if delete == "archive":
            for side in (left, right):
                if side.archive is None:
                    raise self.fail(
                        (side.role,),
                        f"delete: archive needs {side.role}.archive, the values that archive a "
                        f"{side.connector} {side.object.name[:-1]} (e.g. "
                        f"{_ARCHIVE_EXAMPLES.get(side.connector, '{status: closed}')}); or "
                        "choose delete: propagate or ignore",
                    )
        fields = tuple(self.field(i, node, left, right) for i, node in enumerate(doc["fields"]))
        seen: dict[str, int] = {}
        for index, item in enumerate(fields):
            if item.name in seen:
                raise self.fail(
                    ("fields", index),
                    f"field {item.name!r} is mapped twice (also fields[{seen[item.name]}]); "
                    "give one a different name:",
                )
            seen[item.name] = index
        return SyncDefinition(
            name=name,
            file=self.file,
            description=str(doc.get("description", "")),
            left=left,
            right=right,
            delete=delete,
            fields=fields,
            interval=float(doc["interval"]) if "interval" in doc else None,
        )

    def side(self, role: Role) -> Side:
        node = self.document[role]
        connector = node["connector"]
        object_name = node["object"]
        sync_object = OBJECTS.get((connector, object_name))
        if sync_object is None:
            raise self.fail(
                (role, "object"),
                f"{role}.object: {connector} has no object {object_name!r} a sync can keep in "
                f"step (valid: {', '.join(objects_of(connector))})",
            )
        scope: dict[str, str] = {}
        for key, value in node["scope"].items():
            scope_key = sync_object.scope.get(key)
            if scope_key is None:
                raise self.fail(
                    (role, "scope", key),
                    f"{role}.scope: {connector} {object_name} has no scope key {key!r} "
                    f"(valid: {', '.join(sync_object.scope)})",
                )
            if not scope_key.check(str(value)):
                raise self.fail(
                    (role, "scope", key),
                    f"{role}.scope.{key}: {value!r} is not valid; expected {scope_key.form}",
                )
            scope[key] = str(value)
        missing = [key for key in sync_object.scope if key not in scope]
        if missing:
            raise self.fail((role, "scope"), f"{role}.scope needs {', '.join(missing)}")
        match = self.document["match"][role]
        filters = self.document.get("filter") or {}
        parsed_filter = None
        if role in filters:
            parsed_filter = self.expression(("filter", role), lambda: parse_filter(filters[role]))
        written = _written_fields(connector, object_name)
        for values_key in ("write", "archive"):
            for key in node.get(values_key) or {}:
                if key not in written:
                    raise self.fail(
                        (role, values_key, key),
                        f"{role}.{values_key}: target-{connector} writes no field {key!r} of "
                        f"{object_name} (valid: {', '.join(sorted(written))})",
                    )
        return Side(
            role=role,
            object=sync_object,
            scope=scope,
            write=dict(node.get("write") or {}),
            archive=dict(node["archive"]) if "archive" in node else None,
            full_read=bool(node.get("full_read", False)),
            filter=parsed_filter,
            match=match,
        )

    def field(self, index: int, node: LineDict, left: Side, right: Side) -> SyncField:
        path = ("fields", index)
        sides = {
            "left": self.field_side((*path, "left"), node["left"], left),
            "right": self.field_side((*path, "right"), node["right"], right),
        }
        to_right = self.expression((*path, "to_right"), lambda: parse_apply(node.get("to_right")))
        to_left = self.expression((*path, "to_left"), lambda: parse_apply(node.get("to_left")))
        return SyncField(
            name=str(node.get("name") or sides["left"].write),
            left=sides["left"],
            right=sides["right"],
            to_right=to_right,
            to_left=to_left,
            conflict=node.get("conflict", "newest-wins"),
            direction=node.get("direction", "both"),
        )

    def field_side(self, path: tuple[str | int, ...], node: Any, side: Side) -> FieldSide:
        if isinstance(node, str):
            node = {"read": node}
        read = str(node["read"])
        write = str(node.get("write") or _default_write_name(read))
        removed = node.get("removed")
        written = _written_fields(side.connector, side.object.name)
        for key, name in (("write", write), ("removed", removed)):
            if name is not None and name not in written:
                raise self.fail(
                    path,
                    f"{side.role} field {read!r} is written as {name!r} ({key}), which "
                    f"target-{side.connector} does not write for {side.object.name} (valid: "
                    f"{', '.join(sorted(written))}); name the record field with write:",
                )
        apply = self.expression((*path, "apply"), lambda: parse_apply(node.get("apply")))
        keep_others = bool(node.get("keep_others", False))
        return FieldSide(read, apply, write, removed, keep_others)

    def expression(self, path: tuple[str | int, ...], build: Any) -> Any:
        try:
            return build()
        except ExpressionError as exc:
            raise self.fail((*path, *exc.path), str(exc)) from None


_ARCHIVE_EXAMPLES = {
    "clickup": "{status: complete}",
    "github": "{state: closed, state_reason: not_planned}",
    "jira": "{status: Done}",
}


def _default_write_name(read: str) -> str:
    """``labels[].name`` → ``labels``; ``status.status`` → ``status``; ``fields.summary`` →
    ``summary``."""
    parts = read.split(".")
    for part in parts:
        if part.endswith("[]"):
            return part[:-2]
    return parts[-1]


@cache
def _written_fields(connector: str, object_name: str) -> frozenset[str]:
    """The record fields ``target-<connector>`` writes for an object type."""
    from targets.runtime.cli import load_writer_spec
    from targets.runtime.records import written_field_names

    spec = load_writer_spec(connector)
    return frozenset(written_field_names(spec.writes[object_name])) - {"id"}


__all__ = [
    "FieldSide",
    "Side",
    "SyncDefinition",
    "SyncDefinitionError",
    "SyncField",
    "find_definition",
    "load_definition",
    "other",
    "parse_definition",
    "sync_files",
]
