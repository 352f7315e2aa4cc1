"""Integration files (``integration.yaml`` or ``.json``): load, override, validate.

Every key may be overridden by the environment variable ``BRAINHUB_INTEGRATION_<KEY>``
(``BRAINHUB_INTEGRATION_ENVIRONMENT=prod``; lists and mappings as JSON:
``BRAINHUB_INTEGRATION_STREAMS='["tasks"]'``). A problem is one line naming the file and
line (or the variable), the key, and what would be valid.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from brainhub.errors import ConfigError
from brainhub.yaml_lines import line_at, load_yaml_with_lines

FILE_NAMES = ("integration.yaml", "integration.yml", "integration.json")
OVERRIDE_PREFIX = "BRAINHUB_INTEGRATION_"


@dataclass(frozen=True)
class IntegrationFile:
    """A loaded, valid integration file: where it is and its settings (overrides applied)."""

    path: Path
    data: dict[str, Any]
    #: Key → the environment variable that overrode it.
    overrides: dict[str, str] = field(default_factory=dict)

    def where(self, *keys: str | int) -> str:
        """``file: line N: key: `` (or ``$VARIABLE: key: ``) for a message about ``keys``."""
        shown = ".".join(str(k) for k in keys)
        if keys and keys[0] in self.overrides:
            return f"${self.overrides[str(keys[0])]}: {shown}: "
        line = line_at(self.data, keys) or line_at(self.data, keys[:1])
        return f"{self.path}: line {line}: {shown}: " if line else f"{self.path}: {shown}: "


@cache
def integration_schema() -> dict[str, Any]:
    """The JSON Schema of integration files (shipped beside this module)."""
    text = resources.files("brainhub.hub").joinpath("integration.schema.json").read_text("utf-8")
    return json.loads(text)


def find_file(path: Path) -> Path:
    """``path`` itself, or the integration file inside the directory ``path``."""
    if path.is_dir():
        for name in FILE_NAMES:
            if (path / name).is_file():
                return path / name
        raise ConfigError(f"{path}: no integration file ({' or '.join(FILE_NAMES)})")
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    return path


def load_integration_file(path: Path, environ: Mapping[str, str] | None = None) -> IntegrationFile:
    """Load ``path`` (a file or a directory holding one), apply overrides, validate."""
    path = find_file(path)
    try:
        data = load_yaml_with_lines(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise ConfigError(
            f"{path}: {line}invalid {path.suffix[1:].upper()}: "
            f"{getattr(exc, 'problem', None) or exc}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: an integration file is a mapping with name and kind")
    overridden = _overrides(environ if environ is not None else os.environ)
    for key, (_, value) in overridden.items():
        data[key] = value
    errors = sorted(
        Draft202012Validator(integration_schema()).iter_errors(data),
        key=lambda e: (line_at(data, tuple(e.absolute_path)) or 0, list(e.absolute_path)),
    )
    if errors:
        raise ConfigError(_where(path, data, errors[0], overridden) + _message(errors[0]))
    return IntegrationFile(path, data, {key: variable for key, (variable, _) in overridden.items()})


def _overrides(environ: Mapping[str, str]) -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    keys = integration_schema()["properties"]
    for variable, raw in environ.items():
        if not variable.startswith(OVERRIDE_PREFIX):
            continue
        key = variable.removeprefix(OVERRIDE_PREFIX).lower()
        if key not in keys:
            raise ConfigError(
                f"${variable}: no key {key!r} to override (valid: "
                f"{', '.join(OVERRIDE_PREFIX + k.upper() for k in keys)})"
            )
        value: Any = raw
        if raw[:1] in "[{" or keys[key].get("type") == "number":
            try:
                value = json.loads(raw)
            except ValueError:
                raise ConfigError(f"${variable}: not JSON ({raw[:40]!r})") from None
        found[key] = (variable, value)
    return found


def _where(
    path: Path, data: Any, error: ValidationError, overridden: dict[str, tuple[str, Any]]
) -> str:
    keys: list[str | int] = list(error.absolute_path)
    if keys and keys[0] in overridden:
        return f"${overridden[str(keys[0])][0]}: "
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        keys += extra[:1]
    line = line_at(data, tuple(keys)) or line_at(data, tuple(keys[:-1]))
    return f"{path}: line {line}: " if line else f"{path}: "


#: JSON Schema's type names as a message says them.
_TYPE_WORDS: dict[str, str] = {
    "array": "a list",
    "object": "a mapping",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "null": "null",
}


def _message(error: ValidationError) -> str:
    key = ".".join(str(p) for p in error.absolute_path)
    prefix = f"{key}: " if key else ""
    if error.validator == "enum":
        valid = ", ".join(str(v) for v in error.validator_value)
        return f"{prefix}{error.instance!r} is not valid (valid: {valid})"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        return f"{prefix}unknown key {extra[0]!r} (valid keys: {', '.join(allowed)})"
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        kind = error.instance.get("kind") if isinstance(error.instance, dict) else None
        why = f" (kind {kind} needs it)" if kind and missing not in ("name", "kind") else ""
        return f"{prefix}missing key {missing!r}{why}"
    if error.validator == "pattern":
        return (
            f"{prefix}{error.instance!r} is not valid: use lower-case letters, digits and _, "
            "starting with a letter"
        )
    if error.validator == "type":
        wanted = error.validator_value
        kinds = [str(k) for k in (wanted if isinstance(wanted, list) else [wanted])]
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        return f"{prefix}{error.instance!r} is not {words}"
    return f"{prefix}{error.message}"
