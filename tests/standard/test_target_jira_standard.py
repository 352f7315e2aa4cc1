"""The Singer SDK's standard target tests, run against target-jira (tests/support/
standard_targets.py): keyed streams as ``comments``, keyless ones as ``worklogs``; their
records lack ``issue_key``, which every path of both needs."""

from tests.support.standard_targets import offline_target_tests

TestTargetJiraStandard = offline_target_tests(
    "jira",
    {
        "domain": "standard.atlassian.net",
        "email": "robot@example.com",
        "api_token": "atl_standard_tests",
    },
    keyed="comments",
    keyless="worklogs",
    modes={"worklogs": "append"},
)
