"""Which warehouse file a Meltano environment writes, read from the project's ``meltano.yml``.

Each environment names its own ``target-duckdb`` ``path`` (``sandbox`` →
``data/sandbox.duckdb``, ``prod`` → ``data/warehouse.duckdb``), so commands that read the
warehouse follow the same environment Meltano would run::

    warehouse_of(Path("."), None)        # $MELTANO_ENVIRONMENT, else default_environment
    warehouse_of(Path("."), "prod")      # Warehouse("prod", Path("data/warehouse.duckdb"))
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brainhub import yaml_lines
from brainhub.errors import ConfigError
from brainhub.yaml_lines import load_yaml, yaml_error_line

PROJECT_FILE = "meltano.yml"
LOADER = "target-duckdb"
ROOT_VARIABLES = ("${MELTANO_PROJECT_ROOT}", "$MELTANO_PROJECT_ROOT")

#: Parsed ``meltano.yml`` texts by their SHA-256: the capped loader is pure Python, and the
#: monitoring page and the scheduler read the same project again and again.
_PARSED: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Warehouse:
    """An environment's warehouse file (relative to the project when configured so)."""

    environment: str
    path: Path


def environments(project: dict[str, Any]) -> list[dict[str, Any]]:
    """The environments a parsed ``meltano.yml`` declares."""
    return [e for e in project.get("environments") or [] if isinstance(e, dict)]


def load_project(root: Path) -> dict[str, Any]:
    """The parsed ``meltano.yml`` of the project at ``root``."""
    path = root / PROJECT_FILE
    try:
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in _PARSED and len(text) <= yaml_lines.MAX_DOCUMENT_CHARS:
            return copy.deepcopy(_PARSED[digest])
        data = load_yaml(text)
    except FileNotFoundError:
        raise ConfigError(
            f"no {PROJECT_FILE} in {root}; run from the project directory or name it with "
            "--project DIR"
        ) from None
    except yaml.YAMLError as exc:
        line, problem = yaml_error_line(exc)
        where = f"{path}:{line}" if line is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the project: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    if len(_PARSED) >= 8:
        _PARSED.clear()
    _PARSED[digest] = copy.deepcopy(data)
    return data


def loader_path(project: dict[str, Any], environment: str) -> str | None:
    """The ``target-duckdb`` ``path`` one environment configures, or ``None``."""
    for env in environments(project):
        if env.get("name") != environment:
            continue
        loaders = ((env.get("config") or {}).get("plugins") or {}).get("loaders") or []
        for loader in loaders:
            if isinstance(loader, dict) and loader.get("name") == LOADER:
                value = (loader.get("config") or {}).get("path")
                return str(value) if value is not None else None
    return None


def warehouse_of(root: Path, environment: str | None) -> Warehouse:
    """The warehouse ``environment`` writes (default: ``$MELTANO_ENVIRONMENT``, else the
    project's ``default_environment``); the error lists the valid environments."""
    project = load_project(root)
    name = (
        environment or os.environ.get("MELTANO_ENVIRONMENT") or project.get("default_environment")
    )
    known = [str(e.get("name")) for e in environments(project)]
    if name not in known:
        raise ConfigError(
            f"{root / PROJECT_FILE}: no environment {name!r}; valid environments are "
            f"{', '.join(known) or '(none)'}"
        )
    raw = loader_path(project, str(name))
    if raw is None:
        raise ConfigError(
            f"{root / PROJECT_FILE}: environment {name!r} does not set {LOADER}'s path"
        )
    for variable in ROOT_VARIABLES:
        raw = raw.replace(variable, str(root))
    return Warehouse(str(name), Path(raw))
