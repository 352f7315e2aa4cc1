"""The Singer SDK's standard target tests, run against target-notion (tests/support/
standard_targets.py): keyed streams as ``pages`` in mode ``update`` (no Notion page yet: "no
object yet"), keyless ones as ``blocks`` (no ``page_id`` for the blocks' path)."""

from tests.support.standard_targets import offline_target_tests

TestTargetNotionStandard = offline_target_tests(
    "notion",
    {"api_token": "secret_standard_tests"},
    keyed="pages",
    keyless="blocks",
    modes={"pages": "update", "blocks": "append"},
)
