"""What every emulator's conformance test shares: the checks, the number of examples, the
vendor document cut down to the GET operations the emulator serves, and the hypothesis
settings schemathesis runs under. A vendor's module adds only its real ids."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import content_type_conformance, not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.operations import OperationTable
from brainhub.sandbox.kit.surface import normalised

#: Examples per operation: a few in the suite; ``BRAINHUB_CONFORMANCE_EXAMPLES`` asks more.
EXAMPLES_PER_OPERATION = int(os.environ.get("BRAINHUB_CONFORMANCE_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def served_schema(
    service: str,
    emulator_class: type[Emulator],
    document: dict[str, Any],
    prefix: str,
    examples: int,
) -> Any:
    """``document`` as a schemathesis schema, limited to the GET operations the emulator
    serves (the document's paths carry ``prefix`` before the emulator's own)."""
    served = {normalised(key.split(" ", 1)[1]) for key in coverage(service, emulator_class).served}
    document["paths"] = {
        path: {
            "get": item["get"],
            **({"parameters": item["parameters"]} if "parameters" in item else {}),
        }
        for path, item in document["paths"].items()
        if "get" in item and path.startswith(prefix) and normalised(path[len(prefix) :]) in served
    }
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(
        modes=["positive"],
        max_examples=examples,
        deterministic=True,
        allow_extra_parameters=False,
        with_security_parameters=False,
    )
    return schema


def conformance_settings(examples: int) -> Callable[[Any], Any]:
    """The hypothesis settings a conformance test runs under: derandomised, no database."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )


def documented_gets(document: dict[str, Any], prefix: str) -> set[str]:
    """Every GET operation of a vendor document, as ``GET /normalised/{}/path``."""
    return {
        f"GET {normalised(path[len(prefix) :])}"
        for path, item in document["paths"].items()
        if "get" in item
    }


def declared_operations(operations: OperationTable) -> set[str]:
    """The documented operations an emulator's table declares, keyed like
    :func:`documented_gets`."""
    return {
        f"{key.split(' ', 1)[0]} {normalised(key.split(' ', 1)[1])}"
        for key in operations.documented()
    }
