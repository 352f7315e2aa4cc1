"""Turn JSON Schema errors on a spec into messages that say where, what, and what is valid."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from brainhub.yaml_lines import line_at

Path = tuple[str | int, ...]

SCHEMA_FILE = "connector-spec.schema.json"


@cache
def spec_schema() -> dict[str, Any]:
    """The JSON Schema of the connector spec format (shipped beside this module)."""
    text = resources.files("brainhub.spec").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(spec_schema())


def spec_problems(data: Any) -> list[tuple[int | None, str, str]]:
    """Every schema violation as ``(line, dotted path, message)``, in document order."""
    return schema_problems(_validator(), data)


def schema_problems(
    validator: Draft202012Validator, data: Any
) -> list[tuple[int | None, str, str]]:
    """Every violation of ``validator``'s schema by ``data`` (loaded with
    :func:`~brainhub.yaml_lines.load_yaml_with_lines`) as ``(line, dotted path, message)``,
    in document order; each message says what would be valid."""
    problems = [_describe(error) for error in validator.iter_errors(data)]
    located = []
    for path, message in problems:
        shown = path[:-1] if message.startswith("unknown key") else path
        located.append((line_at(data, path), dotted_path(shown), message))
    return sorted(located, key=lambda p: (p[0] or 0, p[1]))


def _describe(error: ValidationError) -> tuple[Path, str]:
    """The most specific path and message for one error (descending into oneOf branches)."""
    if error.validator == "oneOf" and isinstance(error.instance, dict | str):
        branch = _chosen_branch(error)
        if branch is not None:
            return _describe(branch)
        return tuple(error.absolute_path), _no_kind_message(error)
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        key = extra[0] if extra else "?"
        return (*path, key), f"unknown key {key!r} (valid keys: {', '.join(allowed)})"
    if error.validator == "enum":
        valid = ", ".join(str(v) for v in error.validator_value)
        return path, f"{error.instance!r} is not valid here (valid: {valid})"
    if error.validator == "const":
        return path, f"{error.instance!r} is not valid here (expected {error.validator_value!r})"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return path, f"missing required key {missing[0]!r}" if missing else error.message
    if error.validator == "type":
        return (
            path,
            f"expected {error.validator_value}, got {_kind(error.instance)} {error.instance!r}",
        )
    if error.validator == "pattern":
        return path, f"{error.instance!r} does not match {error.validator_value} (use snake_case)"
    return path, error.message


def _chosen_branch(error: ValidationError) -> ValidationError | None:
    """For ``oneOf`` of typed objects, the error inside the branch whose ``type`` matched."""
    wanted = error.instance.get("type") if isinstance(error.instance, dict) else None
    branches = error.validator_value
    untyped = [n for n, branch in enumerate(branches) if not list(_branch_types(branch))]
    if wanted is None and isinstance(error.instance, dict):
        # a kind whose ``type`` has a default (``incremental``: ``cursor``) may omit it
        defaults = [
            _resolved(b).get("properties", {}).get("type", {}) for b in error.validator_value
        ]
        wanted = next((t["default"] for t in defaults if "default" in t), None)
    best: ValidationError | None = None
    for sub in error.context or ():
        index = sub.schema_path[0]
        if wanted is None:
            # A block without ``type`` is the one untyped branch (a cursor ``incremental``).
            matches = len(untyped) == 1 and index == untyped[0]
        else:
            matches = wanted in _branch_types(branches[index])
        if matches and (best is None or len(sub.path) > len(best.path)):
            best = sub
    return best


def _no_kind_message(error: ValidationError) -> str:
    kinds = sorted({t for branch in error.validator_value for t in _branch_types(branch)})
    given = error.instance.get("type") if isinstance(error.instance, dict) else error.instance
    if isinstance(error.instance, dict) and "type" not in error.instance:
        return f"missing 'type' (valid types: {', '.join(kinds)})"
    return f"unknown type {given!r} (valid types: {', '.join(kinds)})"


def _resolved(branch: dict[str, Any]) -> dict[str, Any]:
    """A ``oneOf`` branch, its local ``$ref`` (``#/$defs/x``) followed."""
    ref = branch.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(spec_schema()["$defs"][ref.rsplit("/", 1)[-1]])
    return branch


def _branch_types(branch: dict[str, Any]) -> Iterable[str]:
    branch = _resolved(branch)
    if "enum" in branch:
        yield from (str(v) for v in branch["enum"])
    type_schema = branch.get("properties", {}).get("type", {})
    if "const" in type_schema:
        yield type_schema["const"]
    yield from type_schema.get("enum", ())


def _kind(value: Any) -> str:
    """How a YAML value reads in a message (line-tracking subclasses included)."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (dict, "a mapping"),
        (list, "a list"),
        (str, "a string"),
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a number"),
        (type(None), "null"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def dotted_path(path: Path) -> str:
    """``("streams", "tasks", "parent", 0)`` → ``streams.tasks.parent[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
