"""The Singer SDK's standard target tests, run against target-clickup (tests/support/
standard_targets.py): keyed streams as ``tasks``, keyless ones as ``comments``; their
records lack ``list_id`` / ``task_id``."""

from tests.support.standard_targets import offline_target_tests

TestTargetClickUpStandard = offline_target_tests(
    "clickup",
    {"api_token": "pk_standard_tests"},
    keyed="tasks",
    keyless="comments",
    modes={"comments": "append"},
)
