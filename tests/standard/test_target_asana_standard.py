"""The Singer SDK's standard target tests, run against target-asana (tests/support/
standard_targets.py): keyed streams as ``tasks`` in mode ``update`` (no Asana task yet: "no
object yet"), keyless ones as ``comments`` (no ``task_gid`` for the comment's path)."""

from tests.support.standard_targets import offline_target_tests

TestTargetAsanaStandard = offline_target_tests(
    "asana",
    {"access_token": "2/standard/tests"},
    keyed="tasks",
    keyless="comments",
    modes={"tasks": "update", "comments": "append"},
)
