"""The Singer SDK's standard target tests, run against target-github (tests/support/
standard_targets.py): keyed streams as ``issues``, keyless ones as ``issue_comments``;
their records lack ``repository`` / ``issue_number``."""

from tests.support.standard_targets import offline_target_tests

TestTargetGitHubStandard = offline_target_tests(
    "github",
    {"api_token": "ghp_standard_tests", "owner": "octo-org"},
    keyed="issues",
    keyless="issue_comments",
    modes={"issue_comments": "append"},
)
