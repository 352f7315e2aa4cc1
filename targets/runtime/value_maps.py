"""Value maps: small tables that translate a source value to the far side's (users above all).

The ``value_maps`` setting names each map and gives it inline or as a file::

    {"value_maps": {"users": "transforms/github_to_clickup/users.csv"}}
    {"value_maps": {"users": {"octocat": 81940012}}}

A file is CSV with a header row and two columns (source value, far-side value), or a YAML or
JSON mapping. A reference with ``map: users`` translates its field through the map; a
value the map does not hold is *missing* (the reference's ``missing`` says what that does).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from brainhub.errors import SettingsError


def load_value_maps(raw: Any, target: str) -> dict[str, dict[str, Any]]:
    """Every map of the ``value_maps`` setting, by name, with text keys.

    Raises:
        SettingsError: a map is neither a mapping nor a readable file of one (one line
            naming the setting, the map and what would be valid).
    """
    if raw in (None, {}):
        return {}
    if not isinstance(raw, Mapping):
        raise SettingsError(
            f"{target}: setting 'value_maps' must map each name to a file or an object "
            f'(e.g. {{"users": "users.csv"}})'
        )
    return {str(name): _load(str(name), value, target) for name, value in raw.items()}


def _load(name: str, value: Any, target: str) -> dict[str, Any]:
    where = f"{target}: setting 'value_maps.{name}'"
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if not isinstance(value, str):
        raise SettingsError(f"{where} must be a file path or an object of source → value")
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{where}: cannot read {value}: {exc.strerror}") from None
    if path.suffix.lower() == ".csv":
        return _csv(text, where, value)
    try:
        data = (
            yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SettingsError(f"{where}: {value}{line}: not valid YAML: {problem}") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{where}: {value} line {exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    if not isinstance(data, Mapping):
        raise SettingsError(f"{where}: {value} must hold a mapping of source → value")
    return {str(k): v for k, v in data.items()}


def _csv(text: str, where: str, source: str) -> dict[str, Any]:
    rows = list(csv.reader(text.splitlines()))
    if rows and len(rows[0]) != 2:
        raise SettingsError(
            f"{where}: {source} line 1: the header needs two columns (source, far-side value), "
            f"got {len(rows[0])}"
        )
    found: dict[str, Any] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise SettingsError(
                f"{where}: {source} line {number}: expected two values (source, far-side "
                f"value), got {len(row)}"
            )
        found[row[0].strip()] = row[1].strip()
    return found
