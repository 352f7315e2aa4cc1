"""The settings of a ``target-<service>``: the spec's own plus those of the write runtime."""

from __future__ import annotations

from typing import Any

import msgspec

from brainhub.errors import SettingsError
from brainhub.http import OVERRIDE_SETTINGS
from brainhub.spec.model import ConnectorSpec, Setting
from brainhub.spec.placeholders import placeholders_in
from brainhub.spec.writes import MISSING, MODES, IdReference, reference_problems

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_LOCK_TIMEOUT = 300.0

_JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date_time": {"type": "string", "format": "date-time"},
    "object": {"type": "object"},
}


def runtime_settings(spec: ConnectorSpec) -> dict[str, dict[str, Any]]:
    """The settings every target has, with their JSON Schemas and defaults."""
    types = ", ".join(spec.writes) or "none"
    return {
        "base_url": {
            "type": "string",
            "default": spec.base_url,
            "description": "API root; overrides the spec's. `sandbox://<service>` starts the "
            "service's emulator on a loopback port for the run.",
        },
        "warehouse": {
            "type": "string",
            "default": DEFAULT_WAREHOUSE,
            "description": "The DuckDB file holding the id map and the rejects (each "
            "environment points at its own warehouse).",
        },
        "schema": {
            "type": "string",
            "default": f"writes_{spec.name}",
            "description": "Schema of the `_id_map` and `_write_rejects` tables.",
        },
        "object_types": {
            "type": "object",
            "additionalProperties": {"type": "string", "enum": list(spec.writes)},
            "description": "Stream → object type it writes (default: the stream's own name). "
            f"Object types: {types}.",
        },
        "modes": {
            "type": "object",
            "additionalProperties": {"type": "string", "enum": list(MODES)},
            "description": "Object type → write mode, replacing the spec's (`mirror` opts in "
            "to deleting objects whose source rows are gone).",
        },
        "references": {
            "type": "object",
            "additionalProperties": {"type": "object"},
            "description": "Object type → record field → reference, added to (or replacing) "
            "the spec's: `{key, stream}` translates the `key` field by the id map of `stream` "
            "(default: the record's own), `{key, map}` by a value map; `missing` is reject, "
            "empty or defer.",
        },
        "value_maps": {
            "type": "object",
            "description": "Name → a value map (source value → far-side value, e.g. user "
            "logins → user ids): a CSV file of two columns with a header, a YAML or JSON "
            "file of a mapping, or the mapping itself.",
        },
        "dry_run": {
            "type": "boolean",
            "default": False,
            "description": "Print the plan (creates, updates, deletes, changed fields) and "
            "call nothing.",
        },
        **(
            {
                "batch_size": {
                    "type": "integer",
                    "minimum": 1,
                    "default": max(o.batch.size for o in spec.writes.values() if o.batch),
                    "description": "Creates per batch request for the object types with a "
                    "batch endpoint (at most the service's own limit); 1 sends each create "
                    "on its own.",
                }
            }
            if any(o.batch for o in spec.writes.values())
            else {}
        ),
        "lock_timeout": {
            "type": "number",
            "default": DEFAULT_LOCK_TIMEOUT,
            "description": "Seconds to wait while another process holds the warehouse lock.",
        },
        **{
            override.name: {
                "type": override.kind,
                "exclusiveMinimum": 0,
                "description": f"{override.description} Overrides the connector spec's HTTP "
                "policy.",
            }
            for override in OVERRIDE_SETTINGS
        },
    }


def setting_schema(setting: Setting) -> dict[str, Any]:
    """The JSON Schema of one spec setting."""
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


def target_settings(spec: ConnectorSpec) -> dict[str, Setting]:
    """The spec's settings a target needs: required and secret ones, and those its base URL,
    headers, auth and writes read (a tap's reading options are left out)."""
    parts = [spec.base_url, spec.headers, msgspec.to_builtins(spec.auth)]
    parts.append(msgspec.to_builtins(spec.writes))
    used = {
        name.split(".")[0] for scope, name in placeholders_in(parts) if scope == "config" and name
    }
    return {name: s for name, s in spec.settings.items() if s.required or s.secret or name in used}


def config_schema(spec: ConnectorSpec) -> dict[str, Any]:
    """The whole settings schema of the target."""
    settings = target_settings(spec)
    own = {name: setting_schema(s) for name, s in settings.items()}
    runtime = {k: v for k, v in runtime_settings(spec).items() if k not in own}
    return {
        "type": "object",
        "properties": {**own, **runtime},
        "required": [name for name, s in settings.items() if s.required],
    }


def setting(config: dict[str, Any], spec: ConnectorSpec, name: str) -> Any:
    """A runtime setting's value, or its default."""
    value = config.get(name)
    return runtime_settings(spec)[name].get("default") if value is None else value


def references_setting(spec: ConnectorSpec, raw: Any) -> dict[str, dict[str, IdReference]]:
    """The ``references`` setting, checked: object type → field → reference.

    Raises:
        SettingsError: one line naming what is wrong and what would be valid.
    """
    where = f"target-{spec.service}: setting 'references'"
    if not raw:
        return {}
    try:
        references = msgspec.convert(raw, dict[str, dict[str, IdReference]])
    except msgspec.ValidationError as exc:
        raise SettingsError(
            f"{where}: {exc} (valid: {{object type: {{field: {{key, stream | map, "
            f"missing: {' | '.join(MISSING)}}}}}}})"
        ) from None
    for object_type, fields in references.items():
        if object_type not in spec.writes:
            raise SettingsError(
                f"{where} names {object_type!r}, which is no object type (object types: "
                f"{', '.join(spec.writes)})"
            )
        for path, message in reference_problems(fields, (object_type,)):
            raise SettingsError(
                f"target-{spec.service}: setting 'references.{'.'.join(map(str, path))}': {message}"
            )
    return references


def check_modes(spec: ConnectorSpec, modes: dict[str, str]) -> None:
    """Every mode override names an object type whose operations allow that mode."""
    from brainhub.spec.writes import NEEDED

    for object_type, mode in modes.items():
        obj = spec.writes.get(object_type)
        if obj is None:
            raise SettingsError(
                f"target-{spec.service}: setting 'modes' names {object_type!r}, which is no "
                f"object type (object types: {', '.join(spec.writes)})"
            )
        declared = set(obj.operations.declared())
        if not any(set(option) <= declared for option in NEEDED[mode]):
            options = " or ".join(" and ".join(option) for option in NEEDED[mode])
            raise SettingsError(
                f"target-{spec.service}: setting 'modes': {object_type} cannot be written in mode "
                f"{mode} (it needs {options}; {object_type} declares "
                f"{', '.join(sorted(declared))})"
            )
