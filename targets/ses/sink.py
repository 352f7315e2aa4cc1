"""``SESSink``: one email per record, sent before the record counts as written.

The SDK emits a STATE only after the records before it were processed, and a record is
processed once SES has answered with the message's id (logged) or refused it. A refusal of
the record itself (an invalid address, an unknown template, an unverified sender) is a
reject: logged as one line with SES's error text, counted, and the run goes on. Anything
else SES or the network says (credentials, throttling past boto's retries, no endpoint)
stops the run with one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from singer_sdk.sinks import RecordSink

from brainhub.errors import BrainhubError
from targets.ses.message import RecordProblemError, email_for

if TYPE_CHECKING:
    from targets.ses.target import TargetSES

#: SES error codes that refuse one message, not the run.
REJECT_CODES = frozenset(
    {
        "MessageRejected",
        "InvalidParameterValue",
        "TemplateDoesNotExist",
        "InvalidTemplate",
        "InvalidRenderingParameter",
        "MissingRenderingAttribute",
        "MailFromDomainNotVerified",
        "MailFromDomainNotVerifiedException",
        "AccountSendingPausedException",
        "ConfigurationSetDoesNotExist",
    }
)


class SESDeliveryError(BrainhubError):
    """SES or the way to it failed in a way that is not about one record."""


class SESSink(RecordSink):
    """Sends each record of one stream as an email (see the module doc)."""

    def __init__(self, target: TargetSES, *args: Any, **kwargs: Any) -> None:
        super().__init__(target, *args, **kwargs)
        self.ses_target = target
        self.number = 0

    def process_record(self, record: dict, context: dict) -> None:
        self.number += 1
        target = self.ses_target
        where = f"stream {self.stream_name!r}, record {self.number}"
        try:
            email = email_for(record, target.from_address, self.config.get("configuration_set"))
        except RecordProblemError as problem:
            target.reject(f"{where}: {problem}")
            return
        try:
            answer = getattr(target.client(), email.operation)(**email.parameters)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, text = str(error.get("Code", "")), str(error.get("Message", ""))
            if code in REJECT_CODES:
                target.reject(
                    f"{where} to {', '.join(email.recipients)}: SES refused it: {code}: {text}"
                )
                return
            raise SESDeliveryError(f"{where}: SES answered {code}: {text}") from None
        except BotoCoreError as exc:
            raise SESDeliveryError(f"{where}: cannot reach SES: {exc}") from None
        self.logger.info(
            "%s: sent to %s, message id %s", where, ", ".join(email.recipients), answer["MessageId"]
        )
        target.sent += 1
