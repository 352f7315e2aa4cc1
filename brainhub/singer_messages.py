"""The shape of each Singer message, checked before a target or mapper uses it.

A message whose fields have the wrong JSON type (``"stream": ["tasks"]``, ``"version":
"abc"``) would otherwise surface as a Python error deep inside the SDK; :func:`message_problem`
says instead which field is wrong and what would be valid, and each engine raises it as its
own input error with the line number.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brainhub.errors import SettingsError

_OBJECT = (dict, "an object")
_STRING = (str, "a string")
_INTEGER = (int, "an integer")
_LIST = (list, "a list")

#: Per message type: field → (Python type, how to say it), and which fields are required.
_FIELDS: dict[str, dict[str, tuple[type, str]]] = {
    "RECORD": {"stream": _STRING, "record": _OBJECT, "version": _INTEGER},
    "SCHEMA": {"stream": _STRING, "schema": _OBJECT, "key_properties": _LIST},
    "STATE": {"value": _OBJECT},
    "ACTIVATE_VERSION": {"stream": _STRING, "version": _INTEGER},
    "BATCH": {"stream": _STRING, "encoding": _OBJECT, "manifest": _LIST},
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "RECORD": ("stream", "record"),
    "SCHEMA": ("stream", "schema"),
    "STATE": ("value",),
    "ACTIVATE_VERSION": ("stream", "version"),
    "BATCH": ("stream", "encoding", "manifest"),
}


def message_problem(kind: str, message: Any) -> str | None:
    """What is wrong with ``message`` as a ``kind`` message, or ``None`` if it is well formed."""
    if not isinstance(message, dict):
        return f"a {kind} message must be a JSON object"
    for name in _REQUIRED[kind]:
        if name not in message:
            return f"{kind} message has no {name!r}"
    for name, (python_type, wanted) in _FIELDS[kind].items():
        value = message.get(name)
        if value is None and name not in _REQUIRED[kind]:
            continue
        if not isinstance(value, python_type) or isinstance(value, bool):
            return f"{kind} message's {name!r} must be {wanted} (got {json_kind(value)})"
    if kind == "SCHEMA":
        keys = message.get("key_properties") or []
        if not all(isinstance(k, str) for k in keys):
            return "SCHEMA message's 'key_properties' must be a list of names"
        properties = message["schema"].get("properties")
        if properties is not None and not isinstance(properties, dict):
            return "SCHEMA message's 'properties' must be an object of fields"
    if kind == "BATCH" and not all(isinstance(url, str) for url in message["manifest"]):
        return "BATCH message's 'manifest' must be a list of file URLs"
    return None


def json_kind(value: Any) -> str:
    """The JSON type name of a decoded value."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"number {value!r}" if len(repr(value)) < 24 else "number"
    if isinstance(value, str):
        return f"string {value[:40]!r}"
    return names.get(type(value), type(value).__name__)


#: The options of a Singer executable that name a JSON file.
INPUT_OPTIONS = ("--config", "--state", "--catalog", "--properties")


def check_input_files(args: list[str]) -> None:
    """Every JSON file named on the command line exists and parses; else a SettingsError."""
    for index, arg in enumerate(args):
        option, _, value = arg.partition("=")
        if option not in INPUT_OPTIONS:
            continue
        if not value:
            value = args[index + 1] if index + 1 < len(args) else ""
        if not value or value == "ENV":
            continue
        path = Path(value)
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"{option} {value}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{option} {value}: cannot read it ({exc})") from None
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{option} {value}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
