"""The Singer SDK's standard target tests, run against target-trello (tests/support/
standard_targets.py): every stream as ``comments`` in mode ``append``; the records lack
``card_id``, which the comment's path needs."""

from tests.support.standard_targets import offline_target_tests

TestTargetTrelloStandard = offline_target_tests(
    "trello",
    {"api_key": "standard-tests-key", "api_token": "standard-tests-token"},
    keyed="comments",
    keyless="comments",
    modes={"comments": "append"},
)
