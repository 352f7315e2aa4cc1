"""The transform engine: mapping files compiled to DuckDB SQL.

Public API::

    Project.load(paths)                 find and load mapping files and .sql models
    compile_output(output, catalog)     one output → its SQL (CompiledOutput)
    run_models / validate_models        build or check outputs in a DuckDB connection
    preview_rows                        the first rows an output would have
    load_mapping_text / load_mapping_file

Errors (see ``transforms.engine.errors``): ``MappingError`` (file:line in the message),
``MappingCycleError``, ``WarehouseError``, ``TransformRunError``, ``SingerInputError``.
"""

from transforms.engine.compiler import Catalog, CompiledOutput, compile_output
from transforms.engine.errors import (
    Location,
    MappingCycleError,
    MappingError,
    SingerInputError,
    TransformRunError,
    WarehouseError,
)
from transforms.engine.loader import load_mapping_file, load_mapping_text, mapping_schema
from transforms.engine.project import Project
from transforms.engine.runner import OutputResult, preview_rows, run_models, validate_models

__all__ = [
    "Catalog",
    "CompiledOutput",
    "Location",
    "MappingCycleError",
    "MappingError",
    "OutputResult",
    "Project",
    "SingerInputError",
    "TransformRunError",
    "WarehouseError",
    "compile_output",
    "load_mapping_file",
    "load_mapping_text",
    "mapping_schema",
    "preview_rows",
    "run_models",
    "validate_models",
]
