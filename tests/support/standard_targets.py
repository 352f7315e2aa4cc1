"""The Singer SDK's standard target tests for a write target that must call no service.

The standard inputs are not any vendor's objects. Keyed streams are written as one object
type and keyless ones as another (the ``object_types`` and ``modes`` settings); the
records lack what the object's calls need, so each is rejected before any call, into the
rejects table, with the missing field (or "no object yet", in mode ``update``) named. The
base URL is a closed loopback port: a request would fail the test. What the suite checks is
the message handling: schemas, keys, state, odd names and types.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from singer_sdk.testing import get_target_test_class

from targets.runtime.cli import load_writer_spec
from targets.runtime.target import target_class

#: The suite's streams that declare key properties.
KEYED = [
    "test_array_data",
    "TestCamelcase",
    "ForecastingTypeToCategory",
    "test_duplicate_records",
    "test_strings",
    "test_strings_in_objects",
    "test_strings_in_arrays",
    "test_multiple_state_messages_a",
    "test_multiple_state_messages_b",
    "test_optional_attributes",
    "test_record_before_schema",
    "record_missing_fields",
    "test_record_missing_key_property",
    "test_schema_updates",
    "test:SpecialChars!in?attributes",
    "test_users",
    "test_locations",
    "test_user_in_location",
]
#: The suite's streams without key properties.
KEYLESS = [
    "test_invalid_schema",
    "test_no_pk",
    "example_stream",
    "test_record_missing_required_property",
    "test_object_schema_with_properties",
    "test_object_schema_no_properties",
]

#: A loopback port nothing listens on.
CLOSED_PORT_URL = "http://127.0.0.1:9"


def offline_target_tests(
    service: str,
    credentials: dict[str, Any],
    *,
    keyed: str,
    keyless: str,
    modes: dict[str, str],
) -> type:
    """The standard test class of ``target-<service>`` writing keyed streams as ``keyed``
    objects and keyless ones as ``keyless`` objects, in ``modes``, against a closed port."""
    directory = Path(tempfile.mkdtemp(prefix=f"target-{service}-standard-"))
    atexit.register(shutil.rmtree, directory, True)
    return get_target_test_class(
        target_class(load_writer_spec(service)),
        config={
            **credentials,
            "base_url": CLOSED_PORT_URL,
            "warehouse": str(directory / "standard.duckdb"),
            "object_types": {**dict.fromkeys(KEYED, keyed), **dict.fromkeys(KEYLESS, keyless)},
            "modes": modes,
            "max_tries": 1,
        },
    )
