"""The settings of target-ses."""

from __future__ import annotations

from singer_sdk import typing as th

DEFAULT_REGION = "us-east-1"

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "from_address",
        th.StringType,
        title="From address",
        description="The sender (`Alerts <alerts@example.com>`); SES must have it verified. Required.",
    ),
    th.Property(
        "region_name",
        th.StringType,
        default=DEFAULT_REGION,
        title="AWS region",
        description="The SES region.",
    ),
    th.Property(
        "endpoint_url",
        th.StringType,
        title="SES endpoint URL",
        description="An SES-compatible endpoint (a local emulator); AWS itself when unset.",
    ),
    th.Property(
        "aws_access_key_id",
        th.StringType,
        secret=True,
        title="AWS access key id",
        description="SES credentials; boto's own chain (environment, profile, role) when unset.",
    ),
    th.Property(
        "aws_secret_access_key",
        th.StringType,
        secret=True,
        title="AWS secret access key",
        description="The secret of `aws_access_key_id`.",
    ),
    th.Property(
        "aws_session_token",
        th.StringType,
        secret=True,
        title="AWS session token",
        description="For temporary credentials.",
    ),
    th.Property(
        "configuration_set",
        th.StringType,
        title="Configuration set",
        description="An SES configuration set to send with (event publishing, IP pools).",
    ),
    th.Property(
        "verify_sender",
        th.BooleanType,
        default=False,
        title="Verify the sender first",
        description=(
            "Ask SES to verify `from_address` before sending (the sandbox's emulator verifies at "
            "once; real SES sends a confirmation email instead)."
        ),
    ),
).to_dict()
