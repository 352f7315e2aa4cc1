"""The Singer SDK's standard target tests, run against target-slack.

The standard inputs are not Slack messages: every stream is written as ``messages`` in
mode ``append`` (the ``object_types`` and ``modes`` settings; ``append`` because keyless
streams have no source key for the id map). Their records carry no ``channel``, so the
Slack emulator served for this module answers every post ``ok: false`` and the record
lands in the rejects table. What the suite checks is the
message handling: schemas, keys, state, odd names and types.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from brainhub.sandbox import serve
from brainhub.sandbox.services.slack import SlackEmulator
from targets.runtime.cli import load_writer_spec
from targets.runtime.target import target_class

_DIR = Path(tempfile.mkdtemp(prefix="target-slack-standard-"))
atexit.register(shutil.rmtree, _DIR, True)
_SERVED = serve(SlackEmulator(size="tiny", state_dir=_DIR / "sandbox", rate_limit=100_000))
_RUNNING = _SERVED.__enter__()
atexit.register(_SERVED.__exit__, None, None, None)

STREAMS = [
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
    "test_invalid_schema",
    "test_no_pk",
    "example_stream",
    "test_record_missing_required_property",
    "test_object_schema_with_properties",
    "test_object_schema_no_properties",
]

TestTargetSlackStandard = get_target_test_class(
    target_class(load_writer_spec("slack")),
    config={
        "base_url": _RUNNING.base_url,
        "api_token": _RUNNING.credentials["api_token"],
        "warehouse": str(_DIR / "standard.duckdb"),
        "object_types": dict.fromkeys(STREAMS, "messages"),
        "modes": {"messages": "append"},
        "max_tries": 1,
        # The spec paces every call to Slack's 50 a minute; the suite posts more than that.
        "rate_limit_requests": 100_000,
    },
)
