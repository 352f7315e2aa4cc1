"""The tap's settings: the spec's own plus those the engine adds to every tap."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from brainhub.errors import SettingsError
from brainhub.http import OVERRIDE_SETTINGS
from brainhub.spec.model import ConnectorSpec, Setting
from brainhub.spec.placeholders import parse_time

DEFAULT_MAX_WORKERS = 8

ENGINE_SETTINGS: dict[str, dict[str, Any]] = {
    "base_url": {
        "type": "string",
        "description": "API root; overrides the spec's. `sandbox://<service>?size=demo&seed=1` "
        "starts the service's emulator on a loopback port for the run.",
    },
    "start_date": {
        "type": "string",
        "format": "date-time",
        "description": "Earliest change to read on the first incremental sync (ISO 8601).",
    },
    "max_workers": {
        "type": "integer",
        "minimum": 1,
        "default": DEFAULT_MAX_WORKERS,
        "description": "Child partitions fetched in parallel (within the rate limit).",
    },
    **{
        override.name: {
            "type": override.kind,
            "exclusiveMinimum": 0,
            "description": f"{override.description} Overrides the connector spec's HTTP policy.",
        }
        for override in OVERRIDE_SETTINGS
    },
}

_JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date_time": {"type": "string", "format": "date-time"},
    "object": {"type": "object"},
}


def setting_schema(setting: Setting) -> dict[str, Any]:
    """The JSON Schema of one spec setting, as the Singer SDK and Meltano read it."""
    if setting.type == "array":
        schema: dict[str, Any] = {"type": "array", "items": {"type": setting.items or "string"}}
    else:
        schema = dict(_JSON_TYPES[setting.type])
    if setting.description:
        schema["description"] = setting.description
    if setting.default is not None:
        schema["default"] = setting.default
    if setting.enum:
        schema["enum"] = list(setting.enum)
    if setting.secret:
        schema.update(secret=True, writeOnly=True)
    return schema


def config_schema(spec: ConnectorSpec) -> dict[str, Any]:
    """The whole settings schema of a tap."""
    properties = {name: setting_schema(s) for name, s in spec.settings.items()}
    engine = {k: dict(v) for k, v in ENGINE_SETTINGS.items() if k not in properties}
    engine["base_url"]["default"] = spec.base_url
    return {
        "type": "object",
        "properties": {**properties, **engine},
        "required": [name for name, s in spec.settings.items() if s.required],
    }


def coerce_numbers(spec: ConnectorSpec, config: dict[str, Any]) -> dict[str, Any]:
    """Numeric settings given as text (from environment variables) become numbers."""
    properties = config_schema(spec)["properties"]
    coerced = dict(config)
    for name, value in config.items():
        kind = properties.get(name, {}).get("type")
        if isinstance(value, str) and kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                continue  # left as it is: check_config names it
            coerced[name] = int(number) if kind == "integer" and number.is_integer() else number
    return coerced


def env_variable(spec: ConnectorSpec, setting: str) -> str:
    """The environment variable Meltano and the Singer SDK read a setting from."""
    return f"TAP_{spec.name.upper()}_{setting.upper()}"


def missing_settings(spec: ConnectorSpec, config: dict[str, Any]) -> list[str]:
    """The required settings without a value, in the spec's order."""
    return [
        name
        for name, setting in spec.settings.items()
        if setting.required and config.get(name) in (None, "")
    ]


def check_config(spec: ConnectorSpec, config: dict[str, Any], *, require: bool = True) -> None:
    """Raise one SettingsError naming every bad setting, without showing secret values.

    ``require=False`` (discovery) checks the values given but lets required ones be absent.
    """
    schema = config_schema(spec)
    problems = []
    missing = missing_settings(spec, config) if require else []
    if missing:
        problems.append(_missing_message(spec, missing))
    for error in Draft202012Validator(schema).iter_errors(config):
        name = error.path[0] if error.path else None
        if error.validator == "required":
            continue  # every missing setting is named above, once
        if name is not None:
            shown = "(hidden)" if name in spec.secret_settings else repr(error.instance)
            expected = schema["properties"].get(name, {})
            want = expected.get("format") or expected.get("type")
            problems.append(f"setting {name!r}: {shown} is not valid (expected {want})")
    if config.get("start_date") is not None:
        _check_time("start_date", config["start_date"], problems)
    if problems:
        raise SettingsError(f"tap-{spec.service}: " + "; ".join(problems))


def _missing_message(spec: ConnectorSpec, missing: list[str]) -> str:
    described = []
    for name in missing:
        description = spec.settings[name].description
        hint = f": {description.rstrip('.')}" if description else ""
        described.append(f"{name!r} ({env_variable(spec, name)}){hint}")
    plural = "s" if len(missing) > 1 else ""
    return (
        f"missing required setting{plural} " + "; ".join(described) + " — set "
        f"{'them' if plural else 'it'} in the config file, with `meltano config set tap-{spec.service} "
        "<setting> <value>`, or as environment variables (a .env file in the project works)"
    )


def _check_time(name: str, value: Any, problems: list[str]) -> None:
    try:
        parse_time(value)
    except (TypeError, ValueError):
        problems.append(
            f"setting {name!r}: {value!r} is not an ISO 8601 date-time "
            "(for example 2024-01-31T00:00:00Z)"
        )
