"""Reading ``--config`` files, and checking the settings that name places on disk.

A missing, unreadable or malformed file, a file that is not a JSON object, a ``path`` or
``staging_dir`` that cannot be used: each is one line saying which file or setting, what is
wrong, and what would be valid.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from targets.duckdb.errors import TargetDuckDBError


class ConfigError(TargetDuckDBError):
    """A config file or setting cannot be used."""

    locatable = False


def read_config_files(paths: Sequence[str]) -> tuple[dict[str, Any], bool]:
    """Merge the ``--config`` files in order; ``ENV`` means "read settings from the
    environment". Return the settings and whether the environment is to be read."""
    config: dict[str, Any] = {}
    parse_env = False
    for path in paths:
        if path == "ENV":
            parse_env = True
            continue
        try:
            with open(path, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except FileNotFoundError:
            raise ConfigError(f"config file {path!r} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ConfigError(f"cannot read config file {path!r}: {reason}") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"config file {path!r}, line {exc.lineno} column {exc.colno}: not valid JSON "
                f"({exc.msg})"
            ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(
                f"config file {path!r} must hold a JSON object of settings "
                f"(got {type(loaded).__name__})"
            )
        config |= loaded
    return config, parse_env


def usable_directory(setting: str, directory: str) -> str:
    """Create ``directory`` if needed and check that files can be written in it."""
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"setting {setting!r}: cannot create directory {directory!r} ({exc.strerror}); "
            "it must be a writable directory"
        ) from None
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK | os.X_OK):
        raise ConfigError(f"setting {setting!r}: {directory!r} is not a writable directory")
    return directory
