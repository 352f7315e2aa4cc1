"""The Singer SDK's standard target tests, run against target-gitlab (tests/support/
standard_targets.py): keyed streams as ``issues``, keyless ones as ``issue_notes``; their
records lack ``project_id`` / ``issue_iid``."""

from tests.support.standard_targets import offline_target_tests

TestTargetGitLabStandard = offline_target_tests(
    "gitlab",
    {"api_token": "glpat-standard-tests"},
    keyed="issues",
    keyless="issue_notes",
    modes={"issue_notes": "append"},
)
