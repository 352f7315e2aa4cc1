"""The Singer SDK's standard target tests, run against target-microsoft365 (tests/support/
standard_targets.py): every stream as ``channel_messages`` in mode ``append``; the records
lack ``team_id`` and ``channel_id``, which the message's path needs. The token authority is
the same closed port: no token is ever asked for."""

from tests.support.standard_targets import CLOSED_PORT_URL, offline_target_tests

TestTargetMicrosoft365Standard = offline_target_tests(
    "microsoft365",
    {
        "tenant_id": "standard-tests-tenant",
        "client_id": "standard-tests-client",
        "client_secret": "standard-tests-secret",
        "authority_url": CLOSED_PORT_URL,
    },
    keyed="channel_messages",
    keyless="channel_messages",
    modes={"channel_messages": "append"},
)
