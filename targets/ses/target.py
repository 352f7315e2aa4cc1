"""``TargetSES``: each record is one email sent through Amazon SES (see ``targets/ses/sink``)."""

from __future__ import annotations

import copy
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.target_base import Target

from brainhub.errors import BrainhubError, SettingsError
from targets.ses.settings import CONFIG_SCHEMA, DEFAULT_REGION
from targets.ses.sink import SESSink

_CLIENT_SETTINGS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "endpoint_url",
)


class RejectedEmailsError(BrainhubError):
    """SES refused some of the records (each was logged with SES's error text)."""


class TargetSES(Target):
    """Sends one email per record through SES; see ``targets/ses/README.md``."""

    name = "target-ses"
    default_sink_class = SESSink
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)  # the SDK adds its built-in settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._client: Any = None
        self.sent = 0
        self.rejects: list[str] = []
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # one line from the executable, not the SDK's log lines
            raise SettingsError(f"invalid settings: {'; '.join(exc.errors) or exc}") from None
        from_address = self.config.get("from_address")
        if not isinstance(from_address, str) or "@" not in from_address:
            raise SettingsError(
                f"setting 'from_address': give the sender's address (e.g. alerts@example.com), "
                f"got {from_address!r}"
            )
        self.from_address = from_address.strip()

    def client(self) -> Any:
        """The SES client, made once (the sender verified first when ``verify_sender``)."""
        if self._client is None:
            options = {k: self.config[k] for k in _CLIENT_SETTINGS if self.config.get(k)}
            self._client = boto3.client(
                "ses",
                region_name=str(self.config.get("region_name") or DEFAULT_REGION),
                config=Config(retries={"mode": "standard", "max_attempts": 5}),
                **options,
            )
            if self.config.get("verify_sender"):
                try:
                    self._client.verify_email_identity(EmailAddress=self.from_address)
                except (ClientError, BotoCoreError) as exc:
                    raise SettingsError(
                        f"setting 'verify_sender': SES would not verify the sender: {exc}"
                    ) from None
        return self._client

    def reject(self, line: str) -> None:
        """Count a refused record and log it as one line."""
        self.rejects.append(line)
        self.logger.warning("%s", line)

    def process_endofpipe(self) -> None:
        """Drain (the STATE for every record answered goes out), then fail if SES refused any."""
        super().process_endofpipe()
        if self.rejects:
            count = len(self.rejects)
            raise RejectedEmailsError(
                f"{count} email{'s' if count != 1 else ''} of {count + self.sent} refused by SES "
                f"(each logged above); the first: {self.rejects[0]}"
            )
