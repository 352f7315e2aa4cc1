"""The Singer SDK's standard target tests, run against target-gitlab.

The standard inputs are not GitLab objects: keyed streams are written as ``issues`` and
keyless ones as ``issue_notes`` in mode ``append`` (the ``object_types`` and ``modes``
settings); their records lack ``project_id`` / ``issue_iid``, so each is rejected before
any call, into the rejects table, with the missing field named. What the suite checks is the
message handling: schemas, keys, state, odd names and types. The base URL is a closed
loopback port: a request would fail the test.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from targets.runtime.cli import load_writer_spec
from targets.runtime.target import target_class

_DIR = Path(tempfile.mkdtemp(prefix="target-gitlab-standard-"))
atexit.register(shutil.rmtree, _DIR, True)

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
KEYLESS = [
    "test_invalid_schema",
    "test_no_pk",
    "example_stream",
    "test_record_missing_required_property",
    "test_object_schema_with_properties",
    "test_object_schema_no_properties",
]

TestTargetGitLabStandard = get_target_test_class(
    target_class(load_writer_spec("gitlab")),
    config={
        "api_token": "glpat-standard-tests",
        "base_url": "http://127.0.0.1:9",
        "warehouse": str(_DIR / "standard.duckdb"),
        "object_types": {
            **dict.fromkeys(KEYED, "issues"),
            **dict.fromkeys(KEYLESS, "issue_notes"),
        },
        "modes": {"issue_notes": "append"},
        "max_tries": 1,
    },
)
