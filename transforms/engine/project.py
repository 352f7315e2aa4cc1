"""Find and load every mapping file and SQL model of a project."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from transforms.engine.errors import Location, MappingError
from transforms.engine.graph import order_models, select_models
from transforms.engine.loader import load_mapping_file
from transforms.engine.model import Model, Output
from transforms.engine.sql_models import load_sql_model

MAPPING_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRECTORIES = {"engine", "__pycache__"}


@dataclass(frozen=True)
class Project:
    """Every output of a project's mapping files and SQL models, in run order."""

    models: tuple[Model, ...]

    @classmethod
    def load(cls, paths: Iterable[Path], display_root: Path | None = None) -> Project:
        """Load the mapping files and ``.sql`` models found in ``paths`` (files or folders).

        Folders are searched recursively, skipping hidden folders and the engine's own.
        Errors name files relative to ``display_root`` when they are under it.
        """
        files = discover(paths)
        models: list[Model] = []
        for file in files:
            shown = display_name(file, display_root)
            if file.suffix == ".sql":
                models.append(load_sql_model(file, shown))
            else:
                models.extend(load_mapping_file(file, shown))
        return cls(tuple(order_models(models)))

    def select(self, selectors: Sequence[str]) -> list[Model]:
        """The models chosen by dbt-style selectors, in run order (all when empty)."""
        return select_models(self.models, selectors) if selectors else list(self.models)

    def get(self, name: str) -> Model:
        """The model named ``name``; raises ``MappingError`` listing the valid names."""
        for model in self.models:
            if model.name == name:
                return model
        valid = ", ".join(model.name for model in self.models) or "none"
        raise MappingError(f"no output named {name!r} (outputs: {valid})")

    @property
    def outputs(self) -> list[Output]:
        """The outputs declared in mapping files (not SQL models)."""
        return [model for model in self.models if isinstance(model, Output)]


def discover(paths: Iterable[Path]) -> list[Path]:
    """Mapping files (``.yaml``/``.yml``) and ``.sql`` models under ``paths``, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
            continue
        if not path.is_dir():
            raise MappingError("no such mapping file or folder", Location(str(path)))
        for root, directories, names in os.walk(path):
            directories[:] = sorted(
                d for d in directories if not d.startswith(".") and d not in SKIPPED_DIRECTORIES
            )
            found.extend(
                Path(root, name)
                for name in sorted(names)
                if name.endswith((*MAPPING_SUFFIXES, ".sql"))
            )
    return found


def display_name(file: Path, root: Path | None) -> str:
    """``file`` relative to ``root`` when under it, else as given."""
    if root is not None:
        try:
            return str(file.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(file)
